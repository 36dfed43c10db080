#include "interrupt_cleanup.h"

#include <csignal>
#include <cstring>
#include <unistd.h>

namespace regimen::cli {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
// The path, copied where the handler can read it without allocating (one guard at a time).
char g_path[4096];
volatile std::sig_atomic_t g_armed = 0;
struct sigaction g_previous[3];

void on_signal(int sig) {
  if (g_armed) ::unlink(g_path);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

RemoveOnInterrupt::RemoveOnInterrupt(const std::string& path) {
  if (path.size() >= sizeof g_path) return;  // too long to keep: left as before
  std::memcpy(g_path, path.c_str(), path.size() + 1);
  g_armed = 1;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    ::sigaction(kSignals[i], nullptr, &g_previous[i]);
    // A signal the parent set to be ignored (nohup's SIGHUP, SIGINT for a shell's background job)
    // stays ignored: the run is meant to go on.
    if (g_previous[i].sa_handler != SIG_IGN) ::sigaction(kSignals[i], &action, nullptr);
  }
  armed_ = true;
}

void RemoveOnInterrupt::release() {
  if (!armed_) return;
  g_armed = 0;
  for (size_t i = 0; i < std::size(kSignals); ++i) ::sigaction(kSignals[i], &g_previous[i], nullptr);
  armed_ = false;
}

RemoveOnInterrupt::~RemoveOnInterrupt() { release(); }

}  // namespace regimen::cli
