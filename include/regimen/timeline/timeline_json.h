#pragma once
// A timeline in canonical JSON: the contract's keys in the contract's order, every array in the
// order it was given, no unknown fields, no insignificant white space. Two timelines with the same
// content have the same canonical text (and so the same hash).

#include <string>

#include "regimen/timeline/timeline.h"

namespace regimen {

std::string to_canonical_json(const Timeline& t);
/// The same, written into `out` (replacing what it held): a caller that reuses one buffer makes
/// no allocation per timeline.
void write_canonical_json(const Timeline& t, std::string& out);
/// The same, appended to what `out` holds.
void append_canonical_json(const Timeline& t, std::string& out);

}  // namespace regimen
