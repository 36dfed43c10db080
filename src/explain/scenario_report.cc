// What-if and plan reports.

#include "regimen/common/utf8.h"
#include "regimen/explain/scenario_report.h"
#include "text_parts.h"

#include <fmt/format.h>

namespace regimen {
namespace text_parts {

std::string actions_text(const Evaluation& e) {
  std::string out;
  for (const Recommendation& r : e.recommendations) {
    if (!out.empty()) out += ", ";
    out += to_string(r.action);
    if (r.priority != Priority::kRoutine) out += fmt::format(" ({})", to_string(r.priority));
  }
  return out.empty() ? "none" : out;
}

std::string next_window(const Evaluation& e) {
  for (const Recommendation& r : e.recommendations)
    if (r.action == Action::kScheduleSession && r.window)
      return fmt::format("{} to {}", r.window->earliest.to_string(), r.window->latest.to_string());
  return "none";
}

std::string flags_text(const Evaluation& e) {
  std::string out;
  for (const std::string& f : e.flags) {
    if (!out.empty()) out += ", ";
    out += f;
  }
  return out.empty() ? "none" : out;
}

}  // namespace text_parts

namespace {

using text_parts::actions_text;
using text_parts::flags_text;
using text_parts::next_window;

std::string overrides_text(const Plan& plan, const Evaluation& e) {
  std::string out;
  for (size_t i = 0; i < e.overridden.size(); ++i)
    if (e.overridden[i]) {
      if (!out.empty()) out += ", ";
      out += fmt::format("{} = {}", plan.parameters[i].name, format_value(e.parameters[i], e));
    }
  return out;
}

void row(std::string& out, std::string_view label, const std::string& a, const std::string& b) {
  out += fmt::format("  {:<14}{:<30}  {}\n", label, a, b);
}

}  // namespace

std::string whatif_text(const Plan& plan, const WhatIf& w, const ReportInfo& info) {
  std::string out = fmt::format("What if, for patient {} on {}\n{}\n\n", printable(w.evaluation.patient_id),
                                w.evaluation.as_of.to_string(), protocol_line(plan, info));
  for (const Comparison& c : w.alternatives) {
    // An alternative that misses a planned session is set beside the timeline with that session
    // given ("as planned"), not beside the timeline as it is.
    const Evaluation& base = baseline_of(w, c);
    out += fmt::format("{}\n", c.name);
    row(out, "", c.has_planned ? "as planned" : "as it is", "as changed");
    row(out, "phase", plan.phases[base.phase].name, plan.phases[c.evaluation.phase].name);
    row(out, "actions", actions_text(base), actions_text(c.evaluation));
    row(out, "next session", next_window(base), next_window(c.evaluation));
    row(out, "flags", flags_text(base), flags_text(c.evaluation));
    if (const std::string o = overrides_text(plan, c.evaluation); !o.empty()) row(out, "parameters", "as in the protocol", o);
    // What was assumed or not read (a change after as_of, say): without it, "nothing differs"
    // would read as "the change makes no difference".
    for (const std::string& note : c.notes) out += fmt::format("  Note: {}\n", note);
    if (c.differences.empty()) {
      out += "  Nothing differs.\n\n";
      continue;
    }
    out += "  What differs:\n";
    for (const Difference& d : c.differences) {
      std::string line = d.subject.empty() ? fmt::format("{}: {} → {}", d.what, d.before, d.after)
                                           : fmt::format("{} {}: {} → {}", d.what, d.subject, d.before, d.after);
      out += fmt::format("  - {}\n", printable(line));
      if (!d.reason.empty()) out += fmt::format("      because {}\n", printable(d.reason));
    }
    out += "\n";
  }
  if (w.alternatives.size() > 1) {
    out += "Side by side\n";
    out += fmt::format("  {:<24}{:<20}{:<26}{}\n", "alternative", "phase", "next session", "flags");
    out += fmt::format("  {:<24}{:<20}{:<26}{}\n", "as it is", plan.phases[w.evaluation.phase].name, next_window(w.evaluation),
                       flags_text(w.evaluation));
    for (const Comparison& c : w.alternatives)
      out += fmt::format("  {:<24}{:<20}{:<26}{}\n", c.name.substr(0, 23), plan.phases[c.evaluation.phase].name,
                         next_window(c.evaluation), flags_text(c.evaluation));
  }
  return out;
}

std::string whatif_json(const Plan& plan, const WhatIf& w, const ReportInfo& info) {
  JsonWriter j(JsonWriter::Style::kPretty);
  j.begin_object();
  j.key("as_is");
  write_json(j, plan, w.evaluation, info);
  j.key("alternatives").begin_array();
  for (const Comparison& c : w.alternatives) {
    j.begin_object();
    j.key("name").value(c.name);
    j.key("differences").begin_array();
    for (const Difference& d : c.differences) {
      j.begin_object().key("what").value(d.what).key("subject").value(d.subject).key("before").value(d.before).key("after").value(d.after);
      if (!d.reason.empty()) j.key("reason").value(d.reason);
      j.end_object();
    }
    j.end_array();
    j.key("notes").begin_array();
    for (const std::string& note : c.notes) j.value(note);
    j.end_array();
    j.key("result");
    ReportInfo alt = info;
    alt.input_warnings = {};
    write_json(j, plan, c.evaluation, alt);
    // What the differences are against when the alternative misses a planned session.
    if (c.has_planned) {
      j.key("as_planned");
      write_json(j, plan, c.as_planned, alt);
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.take_line();
}

std::string plan_text(const Plan& plan, const Evaluation& now, const std::vector<Projection>& projections,
                      const ReportInfo& info) {
  std::string out = fmt::format("Plan for patient {} from {}\n{}\n", printable(now.patient_id), now.as_of.to_string(),
                                protocol_line(plan, info));
  if (const std::string o = overrides_text(plan, now); !o.empty()) out += fmt::format("Parameters set for this plan: {}\n", o);
  out += "\n";
  for (const Projection& p : projections) {
    out += fmt::format("Plan from {} to {}, scenario {} (scores fall to {:.0f} % of their baseline by the end of the series)\n",
                       p.as_of.to_string(), p.until.to_string(), to_string(p.scenario), 100 * target_fraction(p.scenario));
    if (!p.assumed_settled.empty()) {
      out += fmt::format("  Open on {}, and assumed settled so that the course goes on:\n", p.as_of.to_string());
      for (const Projection::Assumed& a : p.assumed_settled)
        out += fmt::format("    - {} ({}, rule {})\n", text_parts::action_words(a.action), to_string(a.priority), a.rule);
    }
    int session = 0;
    for (const ProjectedStep& s : p.steps) {
      if (s.kind == ProjectedStep::Kind::kSession)
        out += fmt::format("  {}  {:<26}{}\n", s.date.to_string(), fmt::format("session (projected #{})", ++session), s.phase);
      else
        out += fmt::format("  {}  {:<26}{}\n", s.date.to_string(), fmt::format("{} {:>2} (scenario)", s.instrument, s.score), s.phase);
    }
    for (const DecisionPoint& d : p.decisions)
      out += fmt::format("  Decision point {}: {} → {} ({})\n", d.date.to_string(), d.from_phase, d.to_phase, d.transition);
    if (p.sessions_until_decision >= 0)
      out += fmt::format("  Sessions until the decision point: {}\n", p.sessions_until_decision);
    else
      out += "  No decision point in the horizon.\n";
    out += fmt::format("  Sessions within the horizon: {}", p.sessions_in_horizon);
    if (p.cost_per_session)
      out += fmt::format("; cost {} × {:g} = {:g}", p.sessions_in_horizon, *p.cost_per_session,
                         p.sessions_in_horizon * *p.cost_per_session);
    out += "\n";
    if (!p.not_projected.empty()) {
      std::string labels;
      for (const std::string& i : p.not_projected) {
        const InstrumentSpec* spec = plan.instruments.find(i);
        labels += (labels.empty() ? "" : " and ") + (spec ? spec->label : i);
      }
      out += fmt::format("  Not projected: {}, asked for but with no score to start from (the plan does not invent one).\n", labels);
    }
    if (!p.stopped_because.empty()) out += fmt::format("  The projection stops: {}.\n", p.stopped_because);
    out += fmt::format("  Phase at the end: {}\n\n", p.end_phase);
  }
  if (projections.size() > 1) {
    out += "How the course branches at the end-of-series decision\n";
    out += fmt::format("  {:<14}{:<42}{:<10}{:<12}{}\n", "scenario", "decision", "sessions", "in horizon", "cost");
    for (const Projection& p : projections) {
      const std::string decision = p.decisions.empty() ? "none in the horizon"
                                                       : fmt::format("{} → {}", p.decisions.front().date.to_string(), p.decisions.front().to_phase);
      const std::string cost = p.cost_per_session ? fmt::format("{:g}", p.sessions_in_horizon * *p.cost_per_session) : "-";
      out += fmt::format("  {:<14}{:<42}{:<10}{:<12}{}\n", to_string(p.scenario), decision,
                         p.sessions_until_decision >= 0 ? std::to_string(p.sessions_until_decision) : "-", p.sessions_in_horizon, cost);
    }
  }
  return out;
}

std::string plan_json(const Plan& plan, const Evaluation& now, const std::vector<Projection>& projections,
                      const ReportInfo& info) {
  JsonWriter j(JsonWriter::Style::kPretty);
  j.begin_object();
  j.key("patient_id").value(now.patient_id).key("as_of").value(now.as_of.to_string());
  write_protocol_and_engine(j, plan, info);
  j.key("overrides");
  write_overrides(j, plan, now);
  j.key("scenarios").begin_array();
  for (const Projection& p : projections) {
    j.begin_object();
    j.key("scenario").value(to_string(p.scenario));
    j.key("as_of").value(p.as_of.to_string()).key("until").value(p.until.to_string());
    j.key("steps").begin_array();
    for (const ProjectedStep& s : p.steps) {
      j.begin_object().key("date").value(s.date.to_string());
      j.key("kind").value(s.kind == ProjectedStep::Kind::kSession ? "session" : "assessment");
      if (s.kind == ProjectedStep::Kind::kAssessment) j.key("instrument").value(s.instrument).key("score").value(s.score);
      j.key("phase").value(s.phase).end_object();
    }
    j.end_array();
    j.key("decision_points").begin_array();
    for (const DecisionPoint& d : p.decisions)
      j.begin_object().key("date").value(d.date.to_string()).key("from").value(d.from_phase).key("to").value(d.to_phase).key("transition").value(d.transition).end_object();
    j.end_array();
    j.key("sessions_until_decision");
    if (p.sessions_until_decision >= 0) j.value(p.sessions_until_decision);
    else j.null();
    j.key("sessions_in_horizon").value(p.sessions_in_horizon);
    j.key("cost");
    if (p.cost_per_session) j.value(p.sessions_in_horizon * *p.cost_per_session);
    else j.null();
    j.key("end_phase").value(p.end_phase);
    if (!p.stopped_because.empty()) j.key("stopped_because").value(p.stopped_because);
    if (!p.assumed_settled.empty()) {
      j.key("assumed_settled").begin_array();
      for (const Projection::Assumed& a : p.assumed_settled)
        j.begin_object().key("rule").value(a.rule).key("action").value(to_string(a.action)).key("priority").value(to_string(a.priority)).end_object();
      j.end_array();
    }
    if (!p.not_projected.empty()) {
      j.key("not_projected").begin_array();
      for (const std::string& i : p.not_projected) j.value(i);
      j.end_array();
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.take_line();
}

}  // namespace regimen
