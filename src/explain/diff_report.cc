// The report of `regimen diff`, for people (text) and programs (JSON).

#include "regimen/explain/diff_report.h"

#include "regimen/common/utf8.h"

#include <algorithm>
#include <fmt/format.h>

#include "regimen/common/json_writer.h"
#include "regimen/explain/report.h"
#include "text_parts.h"

namespace regimen {
namespace {

using text_parts::actions_text;
using text_parts::bullet;
using text_parts::flags_text;
using text_parts::next_window;
using text_parts::wrap;

// 10000 → "10,000".
std::string count(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string patients(size_t n) { return count(n) + (n == 1 ? " patient" : " patients"); }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

void heading(std::string& out, std::string_view title) {
  out += '\n';
  out += title;
  out += '\n';
}

// ---- the structural diff ----

// Where an item is: in the new file (and its line in the old one), or in the one file that has it.
std::string item_place(const DiffReport& r, const ItemChange& c) {
  switch (c.kind) {
    case ItemChange::Kind::kAdded: return fmt::format("added at {}", r.after.plan->where(c.after_pos));
    case ItemChange::Kind::kRemoved: return fmt::format("removed from {}", r.before.plan->where(c.before_pos));
    case ItemChange::Kind::kChanged: break;
  }
  return fmt::format("at {} (old: line {})", r.after.plan->where(c.after_pos), c.before_pos.line);
}

void structure_text(const DiffReport& r, std::string& out) {
  heading(out, "What changed in the protocol");
  if (r.structure.empty()) {
    out += "  Nothing: the two files define the same protocol (only layout or comments differ).\n";
    return;
  }
  for (const ItemChange& c : r.structure) {
    const char mark = c.kind == ItemChange::Kind::kAdded ? '+' : (c.kind == ItemChange::Kind::kRemoved ? '-' : '~');
    if (c.section == "protocol") out += fmt::format("  {} protocol\n", mark);
    else out += wrap(fmt::format("{} {} {}, {}", mark, c.section, c.name, item_place(r, c)), "  ", 4);
    for (const FieldChange& f : c.fields) {
      if (c.kind != ItemChange::Kind::kChanged) {
        out += wrap(fmt::format("{}: {}", f.field, f.before.empty() ? f.after : f.before), "      ", 2);
        continue;
      }
      const std::string before = f.before.empty() ? "(none)" : f.before, after = f.after.empty() ? "(none)" : f.after;
      if (count_code_points(before) + count_code_points(after) + f.field.size() < 60) {
        out += wrap(fmt::format("{}: {} → {}", f.field, before, after), "      ", 2);
      } else {
        out += wrap(fmt::format("{}, old: {}", f.field, before), "      ", 2);
        out += wrap(fmt::format("{}, new: {}", f.field, after), "      ", 2);
      }
    }
  }
}

// ---- the cohort ----

std::string divergence_cause(const DiffReport& r, const PatientComparison& c);

// "     812  label", the label wrapped under itself.
std::string count_row(size_t n, std::string_view label) {
  std::string lines = wrap(label, std::string(12, ' '));
  lines.replace(0, 12, fmt::format("  {:>8}  ", count(n)));
  return lines;
}

void cohort_text(const DiffReport& r, std::string& out) {
  heading(out, "Who changes");
  if (!r.has_cohort) {
    out += "  No cohort was given (-i COHORT.jsonl), so no patient was evaluated.\n";
    return;
  }
  const std::string day = r.as_of ? fmt::format("all on {}", r.as_of->to_string()) : "each on its own as_of";
  out += wrap(fmt::format("{} of {} evaluated under both versions ({}): {} {}{}", patients(r.evaluated), r.cohort, day,
                          count(r.changed), r.changed == 1 ? "gets a different result" : "get a different result",
                          r.changed == 0 ? "." : ":"),
              "  ");
  const std::string bad = r.bad_lines == 0 ? ""
                                           : fmt::format("{} bad line{} skipped (the errors are on stderr).", count(r.bad_lines),
                                                         r.bad_lines == 1 ? " was" : "s were");
  if (r.changed == 0) {
    out += "  No patient's phase, recommendations, windows, priorities, wording, flags or warnings differ.\n";
    if (!bad.empty()) out += wrap(bad, "  ");
    return;
  }
  // Who: every changed patient once, by the phase each version puts them in.
  std::string who;
  size_t phase_changed = 0;
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const ChangeGroup& g = r.groups[i];
    if (g.kind != "phase") continue;
    phase_changed += g.count;
    who += count_row(g.count, fmt::format("in phase {} instead of {}", g.after, g.before));
    if (const PatientComparison* c = i < r.examples.size() ? r.examples[i] : nullptr) {
      const std::string cause = divergence_cause(r, *c);
      if (!cause.empty()) who += wrap(fmt::format("e.g. {}: {}; see {}.", printable(c->before.patient_id), cause, i + 1), std::string(14, ' '), 2);
    }
  }
  const size_t same_phase = r.changed - phase_changed - r.wording_only;
  if (same_phase > 0)
    who += count_row(same_phase, "in the same phase, with other recommendations, windows, priorities, flags or warnings");
  if (r.wording_only > 0) who += count_row(r.wording_only, "in the same phase, with a recommendation only worded differently");
  out += who;
  if (!bad.empty()) out += wrap(bad, "  ");

  heading(out, "What changes for them");
  if (r.in_several > 0)
    out += wrap(fmt::format("A patient is counted in every row that applies: {} {} in more than one.",
                            r.in_several == 1 ? "1 patient" : patients(r.in_several), r.in_several == 1 ? "is" : "are"),
                "  ");
  out += "  patients  change\n";
  for (const ChangeGroup& g : r.groups) {
    out += count_row(g.count, g.label);
    if (!g.examples.empty()) {
      std::vector<std::string> ids;
      for (const std::string& id : g.examples) ids.push_back(printable(id));
      out += wrap("e.g. " + joined(ids), std::string(14, ' '));
    }
  }
}

// ---- one example ----

// "name = a → b" for the names both sides read with different values.
std::string value_changes(const std::vector<NamedValue>& x, const Evaluation& ex, const std::vector<NamedValue>& y,
                          const Evaluation& ey) {
  std::vector<std::string> parts;
  for (const NamedValue& a : x)
    for (const NamedValue& b : y)
      if (a.name == b.name) {
        const std::string va = format_value(a.value, ex), vb = format_value(b.value, ey);
        if (va != vb) parts.push_back(fmt::format("{} = {} → {}", a.name, va, vb));
      }
  return joined(parts);
}

// In a few words, what the first divergence of the replays comes down to: "series.complete
// holds in the old version, not in the new (params.series.target_sessions = 6 → 8)".
std::string divergence_cause(const DiffReport& r, const PatientComparison& c) {
  if (!c.divergence) return "";
  const ReplayDivergence& d = *c.divergence;
  std::string out, changes;
  if (d.before && d.after_passed) {
    out = fmt::format("{} holds in the old version, not in the new", r.before.plan->transitions[d.before->transition].id);
    changes = value_changes(d.before->values, c.before, d.after_passed->values, c.after);
  } else if (d.after && d.before_passed) {
    out = fmt::format("{} holds in the new version, not in the old", r.after.plan->transitions[d.after->transition].id);
    changes = value_changes(d.before_passed->values, c.before, d.after->values, c.after);
  } else {
    out = fmt::format("at {} the old version takes {} and the new one {}", describe_event(c.before.events[d.event]),
                      d.before ? r.before.plan->transitions[d.before->transition].id : "no transition",
                      d.after ? r.after.plan->transitions[d.after->transition].id : "none");
  }
  return changes.empty() ? out : fmt::format("{} ({})", out, changes);
}

const TraceEntry* trace_of(const Evaluation& e, int32_t rule) {
  if (rule < 0) return nullptr;
  for (const TraceEntry& t : e.trace)
    if (t.rule == static_cast<uint32_t>(rule)) return &t;
  return nullptr;
}

std::string outcome_words(const TraceEntry* t, const Plan& plan, const Evaluation& e, int32_t rule) {
  if (rule < 0) return "not in this version";
  if (!t) return fmt::format("not considered in phase {}", plan.phases[e.phase].name);
  switch (t->result) {
    case Outcome::kTrue: return "fires";
    case Outcome::kFalse: return "does not fire";
    case Outcome::kNotEvaluated: return "not evaluated (data missing)";
  }
  return "";
}

// The parameters and facts a template reads directly, with their values in an evaluation (made
// with its trace, which holds both).
void names_in(const Plan& plan, uint32_t node, std::vector<const PlanNode*>& out) {
  const PlanNode& n = plan.nodes[node];
  if (n.op == Op::kParam || n.op == Op::kFact) {
    if (std::none_of(out.begin(), out.end(), [&](const PlanNode* x) { return x->op == n.op && x->index == n.index; })) out.push_back(&n);
    return;
  }
  for (uint16_t i = 0; i < n.arg_count; ++i) names_in(plan, plan.args[n.first_arg + i], out);
}

std::vector<NamedValue> template_values(const Plan& plan, const std::optional<CompiledTemplate>& t, const Evaluation& e) {
  std::vector<NamedValue> out;
  if (!t) return out;
  std::vector<const PlanNode*> nodes;
  for (const CompiledTemplate::Part& p : t->parts)
    if (p.expr) names_in(plan, p.expr->root, nodes);
  for (const PlanNode* n : nodes) {
    const auto i = static_cast<uint32_t>(n->index);
    const auto node = static_cast<uint32_t>(n - plan.nodes.data());
    if (n->op == Op::kParam && i < e.parameters.size()) {
      out.push_back({plan.parameters[i].qualified_name, e.parameters[i], node});
    } else if (n->op == Op::kFact) {
      for (const auto& [f, v] : e.facts)
        if (f == i) out.push_back({plan.facts[i].name, v, node});
    }
  }
  return out;
}

// One rule in each version: where it is, its outcome, its condition and the values it saw.
void rule_sides(const DiffReport& r, const PatientComparison& c, int32_t ra, int32_t rb, std::string& out, bool window) {
  const Plan& pa = *r.before.plan;
  const Plan& pb = *r.after.plan;
  const Plan::Rule& any = ra >= 0 ? pa.rules[static_cast<size_t>(ra)] : pb.rules[static_cast<size_t>(rb)];
  out += bullet(any.id, "   ");
  const TraceEntry* x = trace_of(c.before, ra);
  const TraceEntry* y = trace_of(c.after, rb);
  auto side = [&](std::string_view label, const Plan& plan, const Evaluation& e, int32_t rule, const TraceEntry* t) {
    std::string line = fmt::format("{}: {}", label, outcome_words(t, plan, e, rule));
    if (rule >= 0) {
      const Plan::Rule& rr = plan.rules[static_cast<size_t>(rule)];
      line += fmt::format(" ({})", plan.where(rr.pos));
      if (t && rr.when) line += fmt::format(": {}", rr.when->text);
      if (t && !t->values.empty()) line += fmt::format(", with {}", format_values(t->values, e));
      if (window && rr.window && t) {
        line += fmt::format("; window {} to {}", rr.window->earliest.text, rr.window->latest.text);
        if (t && !t->window_values.empty()) line += fmt::format(", with {}", format_values(t->window_values, e));
      }
    }
    out += wrap(line, "       ", 5);
  };
  side("old", pa, c.before, ra, x);
  side("new", pb, c.after, rb, y);
  if (x && y) {
    std::string changes = value_changes(x->values, c.before, y->values, c.after);
    if (window) {
      const std::string w = value_changes(x->window_values, c.before, y->window_values, c.after);
      if (!w.empty()) changes += (changes.empty() ? "" : ", ") + w;
    }
    if (!changes.empty()) out += wrap("what differs: " + changes, "       ", 5);
  }
}

std::string transition_where(const Plan& plan, uint32_t t) { return plan.where(plan.transitions[t].pos); }

int32_t transition_index(const Plan& plan, const std::string& id) {
  for (size_t i = 0; i < plan.transitions.size(); ++i)
    if (plan.transitions[i].id == id) return static_cast<int32_t>(i);
  return -1;
}

// One side of the point where the replays part: what it took, and why not the other's.
void divergence_side(std::string_view label, const Plan& plan, const Evaluation& e, const HistoryEntry* took,
                     const PassedOver* passed, const std::string& other, const std::string& phase, std::string& out) {
  std::vector<std::string> lines;
  if (!other.empty()) {
    const int32_t t = transition_index(plan, other);
    if (t < 0) {
      lines.push_back(fmt::format("{} does not exist in this version", other));
    } else if (passed) {
      std::string line = fmt::format("{} ({}) {}: {}", other, transition_where(plan, static_cast<uint32_t>(t)),
                                     passed->unknown ? "could not be decided (data missing)" : "did not hold",
                                     plan.transitions[static_cast<size_t>(t)].when->text);
      if (!passed->values.empty()) line += fmt::format(", with {}", format_values(passed->values, e));
      lines.push_back(std::move(line));
    } else if (!took) {
      lines.push_back(fmt::format("{} ({}) does not apply here (another phase or event)", other,
                                  transition_where(plan, static_cast<uint32_t>(t))));
    }
  }
  if (took) {
    const Plan::Transition& t = plan.transitions[took->transition];
    std::string line = fmt::format("{}{} ({}) was taken", lines.empty() ? "" : "so ", t.id, plan.where(t.pos));
    line += took->from_phase == took->to_phase
                ? fmt::format(": the course stays in {}", plan.phases[took->to_phase].name)
                : fmt::format(": {} → {}", plan.phases[took->from_phase].name, plan.phases[took->to_phase].name);
    if (t.when) line += fmt::format("; {}", t.when->text);
    if (!took->values.empty()) line += fmt::format(", with {}", format_values(took->values, e));
    lines.push_back(std::move(line));
  } else {
    lines.push_back(fmt::format("{}no transition was taken: the course stays in {}", lines.empty() ? "" : "so ", phase));
  }
  out += wrap(fmt::format("{}: {}", label, lines[0]), "     ", 5);
  for (size_t i = 1; i < lines.size(); ++i) out += wrap(lines[i], "          ");
}

// The steps a replay took after an event (phase changes, and transitions that explain
// themselves, as `explain` lists them): "2026-07-02 evaluation.responded (series_evaluation →
// maintenance)"; at most a few, then how many more.
std::string steps_after(const Plan& plan, const Evaluation& e, uint32_t event) {
  constexpr size_t kShown = 4;
  std::vector<std::string> steps;
  size_t more = 0;
  for (const HistoryEntry& h : e.history) {
    if (h.event <= event || (h.from_phase == h.to_phase && h.explanation.empty())) continue;
    if (steps.size() == kShown) {
      ++more;
      continue;
    }
    const std::string what = h.from_phase == h.to_phase ? fmt::format("stays in {}", plan.phases[h.to_phase].name)
                                                        : fmt::format("{} → {}", plan.phases[h.from_phase].name, plan.phases[h.to_phase].name);
    steps.push_back(fmt::format("{} {} ({})", e.events[h.event].date.to_string(), plan.transitions[h.transition].id, what));
  }
  std::string out = joined(steps);
  if (more > 0) out += fmt::format(" and {} more", more);
  return out;
}

void divergence_text(const DiffReport& r, const PatientComparison& c, std::string& out) {
  if (!c.divergence) {
    out += wrap("Both versions take the same transitions; the phase differs because the phases themselves changed.", "   ");
    return;
  }
  const ReplayDivergence& d = *c.divergence;
  const Plan& pa = *r.before.plan;
  const Plan& pb = *r.after.plan;
  out += wrap(fmt::format("The two versions part at {}:", describe_event(c.before.events[d.event])), "   ");
  const std::string took_a = d.before ? pa.transitions[d.before->transition].id : "";
  const std::string took_b = d.after ? pb.transitions[d.after->transition].id : "";
  // The phase the course was in when it read the event (the same in both: the replays agreed until then).
  const std::string phase = d.before ? pa.phases[d.before->from_phase].name : pb.phases[d.after->from_phase].name;
  divergence_side("old", pa, c.before, d.before, d.before_passed, took_b == took_a ? "" : took_b, phase, out);
  divergence_side("new", pb, c.after, d.after, d.after_passed, took_b == took_a ? "" : took_a, phase, out);
  // The values that differ between the two readings of the first version's transition.
  if (d.before && d.after_passed) {
    const std::string changes = value_changes(d.before->values, c.before, d.after_passed->values, c.after);
    if (!changes.empty()) out += wrap("what differs: " + changes, "     ", 5);
  }
  const std::string then_a = steps_after(pa, c.before, d.event), then_b = steps_after(pb, c.after, d.event);
  if (!then_a.empty() || !then_b.empty()) {
    out += "   After that:\n";
    out += wrap("old: " + (then_a.empty() ? std::string("no other step") : then_a), "     ", 5);
    out += wrap("new: " + (then_b.empty() ? std::string("no other step") : then_b), "     ", 5);
  }
}

// Does the rule (in one version) recommend one of these actions, or raise one of these flags?
bool rule_does(const Plan& plan, int32_t rule, const std::vector<std::string>& actions, const std::vector<std::string>& flags) {
  if (rule < 0) return false;
  const Plan::Rule& r = plan.rules[static_cast<size_t>(rule)];
  auto among = [](const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); };
  if (r.action && among(actions, to_string(*r.action))) return true;
  for (uint32_t f : r.flags)
    if (among(flags, plan.flag_names[f])) return true;
  return r.overdue_flag && among(flags, plan.flag_names[*r.overdue_flag]);
}

// The "why" of one group on its example: what in the comparison explains that kind of change.
void why_text(const DiffReport& r, const ChangeGroup& g, const PatientComparison& c, std::string& out) {
  const Plan& pa = *r.before.plan;
  const Plan& pb = *r.after.plan;
  if (g.kind == "phase") {
    divergence_text(r, c, out);
    return;
  }
  const std::string& phase_a = pa.phases[c.before.phase].name;
  const std::string& phase_b = pb.phases[c.after.phase].name;
  if (phase_a != phase_b) {
    size_t n = 0;
    for (size_t i = 0; i < r.groups.size(); ++i)
      if (r.groups[i].kind == "phase" && r.groups[i].before == phase_a && r.groups[i].after == phase_b) n = i + 1;
    out += wrap(fmt::format("The phase differs ({} → {}, why: see {}), so other rules apply:", phase_a, phase_b, n), "   ");
  }
  if (g.kind == "actions" || g.kind == "action_rule" || g.kind == "flags") {
    // The rules behind the group's action or flag.
    std::vector<std::string> actions, flags;
    (g.kind == "flags" ? flags : actions).push_back(g.subject);
    bool any = false;
    for (const Difference& d : c.differences) {
      if (d.what != "rule" || (d.before != "fires" && d.after != "fires")) continue;  // it did nothing on either side
      if (!rule_does(pa, d.before_rule, actions, flags) && !rule_does(pb, d.after_rule, actions, flags)) continue;
      if (!any && phase_a == phase_b) out += "   Rules that fire in one version and not in the other:\n";
      any = true;
      // An overdue flag comes from the rule's window: show it.
      auto overdue = [&](const Plan& plan, int32_t rule) {
        if (rule < 0 || g.kind != "flags") return false;
        const Plan::Rule& rr = plan.rules[static_cast<size_t>(rule)];
        return rr.overdue_flag && plan.flag_names[*rr.overdue_flag] == g.subject;
      };
      rule_sides(r, c, d.before_rule, d.after_rule, out, overdue(pa, d.before_rule) || overdue(pb, d.after_rule));
    }
    if (g.kind == "flags")  // an overdue flag comes from a window, not from a rule's outcome
      for (const Difference& d : c.differences)
        if (d.what == "window" && (rule_does(pa, d.before_rule, {}, flags) || rule_does(pb, d.after_rule, {}, flags))) {
          any = true;
          rule_sides(r, c, d.before_rule, d.after_rule, out, true);
        }
    if (!any) out += "   The same rules fire in both versions; what they do differs (see the protocol changes).\n";
    return;
  }
  if (g.kind == "warnings") {
    for (const Difference& d : c.differences)
      if (d.what == "warning")
        out += wrap(fmt::format("{}: {}", d.side == Difference::Side::kBeforeOnly ? "old" : "new",
                                d.side == Difference::Side::kBeforeOnly ? d.before : d.after),
                    "     ", 5);
    return;
  }
  // A recommendation both versions make, from the same rule: window, priority, instruments,
  // checklist or wording.
  const std::string what = g.kind == "wording" ? "summary" : g.kind;
  for (const Difference& d : c.differences) {
    if (d.what != what) continue;
    rule_sides(r, c, d.before_rule, d.after_rule, out, what == "window");
    out += wrap(fmt::format("{}, old: {}", d.what, d.before), "       ", 5);
    out += wrap(fmt::format("{}, new: {}", d.what, d.after), "       ", 5);
    if (what == "summary" && d.before_rule >= 0 && d.after_rule >= 0) {
      const Plan::Rule& x = pa.rules[static_cast<size_t>(d.before_rule)];
      const Plan::Rule& y = pb.rules[static_cast<size_t>(d.after_rule)];
      const std::string changes = value_changes(template_values(pa, x.summary, c.before), c.before,
                                                template_values(pb, y.summary, c.after), c.after);
      if (!changes.empty()) out += wrap("the summary reads: " + changes, "       ", 5);
      if (x.summary && y.summary && x.summary->text != y.summary->text)
        out += "       and its text was rewritten in the protocol\n";
    }
    return;  // the first such recommendation is the one the group is about
  }
}

// The next session's window, and whether it is overdue (its latest day was before as_of).
std::string next_session(const Evaluation& e) {
  for (const Recommendation& r : e.recommendations)
    if (r.action == Action::kScheduleSession && r.window) return next_window(e) + (r.window->overdue ? ", overdue" : "");
  return "none";
}

void row(std::string& out, std::string_view label, const std::string& a, const std::string& b) {
  if (count_code_points(a) <= 30 && count_code_points(b) <= 28) {
    out += fmt::format("     {:<14}{:<32}{}\n", label, a, b);
  } else {
    out += fmt::format("     {:<14}old: {}\n", label, a);
    out += fmt::format("     {:<14}new: {}\n", "", b);
  }
}

void examples_text(const DiffReport& r, std::string& out) {
  if (r.groups.empty() || std::all_of(r.examples.begin(), r.examples.end(), [](const PatientComparison* p) { return !p; })) return;
  heading(out, "Why, on the first patient of each group");
  std::vector<const PatientComparison*> shown;
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const ChangeGroup& g = r.groups[i];
    const PatientComparison* c = i < r.examples.size() ? r.examples[i] : nullptr;
    if (!c) continue;
    out += '\n';
    out += wrap(fmt::format("{}. {} ({})", i + 1, g.label, patients(g.count)), "", 3);
    const auto before = std::find(shown.begin(), shown.end(), c);
    if (before != shown.end()) {
      out += wrap(fmt::format("{} ({}:{}), as above.", printable(c->before.patient_id), r.cohort, g.first_line), "   ");
    } else {
      shown.push_back(c);
      out += wrap(fmt::format("{} ({}:{}) on {}:", printable(c->before.patient_id), r.cohort, g.first_line, c->before.as_of.to_string()), "   ");
      row(out, "", "old", "new");
      row(out, "phase", r.before.plan->phases[c->before.phase].name, r.after.plan->phases[c->after.phase].name);
      row(out, "actions", actions_text(c->before), actions_text(c->after));
      row(out, "next session", next_session(c->before), next_session(c->after));
      row(out, "flags", flags_text(c->before), flags_text(c->after));
    }
    why_text(r, g, *c, out);
  }
}

