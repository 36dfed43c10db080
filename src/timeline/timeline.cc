#include "regimen/timeline/timeline.h"

#include <algorithm>
#include <fmt/format.h>

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

namespace {
int compare_number(double a, double b) { return a < b ? -1 : b < a ? 1 : 0; }
int decision_rank(DecisionKind k) {
  switch (k) {
    case DecisionKind::kEndTreatment: return 0;
    case DecisionKind::kStartMaintenance: return 1;
    case DecisionKind::kStartSeries: return 2;
  }
  return 3;
}
}  // namespace

std::string same_day_sessions_message(const Session& previous, const Session& s) {
  return fmt::format("two completed sessions on {} (/sessions/{} and /sessions/{}); they count as one", s.at.date.to_string(),
                     std::min(previous.index, s.index), std::max(previous.index, s.index));
}

int content_order(const Session& a, const Session& b) {
  if (a.status != b.status) return static_cast<int>(a.status) - static_cast<int>(b.status);  // completed first
  if (const int c = a.route.compare(b.route)) return c;
  if (a.doses.size() != b.doses.size()) return a.doses.size() < b.doses.size() ? -1 : 1;
  for (size_t i = 0; i < a.doses.size(); ++i) {
    if (const int c = a.doses[i].name.compare(b.doses[i].name)) return c;
    if (const int c = compare_number(a.doses[i].value, b.doses[i].value)) return c;
  }
  return 0;
}

int content_order(const Decision& a, const Decision& b) {
  if (a.kind != b.kind) return decision_rank(a.kind) - decision_rank(b.kind);
  if (const int c = a.by.compare(b.by)) return c;
  return a.note.compare(b.note);
}

int content_order(const Observation& a, const Observation& b) {
  if (const int c = a.code.compare(b.code)) return c;
  if (const int c = compare_number(a.value, b.value)) return c;
  return a.unit.compare(b.unit);
}

}  // namespace regimen
