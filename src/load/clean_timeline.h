#pragma once
// The fast path for JSON timelines: most lines of a cohort are plainly clean, and for those the
// general walker (timeline_walker.h), which keeps a path for diagnostics and works on both JSON and
// YAML, does more than needed. read_clean_timeline() reads such a document straight from
// simdjson's DOM into a Timeline whose memory is reused from line to line, and gives up at the
// first thing that is not plainly clean; the walker then reads the document and says what is
// wrong. For every document it accepts, it gives exactly the walker's Timeline (a test checks
// this on generated cohorts, their mutations and every fixture).

#include <simdjson.h>

#include "regimen/timeline/instruments.h"
#include "regimen/timeline/timeline.h"

namespace regimen::load {

/// Reads `root` into `t` (replacing what it held, reusing its capacity) when every field is known,
/// given once, of its expected type and valid, and nothing would be warned about. Returns false
/// otherwise; `t` then holds nothing meaningful.
bool read_clean_timeline(simdjson::dom::element root, const InstrumentCatalog& instruments, Timeline& t);

}  // namespace regimen::load
