#pragma once
// The report of `regimen diff`: what changed in the protocol file, who in a cohort gets a
// different result, grouped by kind of change, and why, shown on one example per group.

#include <optional>
#include <string>
#include <vector>

#include "regimen/common/date.h"
#include "regimen/common/diagnostic.h"
#include "regimen/compile/plan.h"
#include "regimen/evaluate/compare.h"
#include "regimen/protocol/structural_diff.h"

namespace regimen {

struct DiffReport {
  struct Version {
    const Plan* plan = nullptr;
    std::string sha256;  ///< of the file's text
  };
  Version before, after;
  std::vector<ItemChange> structure;

  bool has_cohort = false;
  std::string cohort;         ///< its name, for `file:line`
  std::optional<Date> as_of;  ///< --as-of; without it each patient's own as_of (else today)
  size_t evaluated = 0, changed = 0, wording_only = 0, in_several = 0, bad_lines = 0;
  Diagnostics line_errors;  ///< the bad lines' errors, kept for JSON (text prints them as it goes)
  std::vector<ChangeGroup> groups;  ///< by count, largest first
  /// One per group: the group's first patient compared in full; null when no example is shown.
  std::vector<const PatientComparison*> examples;
};

/// For a person, in an 80-column terminal.
std::string diff_text(const DiffReport& r);
/// For programs: keys in a fixed order, the same input gives the same bytes.
std::string diff_json(const DiffReport& r);

}  // namespace regimen
