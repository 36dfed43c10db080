#include "regimen/timeline/timeline.h"

namespace regimen {

std::string_view to_string(SessionStatus s) {
  switch (s) {
    case SessionStatus::kCompleted: return "completed";
    case SessionStatus::kMissed: return "missed";
    case SessionStatus::kCancelled: return "cancelled";
  }
  return "completed";
}

std::string_view to_string(ConditionStatus s) {
  return s == ConditionStatus::kActive ? "active" : "resolved";
}

std::string_view to_string(DecisionKind k) {
  switch (k) {
    case DecisionKind::kStartSeries: return "start_series";
    case DecisionKind::kStartMaintenance: return "start_maintenance";
    case DecisionKind::kEndTreatment: return "end_treatment";
  }
  return "start_series";
}

std::optional<int> Assessment::item(int n) const {
  for (const ItemAnswer& a : items)
    if (a.item == n) return a.answer;
  return std::nullopt;
}

}  // namespace regimen
