#pragma once
// What every timeline reader does after reading: events in time order, and the completed sessions
// that fall on one day (they count as one, with a warning). Shared by the walker and the fast path
// for clean JSON, so that the two cannot differ here.

#include <algorithm>
#include <array>
#include <cstdint>
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
  if (std::is_sorted(v.begin(), v.end(), earlier)) return;
  // The keys are sorted, with the position as the last one (which makes it stable), and then each
  // event is moved once to its place, following the cycles of the permutation: events hold strings,
  // and a stable sort of the events themselves moves each of them about log n times and takes a
  // buffer from the heap.
  struct Key {
    int32_t date, seconds;
    uint32_t from;
    bool operator<(const Key& k) const {
      return date != k.date ? date < k.date : seconds != k.seconds ? seconds < k.seconds : from < k.from;
    }
  };
  constexpr size_t kOnStack = 64;
  std::array<Key, kOnStack> stack;
  std::vector<Key> heap;
  const size_t n = v.size();
  Key* keys = stack.data();
  if (n > kOnStack) {
    heap.resize(n);
    keys = heap.data();
  }
  for (uint32_t i = 0; i < n; ++i) keys[i] = Key{v[i].at.date.days, v[i].at.seconds, i};
  std::sort(keys, keys + n);
  for (uint32_t i = 0; i < n; ++i) {
    if (keys[i].from == i) continue;
    T first = std::move(v[i]);
    uint32_t j = i;
    for (;;) {  // place j takes the event at keys[j].from, until the cycle comes back to i
      const uint32_t from = keys[j].from;
      keys[j].from = j;
      if (from == i) {
        v[j] = std::move(first);
        break;
      }
      v[j] = std::move(v[from]);
      j = from;
    }
  }
}

inline void sort_events(Timeline& t) {
  sort_by_time(t.sessions);
  sort_by_time(t.assessments);
  sort_by_time(t.observations);
  sort_by_time(t.decisions);
  const auto by_code = [](const Condition& a, const Condition& b) { return a.code < b.code; };
  // Checked first: a stable sort takes a buffer from the heap even for a sorted array.
  if (!std::is_sorted(t.conditions.begin(), t.conditions.end(), by_code))
    std::stable_sort(t.conditions.begin(), t.conditions.end(), by_code);
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
