// Comparing two evaluations, possibly under two versions of a protocol.

#include "regimen/evaluate/compare.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace regimen {
namespace {

ChangeKind kind(std::string name, std::string label, std::string subject = "") {
  ChangeKind k;
  k.kind = std::move(name);
  k.label = std::move(label);
  k.subject = std::move(subject);
  return k;
}

Difference make(std::string what, std::string subject, std::string before, std::string after, std::string reason = "") {
  Difference d;
  d.what = std::move(what);
  d.subject = std::move(subject);
  d.before = std::move(before);
  d.after = std::move(after);
  d.reason = std::move(reason);
  return d;
}

std::string window_text(const Recommendation& r) {
  if (!r.window) return "no window";
  return fmt::format("{} to {}{}", r.window->earliest.to_string(), r.window->latest.to_string(),
                     r.window->overdue ? " (overdue)" : "");
}

std::string outcome_text(Outcome o) {
  return o == Outcome::kTrue ? "fires" : (o == Outcome::kFalse ? "does not fire" : "not evaluated");
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out.empty() ? "none" : out;
}

int32_t rule_index(const Plan& plan, const std::string& id) {
  for (size_t i = 0; i < plan.rules.size(); ++i)
    if (plan.rules[i].id == id) return static_cast<int32_t>(i);
  return -1;
}

const Recommendation* recommendation_of(const Plan& plan, const Evaluation& e, const std::string& rule) {
  for (const Recommendation& r : e.recommendations)
    if (plan.rules[r.rule].id == rule) return &r;
  return nullptr;
}

const TraceEntry* trace_of(const Evaluation& e, int32_t rule) {
  if (rule < 0) return nullptr;
  for (const TraceEntry& t : e.trace)
    if (t.rule == static_cast<uint32_t>(rule)) return &t;
  return nullptr;
}

Difference recommendation_difference(std::string what, const Plan& plan, const Recommendation& r, std::string before,
                                     std::string after) {
  Difference d;
  d.what = std::move(what);
  d.action = std::string(to_string(r.action));
  d.rule = plan.rules[r.rule].id;
  d.subject = fmt::format("{} ({})", d.action, d.rule);
  d.before = std::move(before);
  d.after = std::move(after);
  return d;
}

bool recommends(const Evaluation& e, Action action) {
  return std::any_of(e.recommendations.begin(), e.recommendations.end(),
                     [&](const Recommendation& r) { return r.action == action; });
}

// A recommendation only one side makes; `other` is the other side's evaluation.
Difference one_sided(const Plan& plan, const Recommendation& r, const Plan& other_plan, const Evaluation& other,
                     Difference::Side side) {
  const bool before = side == Difference::Side::kBeforeOnly;
  Difference d = recommendation_difference("action", plan, r, before ? "recommended" : "not recommended",
                                           before ? "not recommended" : "recommended");
  d.side = side;
  d.kind_on_other_side = recommends(other, r.action);
  (before ? d.before_rule : d.after_rule) = static_cast<int32_t>(r.rule);
  (before ? d.after_rule : d.before_rule) = rule_index(other_plan, d.rule);
  return d;
}

// A recommendation both sides make (from the same rule): what about it differs. A rule whose
// action changed (two versions of a protocol) makes another recommendation: one removed, one added.
void compare_recommendation(const Plan& pa, const Evaluation& a, const Recommendation& x, const Plan& pb,
                            const Evaluation& b, const Recommendation& y, std::vector<Difference>& out) {
  if (x.action != y.action) {
    out.push_back(one_sided(pa, x, pb, b, Difference::Side::kBeforeOnly));
    out.push_back(one_sided(pb, y, pa, a, Difference::Side::kAfterOnly));
    return;
  }
  const size_t first = out.size();
  auto add = [&](std::string what, std::string before, std::string after) {
    Difference d = recommendation_difference(std::move(what), pa, x, std::move(before), std::move(after));
    d.before_rule = static_cast<int32_t>(x.rule);
    d.after_rule = static_cast<int32_t>(y.rule);
    out.push_back(std::move(d));
    return &out.back();
  };
  if (window_text(x) != window_text(y)) {
    Difference* d = add("window", window_text(x), window_text(y));
    if (x.window && y.window) {
      d->earliest_shift = y.window->earliest.days - x.window->earliest.days;
      d->latest_shift = y.window->latest.days - x.window->latest.days;
    }
  }
  if (x.priority != y.priority) add("priority", std::string(to_string(x.priority)), std::string(to_string(y.priority)));
  if (x.instruments != y.instruments) add("instruments", joined(x.instruments), joined(y.instruments));
  if (x.checklist != y.checklist) add("checklist", joined(x.checklist), joined(y.checklist));
  // The summary counts only when nothing else about the recommendation differs: a moved window
  // rewords its summary too, and saying so twice is noise.
  if (out.size() == first && x.summary != y.summary) add("summary", x.summary, y.summary);
}

}  // namespace

