#pragma once
// The morning worklist: of a cohort's evaluations, the patients who need something by as_of,
// most urgent first. A patient's place is set by their most urgent recommendation:
//   safety   a safety alert or a hold (a reason not to treat), or any emergency-priority item
//   overdue  a recommendation whose window closed before as_of
//   reassess a reassessment
//   review   a clinician's review
//   due      anything else whose window is open on as_of (or that has no window: it is for now)
// Recommendations whose window opens after as_of put nobody on the list.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "regimen/common/diagnostic.h"
#include "regimen/compile/plan.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen {

enum class WorklistCategory : uint8_t { kSafety, kOverdue, kReassess, kReview, kDue };
std::string_view to_string(WorklistCategory c);

struct WorklistEntry {
  WorklistCategory category = WorklistCategory::kDue;
  Priority priority = Priority::kRoutine;
  int32_t days_overdue = 0;     ///< of the patient's most overdue window, whichever recommendation decides the row
  std::optional<Date> due_by;  ///< the earliest last day of the patient's windows open by as_of (or overdue)
  bool for_now = false;        ///< a listed recommendation has no window: it is due on as_of (the order's due day)
  std::string patient_id;
  uint32_t phase = 0;
  uint32_t rule = 0;           ///< the deciding recommendation's rule
  Action action = Action::kReview;
  std::vector<Action> others;  ///< the patient's other recommended actions, most urgent first
  uint64_t line = 0;           ///< where the patient is in the cohort
  Date as_of;                  ///< the day the patient was evaluated for (shown: CONTRACT §4)
};

/// The patient's worklist entry, or nothing when nothing is needed by the evaluation's as_of.
std::optional<WorklistEntry> worklist_entry(const Evaluation& e, uint64_t line);

/// Most urgent first: category, then priority, days overdue, due day, patient id, line.
void sort_worklist(std::vector<WorklistEntry>& entries);

enum class WorklistFormat { kTable, kCsv, kJson };
/// The list as a table for a terminal, as CSV (RFC 4180, with a header row) or as one JSON document.
/// `as_of`: the day of the whole list, or nothing when each patient was taken at their own as_of.
/// The JSON document ends with "errors": the cohort's bad lines as CONTRACT §6 error objects
/// (`errors`, empty when there were none); a table or CSV leaves them to stderr.
std::string render_worklist(const Plan& plan, const std::vector<WorklistEntry>& entries, std::optional<Date> as_of,
                            WorklistFormat format, const Diagnostics& errors = {});

}  // namespace regimen
