#pragma once
// A long run writing to a temporary file (batch -o, renamed at the end) removes it when it is
// interrupted (Ctrl-C, SIGTERM from a scheduler, a closed terminal): otherwise a half-written file
// of patient results would be left beside the output. The handler only unlinks the file and
// re-raises the signal with its default action, both safe in a signal handler.

#include <string>

namespace regimen::cli {

class RemoveOnInterrupt {
 public:
  /// Removes `path` on SIGINT, SIGTERM or SIGHUP until destroyed (or until released()); a signal
  /// already ignored stays ignored.
  explicit RemoveOnInterrupt(const std::string& path);
  ~RemoveOnInterrupt();
  RemoveOnInterrupt(const RemoveOnInterrupt&) = delete;
  RemoveOnInterrupt& operator=(const RemoveOnInterrupt&) = delete;
  /// The file is in place (renamed) or removed: an interruption no longer removes anything.
  void release();

 private:
  bool armed_ = false;
};

}  // namespace regimen::cli
