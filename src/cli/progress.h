#pragma once
// A progress line on stderr for long runs, shown only when stderr is a terminal:
// "  412,000 patients   96,300/s   63%   ETA 0:04". It reads the clock; the engine never does.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace regimen::cli {

class Progress {
 public:
  /// `total_bytes`: the input's size when known (a file), else 0 (no percentage or ETA).
  Progress(bool enabled, uint64_t total_bytes);
  /// Called after each block; redraws at most a few times a second.
  void update(uint64_t patients, uint64_t bytes_done);
  /// Clears the line (before the summary or the end).
  void finish();
  /// What to print before other text on stderr (a bad line's error) so that it does not run on
  /// from the progress line: a return to the line's start and a clear, when the line is shown.
  [[nodiscard]] std::string_view clear_first() const { return enabled_ ? "\r\x1b[K" : ""; }

 private:
  bool enabled_;
  uint64_t total_bytes_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace regimen::cli
