// What-if: evaluate twice, compare.

#include "regimen/evaluate/whatif.h"

#include <algorithm>
#include <fmt/format.h>

namespace regimen {
namespace {

void sort_timeline(Timeline& t) {
  auto by_time = [](const auto& a, const auto& b) {
    if (a.at.date != b.at.date) return a.at.date < b.at.date;
    return a.at.seconds < b.at.seconds;
  };
  std::stable_sort(t.sessions.begin(), t.sessions.end(), by_time);
  std::stable_sort(t.assessments.begin(), t.assessments.end(), by_time);
}

uint32_t next_index(const auto& items) {
  uint32_t n = 0;
  for (const auto& x : items) n = std::max(n, x.index + 1);
  return n;
}

std::string window_text(const Recommendation& r) {
  if (!r.window) return "no window";
  return fmt::format("{} to {}{}", r.window->earliest.to_string(), r.window->latest.to_string(),
                     r.window->overdue ? " (overdue)" : "");
}

std::string outcome_text(Outcome o) {
  return o == Outcome::kTrue ? "fires" : (o == Outcome::kFalse ? "does not fire" : "not evaluated");
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
        bool found = false;
        for (Session& s : after.sessions)
          if (s.at.date == c.date && s.status == SessionStatus::kCompleted) {
            s.status = SessionStatus::kMissed;
            found = true;
          }
        if (!found) {  // a planned session: it happens in the baseline, not in the alternative
          before.sessions.push_back(Session{at, SessionStatus::kCompleted, "", {}, next_index(before.sessions)});
          after.sessions.push_back(Session{at, SessionStatus::kMissed, "", {}, next_index(after.sessions)});
        }
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

std::vector<Difference> differences(const Plan& plan, const Evaluation& a, const Evaluation& b) {
  std::vector<Difference> out;
  if (a.phase != b.phase) out.push_back({"phase", "", plan.phases[a.phase].name, plan.phases[b.phase].name, ""});

  // Recommendations, matched by rule.
  auto find = [](const Evaluation& e, uint32_t rule) -> const Recommendation* {
    for (const Recommendation& r : e.recommendations)
      if (r.rule == rule) return &r;
    return nullptr;
  };
  for (const Recommendation& r : a.recommendations) {
    const Recommendation* other = find(b, r.rule);
    const std::string subject = fmt::format("{} ({})", to_string(r.action), plan.rules[r.rule].id);
    if (!other) {
      out.push_back({"action", subject, "recommended", "not recommended", ""});
      continue;
    }
    if (window_text(r) != window_text(*other)) out.push_back({"window", subject, window_text(r), window_text(*other), ""});
    if (r.priority != other->priority)
      out.push_back({"priority", subject, std::string(to_string(r.priority)), std::string(to_string(other->priority)), ""});
  }
  for (const Recommendation& r : b.recommendations)
    if (!find(a, r.rule))
      out.push_back({"action", fmt::format("{} ({})", to_string(r.action), plan.rules[r.rule].id), "not recommended",
                     "recommended", ""});

  for (const std::string& f : a.flags)
    if (std::find(b.flags.begin(), b.flags.end(), f) == b.flags.end()) out.push_back({"flag", f, "raised", "not raised", ""});
  for (const std::string& f : b.flags)
    if (std::find(a.flags.begin(), a.flags.end(), f) == a.flags.end()) out.push_back({"flag", f, "not raised", "raised", ""});

  // Rules whose outcome changed (or that only one side considered), with their reasons.
  auto entry = [](const Evaluation& e, uint32_t rule) -> const TraceEntry* {
    for (const TraceEntry& t : e.trace)
      if (t.rule == rule) return &t;
    return nullptr;
  };
  for (uint32_t ri = 0; ri < plan.rules.size(); ++ri) {
    const TraceEntry* x = entry(a, ri);
    const TraceEntry* y = entry(b, ri);
    if (!x && !y) continue;
    const std::string before = x ? outcome_text(x->result) : "not considered (other phase)";
    const std::string after = y ? outcome_text(y->result) : "not considered (other phase)";
    if (before == after) continue;
    std::string reason = plan.rules[ri].when ? plan.rules[ri].when->text : "no condition";
    if (x && !x->values.empty()) reason += "; before: " + format_values(x->values, a);
    if (y && !y->values.empty()) reason += "; after: " + format_values(y->values, b);
    out.push_back({"rule", plan.rules[ri].id, before, after, reason});
  }
  return out;
}

WhatIf what_if(const Plan& plan, const Timeline& timeline, Date as_of, const std::vector<Alternative>& alternatives) {
  WhatIf w;
  // The baseline includes every session that some alternative misses as planned.
  std::vector<TimelineChange> planned;
  for (const Alternative& alt : alternatives)
    for (const TimelineChange& c : alt.changes)
      if (c.kind == TimelineChange::Kind::kMissSession) planned.push_back(c);
  w.timeline = apply_changes(timeline, planned).first;
  EvaluateOptions options;
  options.as_of = as_of;
  w.evaluation = evaluate(plan, w.timeline, options);
  w.alternatives.reserve(alternatives.size());
  for (const Alternative& alt : alternatives) {
    Comparison c;
    c.name = alt.name;
    c.timeline = apply_changes(w.timeline, alt.changes).second;  // planned sessions included
    EvaluateOptions alt_options = options;
    for (const ParameterOverride& o : alt.overrides) alt_options.overrides.emplace_back(o.index, o.value);
    w.alternatives.push_back(std::move(c));
    Comparison& stored = w.alternatives.back();  // evaluate after the move: it points into the timeline
    stored.evaluation = evaluate(plan, stored.timeline, alt_options);
    stored.differences = differences(plan, w.evaluation, stored.evaluation);
  }
  return w;
}

}  // namespace regimen
