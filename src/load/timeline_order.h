#pragma once
// What every timeline reader does after reading: events in time order. Shared by the walker and
// the fast path for clean JSON, so that the two cannot differ here. (Completed sessions on one day
// count as one, with a warning: the evaluation says so, for those up to as_of.)

#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "regimen/timeline/timeline.h"

namespace regimen::load {

// Sessions and decisions that no date or time orders (two on one day without times, or at one
// time) are put in the order of their content (content_order, timeline.h), so that nothing read
// from a timeline depends on the order of its arrays (CONTRACT §2: "Arrays may be in any order").
// Only identical ones keep their input order, and they are interchangeable. Assessments and
// observations need no such order here, and sorting them by content would cost every patient (a
// PHQ-9 and a GAD-7 share a day in most visits): assessments of one instrument that no time
// orders are merged into one (timeline_view.cc), and observations of one code at one time are
// ordered by content where a protocol reads them (Machine::build_events).

template <class T>
inline constexpr bool kOrderedByContent = std::is_same_v<T, Session> || std::is_same_v<T, Decision>;

/// Date order; on one day, events without a time first, then timed ones by time; sessions and
/// decisions that no time orders by their content (above). Other ties keep their input order.
template <class T>
void sort_by_time(std::vector<T>& v) {
  const auto earlier = [](const T& a, const T& b) {
    if (a.at.date != b.at.date) return a.at.date < b.at.date;
    if (a.at.seconds != b.at.seconds) return a.at.seconds < b.at.seconds;  // untimed (-1) first, then by time
    if constexpr (kOrderedByContent<T>) return content_order(a, b) < 0;  // rare: two on one day
    return false;
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
  if constexpr (kOrderedByContent<T>) {
    std::sort(keys, keys + n, [&](const Key& a, const Key& b) {
      if (a.date == b.date && a.seconds == b.seconds)
        if (const int c = content_order(v[a.from], v[b.from])) return c < 0;
      return a < b;
    });
  } else {
    std::sort(keys, keys + n);
  }
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
  // By code; records of one code by status (active first), then onset (none first).
  const auto by_code = [](const Condition& a, const Condition& b) {
    if (const int c = a.code.compare(b.code)) return c < 0;
    if (a.status != b.status) return a.status < b.status;
    if (a.onset.has_value() != b.onset.has_value()) return !a.onset.has_value();
    if (!a.onset) return false;
    if (a.onset->date != b.onset->date) return a.onset->date < b.onset->date;
    return a.onset->seconds < b.onset->seconds;
  };
  // Checked first: a stable sort takes a buffer from the heap even for a sorted array.
  if (!std::is_sorted(t.conditions.begin(), t.conditions.end(), by_code))
    std::stable_sort(t.conditions.begin(), t.conditions.end(), by_code);
}

}  // namespace regimen::load