// ---- JSON ----

void write_version(JsonWriter& j, const DiffReport::Version& v) {
  j.begin_object().key("file").value(v.plan->file).key("id").value(v.plan->id).key("version").value(v.plan->version);
  j.key("sha256").value(v.sha256).end_object();
}

void write_pos(JsonWriter& j, const Plan& plan, SourcePos pos) {
  if (pos.known()) j.value(plan.where(pos));
  else j.null();
}

void write_transition(JsonWriter& j, const Plan& plan, const Evaluation& e, uint32_t t, const std::vector<NamedValue>& values) {
  j.begin_object().key("transition").value(plan.transitions[t].id).key("source").value(plan.where(plan.transitions[t].pos));
  j.key("when");
  if (plan.transitions[t].when) j.value(plan.transitions[t].when->text);
  else j.null();
  j.key("values");
  write_values(j, values, e);
}

void write_divergence(JsonWriter& j, const DiffReport& r, const PatientComparison& c) {
  if (!c.divergence) {
    j.null();
    return;
  }
  const ReplayDivergence& d = *c.divergence;
  j.begin_object();
  j.key("event").value(describe_event(c.before.events[d.event]));
  j.key("date").value(c.before.events[d.event].date.to_string());
  auto side = [&](std::string_view key, const Plan& plan, const Evaluation& e, const HistoryEntry* took, const PassedOver* passed) {
    j.key(key).begin_object();
    j.key("taken");
    if (took) {
      write_transition(j, plan, e, took->transition, took->values);
      j.key("from").value(plan.phases[took->from_phase].name).key("to").value(plan.phases[took->to_phase].name).end_object();
    } else {
      j.null();
    }
    j.key("passed_over");
    if (passed) {
      write_transition(j, plan, e, passed->transition, passed->values);
      // As a trace entry's result: false, or "not_evaluated" when the condition was unknown.
      j.key("result");
      if (passed->unknown) j.value("not_evaluated");
      else j.value(false);
      j.end_object();
    } else {
      j.null();
    }
    j.end_object();
  };
  side("old", *r.before.plan, c.before, d.before, d.before_passed);
  side("new", *r.after.plan, c.after, d.after, d.after_passed);
  j.end_object();
}

