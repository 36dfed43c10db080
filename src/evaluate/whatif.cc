// What-if: evaluate twice, compare.

#include "regimen/evaluate/whatif.h"

#include <algorithm>
#include <fmt/format.h>

namespace regimen {
namespace {

/// Back in the order a reader gives (timeline_order.h): by time, sessions that no time orders by
/// their content, so a changed timeline reads as the same timeline loaded from a file would.
void sort_timeline(Timeline& t) {
  auto by_time = [](const auto& a, const auto& b) {
    if (a.at.date != b.at.date) return a.at.date < b.at.date;
    return a.at.seconds < b.at.seconds;
  };
  std::stable_sort(t.sessions.begin(), t.sessions.end(), [&](const Session& a, const Session& b) {
    if (a.at.date != b.at.date || a.at.seconds != b.at.seconds) return by_time(a, b);
    return content_order(a, b) < 0;
  });
  std::stable_sort(t.assessments.begin(), t.assessments.end(), by_time);
}

uint32_t next_index(const auto& items) {
  uint32_t n = 0;
  for (const auto& x : items) n = std::max(n, x.index + 1);
  return n;
}

enum class OnDay { kNone, kCompleted, kNotGiven };

/// What the timeline holds on one day: a completed session, only missed or cancelled ones, none.
OnDay sessions_on(const Timeline& t, Date day) {
  OnDay found = OnDay::kNone;
  for (const Session& s : t.sessions)
    if (s.at.date == day) {
      if (s.status == SessionStatus::kCompleted) return OnDay::kCompleted;
      found = OnDay::kNotGiven;
    }
  return found;
}

/// Notes on an alternative's changes: what was assumed, and what no evaluation on as_of reads.
std::vector<std::string> notes_on(const Timeline& timeline, Date as_of, const Alternative& alt) {
  std::vector<std::string> notes;
  auto note = [&](std::string text) {  // once each: a day missed twice is one note
    if (std::find(notes.begin(), notes.end(), text) == notes.end()) notes.push_back(std::move(text));
  };
  for (const TimelineChange& c : alt.changes) {
    const std::string day = c.date.to_string();
    if (c.kind == TimelineChange::Kind::kMissSession) {
      const OnDay on = sessions_on(timeline, c.date);
      if (on == OnDay::kNone)
        note(fmt::format("The timeline has no session on {}: as planned, one is given that day (what this alternative is compared with); as changed, it is missed.",
                         day));
      else if (on == OnDay::kNotGiven)
        note(fmt::format("The session on {} is already recorded as missed or cancelled: nothing changes.", day));
    }
    if (c.date > as_of)
      note(fmt::format("{} is after {}: events after the evaluation day are ignored, so this change is not read; "
                       "evaluate on a later day (--as-of) or project with `regimen plan`.",
                       day, as_of.to_string()));
  }
  return notes;
}

}  // namespace

std::pair<Timeline, Timeline> apply_changes(const Timeline& timeline, const std::vector<TimelineChange>& changes) {
  Timeline before = timeline, after = timeline;
  for (const TimelineChange& c : changes) {
    Timestamp at;
    at.date = c.date;
    switch (c.kind) {
      case TimelineChange::Kind::kAddSession:
        after.sessions.push_back(Session{at, SessionStatus::kCompleted, "", {}, next_index(after.sessions)});
        break;
      case TimelineChange::Kind::kMissSession: {
        const OnDay on = sessions_on(after, c.date);
        if (on == OnDay::kCompleted) {
          for (Session& s : after.sessions)
            if (s.at.date == c.date && s.status == SessionStatus::kCompleted) s.status = SessionStatus::kMissed;
        } else if (on == OnDay::kNone) {  // a planned session: it happens in the baseline, not in the alternative
          before.sessions.push_back(Session{at, SessionStatus::kCompleted, "", {}, next_index(before.sessions)});
          after.sessions.push_back(Session{at, SessionStatus::kMissed, "", {}, next_index(after.sessions)});
        }  // already missed or cancelled: nothing to change, and no completed session is invented
        break;
      }
      case TimelineChange::Kind::kAddScore: {
        Assessment a;
        a.at = at;
        a.instrument = c.instrument;
        a.score = c.score;
        a.items = c.items;
        a.index = next_index(after.assessments);
        after.assessments.push_back(std::move(a));
        break;
      }
    }
  }
  sort_timeline(before);
  sort_timeline(after);
  return {std::move(before), std::move(after)};
}

WhatIf what_if(const Plan& plan, const Timeline& timeline, Date as_of, const std::vector<Alternative>& alternatives) {
  WhatIf w;
  w.timeline = timeline;
  sort_timeline(w.timeline);
  EvaluateOptions options;
  options.as_of = as_of;
  w.evaluation = evaluate(plan, w.timeline, options);
  w.alternatives.reserve(alternatives.size());
  for (const Alternative& alt : alternatives) {
    Comparison& c = w.alternatives.emplace_back();  // reserved: no later move, so the evaluations may point into it
    c.name = alt.name;
    c.notes = notes_on(timeline, as_of, alt);
    auto [planned, changed] = apply_changes(timeline, alt.changes);
    c.timeline = std::move(changed);
    // Sessions this alternative misses as planned: its "as it is" has them given.
    c.has_planned = planned.sessions.size() != timeline.sessions.size();
    if (c.has_planned) {
      c.planned_timeline = std::move(planned);
      c.as_planned = evaluate(plan, c.planned_timeline, options);
    }
    EvaluateOptions alt_options = options;
    for (const ParameterOverride& o : alt.overrides) alt_options.overrides.emplace_back(o.index, o.value);
    c.evaluation = evaluate(plan, c.timeline, alt_options);
    c.differences = differences(plan, baseline_of(w, c), c.evaluation);
  }
  return w;
}

}  // namespace regimen