std::vector<Difference> differences(const Plan& pa, const Evaluation& a, const Plan& pb, const Evaluation& b) {
  std::vector<Difference> out;
  const std::string& phase_a = pa.phases[a.phase].name;
  const std::string& phase_b = pb.phases[b.phase].name;
  if (phase_a != phase_b) out.push_back(make("phase", "", phase_a, phase_b));

  // Recommendations, matched by rule.
  for (const Recommendation& r : a.recommendations) {
    if (const Recommendation* other = recommendation_of(pb, b, pa.rules[r.rule].id))
      compare_recommendation(pa, a, r, pb, b, *other, out);
    else
      out.push_back(one_sided(pa, r, pb, b, Difference::Side::kBeforeOnly));
  }
  for (const Recommendation& r : b.recommendations)
    if (!recommendation_of(pa, a, pb.rules[r.rule].id)) out.push_back(one_sided(pb, r, pa, a, Difference::Side::kAfterOnly));

  auto has = [](const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); };
  for (const std::string& f : a.flags)
    if (!has(b.flags, f)) {
      out.push_back(make("flag", f, "raised", "not raised"));
      out.back().side = Difference::Side::kBeforeOnly;
    }
  for (const std::string& f : b.flags)
    if (!has(a.flags, f)) {
      out.push_back(make("flag", f, "not raised", "raised"));
      out.back().side = Difference::Side::kAfterOnly;
    }

  // Replay warnings, by their message.
  auto has_warning = [](const Evaluation& e, const EvaluationWarning& w) {
    return std::any_of(e.warnings.begin(), e.warnings.end(), [&](const EvaluationWarning& x) { return x.message == w.message; });
  };
  for (const EvaluationWarning& w : a.warnings)
    if (!has_warning(b, w)) {
      out.push_back(make("warning", w.code, w.message, "none"));
      out.back().side = Difference::Side::kBeforeOnly;
    }
  for (const EvaluationWarning& w : b.warnings)
    if (!has_warning(a, w)) {
      out.push_back(make("warning", w.code, "none", w.message));
      out.back().side = Difference::Side::kAfterOnly;
    }

  // Rules whose outcome changed (or that only one side considered), with their reasons: the
  // first plan's rules in order, then the rules only the second has.
  if (a.trace.empty() && b.trace.empty()) return out;
  auto rule_difference = [&](int32_t ra, int32_t rb) {
    const TraceEntry* x = trace_of(a, ra);
    const TraceEntry* y = trace_of(b, rb);
    if (!x && !y) return;
    auto outcome = [](const TraceEntry* t, int32_t rule) {
      return t ? outcome_text(t->result) : (rule >= 0 ? std::string("not considered (other phase)") : std::string("not in this version"));
    };
    const std::string before = outcome(x, ra), after = outcome(y, rb);
    if (before == after) return;
    const Plan::Rule& any = ra >= 0 ? pa.rules[static_cast<size_t>(ra)] : pb.rules[static_cast<size_t>(rb)];
    auto condition = [](const Plan::Rule& r) { return r.when ? r.when->text : std::string("no condition"); };
    std::string reason = condition(any);
    if (ra >= 0 && rb >= 0 && condition(pa.rules[static_cast<size_t>(ra)]) != condition(pb.rules[static_cast<size_t>(rb)]))
      reason += " → " + condition(pb.rules[static_cast<size_t>(rb)]);
    if (x && !x->values.empty()) reason += "; before: " + format_values(x->values, a);
    if (y && !y->values.empty()) reason += "; after: " + format_values(y->values, b);
    Difference d = make("rule", any.id, before, after, std::move(reason));
    d.rule = any.id;
    d.before_rule = ra;
    d.after_rule = rb;
    out.push_back(std::move(d));
  };
  for (size_t ra = 0; ra < pa.rules.size(); ++ra) rule_difference(static_cast<int32_t>(ra), rule_index(pb, pa.rules[ra].id));
  for (size_t rb = 0; rb < pb.rules.size(); ++rb)
    if (rule_index(pa, pb.rules[rb].id) < 0) rule_difference(-1, static_cast<int32_t>(rb));
  return out;
}

