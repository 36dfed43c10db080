#pragma once
// What every timeline reader does after reading: events in time order, and the completed sessions
// that fall on one day (they count as one, with a warning). Shared by the walker and the fast path
// for clean JSON, so that the two cannot differ here.

#include <algorithm>
#include <vector>

#include "regimen/timeline/timeline.h"

namespace regimen::load {

/// Date order; on one day, events without a time first, then timed ones by time; ties keep
/// their input order, so the result does not depend on how the arrays were ordered otherwise.
template <class T>
void sort_by_time(std::vector<T>& v) {
  const auto earlier = [](const T& a, const T& b) {
    if (a.at.date != b.at.date) return a.at.date < b.at.date;
    return a.at.seconds < b.at.seconds;  // untimed (-1) first, then by time
  };
  if (!std::is_sorted(v.begin(), v.end(), earlier)) std::stable_sort(v.begin(), v.end(), earlier);
}

inline void sort_events(Timeline& t) {
  sort_by_time(t.sessions);
  sort_by_time(t.assessments);
  sort_by_time(t.observations);
  sort_by_time(t.decisions);
  std::stable_sort(t.conditions.begin(), t.conditions.end(), [](const Condition& a, const Condition& b) {
    return a.code < b.code;
  });
}

/// Calls f(previous, session) for each completed session on the same day as the completed one
/// before it (sessions in time order).
template <class F>
void for_each_same_day_session(const Timeline& t, F&& f) {
  const Session* previous = nullptr;
  for (const Session& s : t.sessions) {
    if (s.status != SessionStatus::kCompleted) continue;
    if (previous && previous->at.date == s.at.date) f(*previous, s);
    previous = &s;
  }
}

inline bool has_same_day_sessions(const Timeline& t) {
  bool found = false;
  for_each_same_day_session(t, [&](const Session&, const Session&) { found = true; });
  return found;
}

}  // namespace regimen::load
