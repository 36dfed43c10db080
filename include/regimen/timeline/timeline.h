#pragma once
// The patient timeline of CONTRACT §2, as read and validated. Every array is sorted by date, then
// time (sessions and decisions that no time orders by content_order, other ties in input order);
// each event keeps its index in the input array so that an explanation or a warning can point
// back at it ("/sessions/3").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regimen/common/date.h"

namespace regimen {

enum class SessionStatus : uint8_t { kCompleted, kMissed, kCancelled };
enum class ConditionStatus : uint8_t { kActive, kResolved };
enum class DecisionKind : uint8_t { kStartSeries, kStartMaintenance, kEndTreatment };

std::string_view to_string(SessionStatus s);
std::string_view to_string(ConditionStatus s);
std::string_view to_string(DecisionKind k);

/// A `dose_*` field of a session, e.g. {"dose_mg_per_kg", 0.5}.
struct Dose {
  std::string name;
  double value = 0;
};

struct Session {
  Timestamp at;
  SessionStatus status = SessionStatus::kCompleted;
  std::string route;  ///< empty when not given
  std::vector<Dose> doses;
  uint32_t index = 0;  ///< position in the input's `sessions` array
};

struct ItemAnswer {
  int item = 0;  ///< 1-based item number
  int answer = 0;
};

struct Assessment {
  Timestamp at;
  std::string instrument;
  int score = 0;
  std::vector<ItemAnswer> items;  ///< sorted by item number
  uint32_t index = 0;

  /// The answer to item `n`, when the assessment has one.
  [[nodiscard]] std::optional<int> item(int n) const;
};

struct Observation {
  Timestamp at;
  std::string code;
  double value = 0;
  std::string unit;  ///< empty when not given
  uint32_t index = 0;
};

struct Condition {
  std::string code;
  std::optional<Timestamp> onset;
  ConditionStatus status = ConditionStatus::kActive;
  uint32_t index = 0;
};

struct Decision {
  Timestamp at;
  DecisionKind kind = DecisionKind::kStartSeries;
  std::string by;
  std::string note;
  uint32_t index = 0;
};

/// The order of two events of one kind that no date or time orders (two on one day without
/// times, or at one time): by their content, so that a reading never depends on the order of the
/// timeline's arrays. <0, 0 (identical for the purpose) or >0. Sessions: completed first, then
/// route and doses. Decisions: end_treatment, start_maintenance, start_series (the one that keeps
/// care going is read last, so an unordered pair never ends a course silently), then by and note.
/// Observations: code, value, unit.
/// CONTRACT §2's warning for two completed sessions on one day (sessions in reading order):
/// "two completed sessions on D (/sessions/i and /sessions/j); they count as one".
std::string same_day_sessions_message(const Session& previous, const Session& s);
/// Calls f(previous, session) for each completed session dated on or before `up_to` that falls on
/// the day of the completed session before it (the timeline's sessions in time order).
template <class F>
void for_each_same_day_session(const std::vector<Session>& sessions, Date up_to, F&& f) {
  const Session* previous = nullptr;
  for (const Session& s : sessions) {
    if (s.status != SessionStatus::kCompleted || s.at.date > up_to) continue;
    if (previous && previous->at.date == s.at.date) f(*previous, s);
    previous = &s;
  }
}

int content_order(const Session& a, const Session& b);
int content_order(const Decision& a, const Decision& b);
int content_order(const Observation& a, const Observation& b);

struct Timeline {
  std::string patient_id;
  std::optional<Timestamp> as_of;  ///< the timeline's own evaluation date, when given
  std::vector<Session> sessions;
  std::vector<Assessment> assessments;
  std::vector<Observation> observations;
  std::vector<Condition> conditions;
  std::vector<Decision> decisions;
};

}  // namespace regimen
