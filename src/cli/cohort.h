#pragma once
// Streaming a cohort (JSON Lines) through a pool of threads, as `diff` does: lines are read in
// chunks, each chunk's lines are shared out among the threads, and the results are handed back
// in input order. Memory is bounded by the chunk, whatever the cohort's size. (`batch` has its
// own block pipeline, tuned for throughput: cmd_batch.cc; it shares the helpers below.)

#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "regimen/common/date.h"
#include "regimen/common/diagnostic.h"
#include "regimen/timeline/timeline.h"

namespace regimen::cli {

constexpr size_t kCohortChunk = 4096;  ///< lines in flight

/// One line of the input: its text and its 1-based line number in the cohort file.
struct CohortLine {
  std::string_view text;
  size_t number = 0;
};

/// Runs `work(worker, line, result)` for every non-blank line on `threads` threads, then
/// `merge(results, first_line_number)` on the calling thread after each chunk, in input order
/// (a blank line's result is left as constructed). `merge` returns false to stop the run; so
/// does stream_cohort then.
template <class Result>
bool stream_cohort(std::istream& in, unsigned threads, const std::function<void(unsigned, const CohortLine&, Result&)>& work,
                   const std::function<bool(std::vector<Result>&, size_t)>& merge) {
  std::vector<std::string> lines;
  std::vector<Result> results;
  size_t first_line_number = 1;
  bool done = false;
  while (!done) {
    lines.clear();
    std::string line;
    while (lines.size() < kCohortChunk && std::getline(in, line)) lines.push_back(std::move(line));
    done = lines.size() < kCohortChunk;
    results.assign(lines.size(), Result{});
    auto run = [&](unsigned worker) {
      for (size_t i = worker; i < lines.size(); i += threads) {
        if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are skipped
        work(worker, CohortLine{lines[i], first_line_number + i}, results[i]);
      }
    };
    std::vector<std::thread> pool;
    for (unsigned w = 1; w < threads; ++w) pool.emplace_back(run, w);
    run(0);
    for (std::thread& t : pool) t.join();
    if (!merge(results, first_line_number)) return false;
    first_line_number += lines.size();
  }
  return true;
}

/// A cohort line's diagnostics, placed in the cohort file: line numbers of the file, and
/// column 1 when a diagnostic has none.
Diagnostics place_in_cohort(const Diagnostics& diagnostics, size_t line_number);

/// The worker count: `requested`, else one per core.
unsigned cohort_threads(unsigned requested);

/// Today, read once for a whole run: the evaluation day of a line without as_of.
Date cohort_today();

/// The day a line is evaluated on: `fixed` (--as-of) when given, else the line's as_of, else `today`.
Date cohort_day(const std::optional<Date>& fixed, const Timeline& timeline, Date today);

}  // namespace regimen::cli