std::optional<ReplayDivergence> first_divergence(const Plan& pa, const Evaluation& a, const Plan& pb, const Evaluation& b) {
  size_t i = 0, j = 0;
  auto passed = [](const Evaluation& e, uint32_t event, const Plan& plan, const std::string& transition) -> const PassedOver* {
    for (const PassedOver& p : e.passed_over)
      if (p.event == event && plan.transitions[p.transition].id == transition) return &p;
    return nullptr;
  };
  while (i < a.history.size() || j < b.history.size()) {
    const uint32_t ea = i < a.history.size() ? a.history[i].event : UINT32_MAX;
    const uint32_t eb = j < b.history.size() ? b.history[j].event : UINT32_MAX;
    const uint32_t event = std::min(ea, eb);
    const HistoryEntry* x = ea == event ? &a.history[i] : nullptr;
    const HistoryEntry* y = eb == event ? &b.history[j] : nullptr;
    const bool same = x && y && pa.transitions[x->transition].id == pb.transitions[y->transition].id &&
                      pa.phases[x->to_phase].name == pb.phases[y->to_phase].name;
    if (!same) {
      ReplayDivergence d;
      d.event = event;
      d.before = x;
      d.after = y;
      if (y) d.before_passed = passed(a, event, pa, pb.transitions[y->transition].id);
      if (x) d.after_passed = passed(b, event, pb, pa.transitions[x->transition].id);
      return d;
    }
    ++i;
    ++j;
  }
  return std::nullopt;
}

