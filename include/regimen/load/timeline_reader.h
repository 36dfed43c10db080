#pragma once
// Reading patient timelines (CONTRACT §1-2) from JSON or YAML text.
//
// A timeline is either read whole or rejected whole: the Result holds a Timeline only when no
// error was found, and always holds every diagnostic (errors and warnings), each with the
// place in the input: line and column, and the JSON pointer ("/assessments/3/score").

#include <memory>
#include <string>
#include <string_view>

#include "regimen/common/diagnostic.h"
#include "regimen/common/source.h"
#include "regimen/timeline/instruments.h"
#include "regimen/timeline/timeline.h"

namespace regimen {

enum class InputFormat { kAuto, kJson, kYaml };

/// kJson for .json/.jsonl names, kYaml for .yaml/.yml, else by the first non-blank character
/// ('{' or '[' is JSON, anything else YAML).
InputFormat detect_format(std::string_view file_name, std::string_view text);

struct TimelineReadOptions {
  InputFormat format = InputFormat::kAuto;
  /// The instruments assessments are checked against (score and item ranges).
  const InstrumentCatalog* instruments = &default_instruments();
};

/// Reads one timeline document.
Result<Timeline> read_timeline(const SourceFile& source, const TimelineReadOptions& options = {});

/// Reads a file ("-" is standard input). A file that cannot be read is an error diagnostic
/// with code "timeline.io".
struct LoadedTimeline {
  SourceFile source;  ///< kept so diagnostics can show the offending line
  Result<Timeline> result;
};
LoadedTimeline read_timeline_file(const std::string& path, const TimelineReadOptions& options = {});

/// The warnings for completed sessions that share a day, dated on or before `up_to` (the
/// evaluation gives them in its own warnings; this is for showing them where a command prints
/// the reader's warnings, on stderr), placed in `source` (the timeline's text) at each second
/// session.
Diagnostics same_day_session_warnings(const Timeline& t, Date up_to, const SourceFile& source);

/// Reads many JSON timelines quickly, reusing its parser's buffers between calls (one per
/// thread). Used for cohorts: each line of a JSON Lines file is one timeline.
class JsonTimelineReader {
 public:
  explicit JsonTimelineReader(const InstrumentCatalog& instruments = default_instruments());
  ~JsonTimelineReader();
  JsonTimelineReader(const JsonTimelineReader&) = delete;
  JsonTimelineReader& operator=(const JsonTimelineReader&) = delete;

  /// `name` labels diagnostics (e.g. "cohort.jsonl:17"); positions are resolved against `text`.
  /// With `padded`, the caller promises that at least kPadding readable bytes follow `text` (a
  /// line inside a larger buffer), so the parser reads it in place instead of copying it.
  Result<Timeline> read(std::string_view text, std::string_view name, bool padded = false);
  static constexpr size_t kPadding = 64;
  /// Gives back a timeline read by this reader and no longer needed: the next read reuses its
  /// memory (a cohort's timelines are alike, so reading one then allocates next to nothing).
  void recycle(Timeline&& t);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace regimen