void write_example(JsonWriter& j, const DiffReport& r, const ChangeGroup& g, const PatientComparison& c) {
  j.begin_object();
  j.key("patient_id").value(c.before.patient_id).key("line").value(static_cast<uint64_t>(g.first_line));
  j.key("as_of").value(c.before.as_of.to_string());
  j.key("differences").begin_array();
  for (const Difference& d : c.differences) {
    j.begin_object().key("what").value(d.what).key("subject").value(d.subject).key("before").value(d.before).key("after").value(d.after);
    if (!d.reason.empty()) j.key("reason").value(d.reason);
    if (d.what == "rule") {
      j.key("old_source");
      write_pos(j, *r.before.plan, d.before_rule >= 0 ? r.before.plan->rules[static_cast<size_t>(d.before_rule)].pos : SourcePos{});
      j.key("new_source");
      write_pos(j, *r.after.plan, d.after_rule >= 0 ? r.after.plan->rules[static_cast<size_t>(d.after_rule)].pos : SourcePos{});
    }
    j.end_object();
  }
  j.end_array();
  j.key("divergence");
  write_divergence(j, r, c);
  ReportInfo a, b;
  a.protocol_sha256 = r.before.sha256;
  b.protocol_sha256 = r.after.sha256;
  j.key("old");
  write_json(j, *r.before.plan, c.before, a);
  j.key("new");
  write_json(j, *r.after.plan, c.after, b);
  j.end_object();
}

}  // namespace

