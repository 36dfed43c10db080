#pragma once
// The fast path for JSON timelines: most lines of a cohort are plainly clean, and for those
// simdjson's DOM and the general walker (timeline_walker.h), which keeps a path for diagnostics and
// works on both JSON and YAML, do more than needed. read_clean_timeline() reads such a document's
// text in one pass straight into a Timeline whose memory is reused from line to line, and gives up
// at the first thing that is not plainly clean (an escape, an exponent, an unknown field, a value
// the walker would warn about, anything that is not JSON); simdjson and the walker then read the
// document and say what is wrong. For every document it accepts, the document is JSON and the
// Timeline is exactly the walker's (tests/clean_timeline_check.cc checks this on generated cohorts,
// their mutations, random byte edits of them, and every fixture).

#include <string_view>

#include "regimen/timeline/instruments.h"
#include "regimen/timeline/timeline.h"

namespace regimen::load {

/// Reads the JSON document `text` into `t` (replacing what it held, reusing its capacity) when every
/// field is known, given once, of its expected type and valid, and nothing would be warned about.
/// Returns false otherwise; `t` then holds nothing meaningful. `surplus` keeps the elements of
/// arrays longer than this document's (with their strings' and vectors' memory) for later ones.
bool read_clean_timeline(std::string_view text, const InstrumentCatalog& instruments, Timeline& t, Timeline& surplus);

}  // namespace regimen::load
