#pragma once
// What-if: the same patient evaluated as the timeline is and as changed (a missed session, an
// added score, a different parameter), and exactly what differs.

#include <optional>
#include <string>
#include <vector>

#include "regimen/compile/overrides.h"
#include "regimen/evaluate/compare.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen {

struct TimelineChange {
  enum class Kind { kAddSession, kMissSession, kAddScore };
  Kind kind = Kind::kAddSession;
  Date date;
  std::string instrument;         ///< kAddScore
  int score = 0;                  ///< kAddScore
  std::vector<ItemAnswer> items;  ///< kAddScore
};

/// One alternative: changes to the timeline and to parameters.
struct Alternative {
  std::string name;
  std::vector<TimelineChange> changes;
  std::vector<ParameterOverride> overrides;
};

struct Comparison {
  std::string name;
  Timeline timeline;  ///< the changed timeline (the evaluation refers into it)
  Evaluation evaluation;
  /// When the alternative misses a session the timeline does not have, what it is compared with
  /// is the timeline with that session given as planned (`as_planned`), its own: another
  /// alternative's assumptions never reach it, nor the timeline as it is.
  bool has_planned = false;
  Timeline planned_timeline;
  Evaluation as_planned;
  std::vector<Difference> differences;  ///< against as_planned when has_planned, else the timeline as it is
  /// What the comparison assumed or could not read, for the reader: a missed session the
  /// timeline does not have (assumed planned), one already missed, a change after as_of.
  std::vector<std::string> notes;
};

struct WhatIf {
  Timeline timeline;  ///< the timeline as it is
  Evaluation evaluation;
  std::vector<Comparison> alternatives;
};

/// What an alternative is compared with: the evaluation as planned when it has one, else as it is.
inline const Evaluation& baseline_of(const WhatIf& w, const Comparison& c) { return c.has_planned ? c.as_planned : w.evaluation; }

/// Applies the changes. Missing a session that the timeline does not have means: the baseline
/// assumes it happens as planned (a completed session that day) and the alternative records it
/// as missed. A day whose sessions are all already missed or cancelled is left as it is on both
/// sides. Returns the baseline and the changed timeline.
std::pair<Timeline, Timeline> apply_changes(const Timeline& timeline, const std::vector<TimelineChange>& changes);

/// Evaluates the timeline as it is and under each alternative, all on `as_of`.
/// `error` is set (and nothing evaluated) when an alternative cannot be applied.
WhatIf what_if(const Plan& plan, const Timeline& timeline, Date as_of, const std::vector<Alternative>& alternatives);

}  // namespace regimen