std::vector<ChangeKind> change_kinds(const std::vector<Difference>& diffs) {
  std::vector<ChangeKind> out;
  // Actions: what is added or removed, by kind; the same kind both removed and added is the same
  // action now coming from another rule.
  std::vector<const Difference*> removed, added;
  std::vector<std::string> flags_added, flags_removed;
  for (const Difference& d : diffs) {
    if (d.what == "phase") {
      ChangeKind k = kind("phase", fmt::format("phase {} → {}", d.before, d.after));
      k.before = d.before;
      k.after = d.after;
      out.push_back(std::move(k));
    }
    else if (d.what == "action") (d.side == Difference::Side::kBeforeOnly ? removed : added).push_back(&d);
    else if (d.what == "flag") (d.side == Difference::Side::kBeforeOnly ? flags_removed : flags_added).push_back(d.subject);
  }
  std::vector<ChangeKind> swaps;
  for (auto it = removed.begin(); it != removed.end();) {
    auto match = std::find_if(added.begin(), added.end(), [&](const Difference* d) { return d->action == (*it)->action; });
    if (match == added.end()) {
      ++it;
      continue;
    }
    swaps.push_back(kind("action_rule", fmt::format("{} now from rule {} (was {})", (*it)->action, (*match)->rule, (*it)->rule),
                         (*it)->action));
    added.erase(match);
    it = removed.erase(it);
  }
  // One group per action kind added or removed: combinations would split a cohort into too
  // many groups to read. A kind the other side recommends anyway, from another rule, is not
  // added or removed: only the rules recommending it changed.
  std::vector<ChangeKind> actions;
  for (const Difference* d : removed)
    actions.push_back(d->kind_on_other_side
                          ? kind("action_rule", fmt::format("{} no longer also from rule {}", d->action, d->rule), d->action)
                          : kind("actions", fmt::format("action {} removed", d->action), d->action));
  for (const Difference* d : added)
    actions.push_back(d->kind_on_other_side
                          ? kind("action_rule", fmt::format("{} now also from rule {}", d->action, d->rule), d->action)
                          : kind("actions", fmt::format("action {} added", d->action), d->action));
  std::sort(actions.begin(), actions.end(), [](const ChangeKind& x, const ChangeKind& y) { return x.label < y.label; });
  for (ChangeKind& a : actions) out.push_back(std::move(a));
  std::sort(swaps.begin(), swaps.end(), [](const ChangeKind& x, const ChangeKind& y) { return x.label < y.label; });
  for (ChangeKind& k : swaps) out.push_back(std::move(k));

  for (const Difference& d : diffs) {
    if (d.what == "window") {
      std::string label;
      if (d.before == "no window") label = fmt::format("{} window added", d.action);
      else if (d.after == "no window") label = fmt::format("{} window removed", d.action);
      else if (d.earliest_shift == d.latest_shift && d.earliest_shift != 0)
        label = fmt::format("{} window moved by {:+} day{}", d.action, d.earliest_shift, std::abs(d.earliest_shift) == 1 ? "" : "s");
      else if (d.earliest_shift != 0 || d.latest_shift != 0)
        label = fmt::format("{} window changed: earliest {:+} days, latest {:+} days", d.action, d.earliest_shift, d.latest_shift);
      else
        label = fmt::format("{} window now {}", d.action, d.after.ends_with("(overdue)") ? "overdue" : "no longer overdue");
      out.push_back(kind("window", std::move(label), d.action));
    } else if (d.what == "priority") {
      out.push_back(kind("priority", fmt::format("{} priority {} → {}", d.action, d.before, d.after), d.action));
    } else if (d.what == "instruments") {
      out.push_back(kind("instruments", fmt::format("{} instruments {} → {}", d.action, d.before, d.after), d.action));
    } else if (d.what == "checklist") {
      out.push_back(kind("checklist", fmt::format("{} checklist changed", d.action), d.action));
    } else if (d.what == "summary") {
      out.push_back(kind("wording", fmt::format("{} worded differently ({})", d.action, d.rule), d.action));
    } else if (d.what == "warning") {
      out.push_back(kind("warnings", fmt::format("warning {} {}", d.subject, d.side == Difference::Side::kBeforeOnly ? "gone" : "added")));
    }
  }

  for (const std::string& f : flags_added) out.push_back(kind("flags", fmt::format("flag {} added", f), f));
  for (const std::string& f : flags_removed) out.push_back(kind("flags", fmt::format("flag {} removed", f), f));
  // A patient is counted once per group even when two recommendations change the same way.
  std::vector<ChangeKind> unique;
  for (ChangeKind& k : out)
    if (std::none_of(unique.begin(), unique.end(), [&](const ChangeKind& u) { return u.label == k.label; })) unique.push_back(std::move(k));
  return unique;
}

std::unique_ptr<PatientComparison> compare_patient(const Plan& pa, const Plan& pb, Timeline timeline, Date as_of) {
  auto c = std::make_unique<PatientComparison>();
  c->timeline = std::move(timeline);  // before evaluating: the evaluations point into it
  EvaluateOptions options;
  options.as_of = as_of;
  options.trace = true;
  options.comparison_detail = true;
  options.all_events = true;  // the two histories are matched by event position
  c->before = evaluate(pa, c->timeline, options);
  c->after = evaluate(pb, c->timeline, options);
  c->differences = differences(pa, c->before, pb, c->after);
  c->divergence = first_divergence(pa, c->before, pb, c->after);
  return c;
}

void ChangeTally::add(const std::string& patient_id, size_t line, const std::vector<ChangeKind>& kinds) {
  ++evaluated;
  if (kinds.empty()) return;
  ++changed;
  if (std::all_of(kinds.begin(), kinds.end(), [](const ChangeKind& k) { return k.kind == "wording"; })) ++wording_only;
  if (kinds.size() > 1) ++in_several;
  for (const ChangeKind& k : kinds) {
    ChangeGroup& g = by_label_[k.label];
    if (g.count == 0) {
      g.kind = k.kind;
      g.label = k.label;
      g.subject = k.subject;
      g.before = k.before;
      g.after = k.after;
      g.first_line = line;
    }
    ++g.count;
    if (g.examples.size() < max_examples_) g.examples.push_back(patient_id);
  }
}

std::vector<ChangeGroup> ChangeTally::groups() const {
  std::vector<ChangeGroup> out;
  for (const auto& [label, g] : by_label_) out.push_back(g);
  std::stable_sort(out.begin(), out.end(), [](const ChangeGroup& a, const ChangeGroup& b) { return a.count > b.count; });
  return out;
}

}  // namespace regimen