std::string diff_text(const DiffReport& r) {
  const Plan& a = *r.before.plan;
  const Plan& b = *r.after.plan;
  std::string out = "Protocol diff\n";
  out += wrap(fmt::format("old: {} {}, {}", a.id, a.version, a.file), "  ", 5);
  out += wrap(fmt::format("new: {} {}, {}", b.id, b.version, b.file), "  ", 5);
  structure_text(r, out);
  cohort_text(r, out);
  examples_text(r, out);
  return out;
}

std::string diff_json(const DiffReport& r) {
  JsonWriter j(JsonWriter::Style::kPretty);
  j.begin_object();
  j.key("old");
  write_version(j, r.before);
  j.key("new");
  write_version(j, r.after);
  j.key("protocol_changes").begin_array();
  for (const ItemChange& c : r.structure) {
    j.begin_object().key("section").value(c.section).key("name").value(c.name).key("change").value(to_string(c.kind));
    j.key("old_source");
    write_pos(j, *r.before.plan, c.before_pos);
    j.key("new_source");
    write_pos(j, *r.after.plan, c.after_pos);
    j.key("fields").begin_array();
    for (const FieldChange& f : c.fields) {
      j.begin_object().key("field").value(f.field);
      j.key("old");
      if (c.kind == ItemChange::Kind::kAdded) j.null();
      else j.value(f.before);
      j.key("new");
      if (c.kind == ItemChange::Kind::kRemoved) j.null();
      else j.value(f.after);
      j.end_object();
    }
    j.end_array().end_object();
  }
  j.end_array();
  j.key("cohort");
  if (!r.has_cohort) {
    j.null();
  } else {
    j.begin_object().key("file").value(r.cohort);
    j.key("as_of");
    if (r.as_of) j.value(r.as_of->to_string());
    else j.null();
    j.key("evaluated").value(static_cast<uint64_t>(r.evaluated)).key("changed").value(static_cast<uint64_t>(r.changed));
    size_t phase_changed = 0;
    for (const ChangeGroup& g : r.groups)
      if (g.kind == "phase") phase_changed += g.count;
    j.key("phase_changed").value(static_cast<uint64_t>(phase_changed));
    j.key("wording_only").value(static_cast<uint64_t>(r.wording_only));
    j.key("in_several_groups").value(static_cast<uint64_t>(r.in_several));
    j.key("bad_lines").value(static_cast<uint64_t>(r.bad_lines));
    j.key("errors").begin_array();
    for (const Diagnostic& d : r.line_errors) write_json(j, d);
    j.end_array();
    j.end_object();
  }
  j.key("groups").begin_array();
  for (size_t i = 0; i < r.groups.size(); ++i) {
    const ChangeGroup& g = r.groups[i];
    j.begin_object().key("kind").value(g.kind).key("label").value(g.label);
    j.key("subject").value(g.subject);
    if (g.kind == "phase") j.key("old_phase").value(g.before).key("new_phase").value(g.after);
    j.key("count").value(static_cast<uint64_t>(g.count));
    j.key("examples").begin_array();
    for (const std::string& id : g.examples) j.value(id);
    j.end_array();
    j.key("example");
    if (i < r.examples.size() && r.examples[i]) write_example(j, r, g, *r.examples[i]);
    else j.null();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.take_line();
}

}  // namespace regimen
