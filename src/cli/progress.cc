#include "progress.h"

#include <cstdio>
#include <fmt/format.h>
#include <string>

namespace regimen::cli {

namespace {

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

Progress::Progress(bool enabled, uint64_t total_bytes)
    : enabled_(enabled), total_bytes_(total_bytes), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void Progress::update(uint64_t patients, uint64_t bytes_done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(patients) / seconds : 0;
  std::string line = fmt::format("\r  {} patients   {}/s", with_commas(patients), with_commas(static_cast<uint64_t>(rate)));
  if (total_bytes_ > 0 && bytes_done > 0 && bytes_done <= total_bytes_) {
    const double fraction = static_cast<double>(bytes_done) / static_cast<double>(total_bytes_);
    const auto eta = static_cast<uint64_t>(seconds * (1 - fraction) / fraction);
    line += fmt::format("   {:3.0f}%   ETA {}:{:02d}", fraction * 100, eta / 60, eta % 60);
  }
  line += "\x1b[K";  // clear what is left of a longer previous line
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace regimen::cli
