#pragma once
// Comparing two evaluations of one patient on one day: under the same protocol with a changed
// timeline or parameters (`regimen whatif`), or under two versions of a protocol (`regimen diff`).
// Rules, transitions and phases are matched by id and name, so the two plans may differ.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "regimen/evaluate/evaluator.h"

namespace regimen {

/// One thing that differs between two evaluations, for a person and for JSON.
struct Difference {
  std::string what;    ///< "phase", "action", "window", "priority", "instruments", "checklist", "summary",
                       ///< "flag", "warning", "rule"
  std::string subject; ///< the action, flag, warning or rule it is about ("" for the phase)
  std::string before, after;
  std::string reason;  ///< for a rule: its condition and the values on each side

  // Structured, for grouping many comparisons and for showing a rule in each version.
  enum class Side : uint8_t { kBoth, kBeforeOnly, kAfterOnly };
  Side side = Side::kBoth;  ///< an action, flag or warning only before (removed) or only after (added)
  std::string action;       ///< the action kind, for what a recommendation is about
  std::string rule;         ///< the id of the rule a recommendation comes from, or of the rule itself
  int32_t before_rule = -1, after_rule = -1;      ///< that rule's index in each plan (-1: none)
  int32_t earliest_shift = 0, latest_shift = 0;   ///< a window both sides have: days it moved
  bool kind_on_other_side = false;  ///< an action only one side has: the other side recommends its kind anyway
};

/// What differs between two evaluations: phase, recommendations (matched by rule: added,
/// removed, window, priority, instruments, checklist, and the summary when only its wording
/// differs; a rule whose action changed is one recommendation removed and another added),
/// flags, replay warnings, and the rules whose outcome changed (with a trace).
std::vector<Difference> differences(const Plan& before_plan, const Evaluation& before, const Plan& after_plan,
                                    const Evaluation& after);
inline std::vector<Difference> differences(const Plan& plan, const Evaluation& before, const Evaluation& after) {
  return differences(plan, before, plan, after);
}

/// The first event at which two replays of one timeline took different transitions (needs a
/// trace on both; with comparison_detail, also why each passed over the other's transition).
struct ReplayDivergence {
  uint32_t event = 0;                     ///< index into the events (the same in both)
  const HistoryEntry* before = nullptr;   ///< the transition the first replay took there (null: none)
  const HistoryEntry* after = nullptr;
  const PassedOver* before_passed = nullptr;  ///< the second's transition, passed over by the first
  const PassedOver* after_passed = nullptr;   ///< the first's transition, passed over by the second
};
std::optional<ReplayDivergence> first_divergence(const Plan& before_plan, const Evaluation& before,
                                                 const Plan& after_plan, const Evaluation& after);

/// How one patient's differences are grouped across a cohort: one entry per kind of change.
struct ChangeKind {
  std::string kind;   ///< "phase", "actions", "action_rule", "window", "priority", "instruments",
                      ///< "checklist", "wording", "flags", "warnings"
  std::string label;  ///< e.g. "phase series_evaluation → initial_series", "action reassess added",
                      ///< "schedule_session window moved by +7 days", "flag low_baseline removed"
  std::string subject;        ///< the action or flag added or removed, or the action a recommendation change is about
  std::string before, after;  ///< for a phase: the phase in each version
};
/// The kinds of change in one patient's differences (rule outcomes are causes, not changes, and
/// are left out). Deterministic: the same differences give the same labels in the same order.
std::vector<ChangeKind> change_kinds(const std::vector<Difference>& differences);

/// One patient evaluated under two plans on one day with the full trace (and comparison
/// detail), and compared. It holds the timeline its evaluations refer into, so it stays where
/// it was made (compare_patient gives it on the heap).
struct PatientComparison {
  Timeline timeline;
  Evaluation before, after;
  std::vector<Difference> differences;
  std::optional<ReplayDivergence> divergence;

  PatientComparison() = default;
  PatientComparison(const PatientComparison&) = delete;
  PatientComparison& operator=(const PatientComparison&) = delete;
};
std::unique_ptr<PatientComparison> compare_patient(const Plan& before_plan, const Plan& after_plan, Timeline timeline,
                                                   Date as_of);

/// One kind of change over a cohort: how many patients, and the first few of them.
struct ChangeGroup {
  std::string kind, label;
  std::string subject;        ///< as in ChangeKind
  std::string before, after;  ///< for a phase: the phase in each version
  size_t count = 0;
  std::vector<std::string> examples;  ///< patient ids, the first in input order
  size_t first_line = 0;              ///< the input line of the first patient
};

/// Counts the kinds of change over a cohort fed in input order. Memory grows with the number of
/// distinct kinds of change, never with the number of patients.
class ChangeTally {
 public:
  explicit ChangeTally(size_t max_examples) : max_examples_(max_examples) {}
  /// One evaluated patient and its kinds of change (empty: nothing differs).
  void add(const std::string& patient_id, size_t line, const std::vector<ChangeKind>& kinds);

  size_t evaluated = 0;
  size_t changed = 0;       ///< anything in the output differs
  size_t wording_only = 0;  ///< only the wording of a recommendation differs
  size_t in_several = 0;    ///< patients in more than one group

  /// By count, largest first, then by label.
  [[nodiscard]] std::vector<ChangeGroup> groups() const;

 private:
  size_t max_examples_;
  std::map<std::string, ChangeGroup> by_label_;
};

}  // namespace regimen
