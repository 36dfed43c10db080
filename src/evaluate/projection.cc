// The projection: evaluate, do what is recommended, evaluate again — day by day.

#include "regimen/evaluate/projection.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "regimen/protocol/engine_parameters.h"

namespace regimen {

std::string_view to_string(Scenario s) {
  switch (s) {
    case Scenario::kResponder: return "responder";
    case Scenario::kPartial: return "partial";
    case Scenario::kNonresponder: return "nonresponder";
  }
  return "responder";
}

double target_fraction(Scenario s) {
  switch (s) {
    case Scenario::kResponder: return 0.40;
    case Scenario::kPartial: return 0.70;
    case Scenario::kNonresponder: return 0.90;
  }
  return 1.0;
}

namespace {

EvaluateOptions evaluate_options(const ProjectionOptions& o, Date day) {
  EvaluateOptions e;
  e.as_of = day;
  for (const ParameterOverride& p : o.overrides) e.overrides.emplace_back(p.index, p.value);
  return e;
}

const Value* fact(const Plan& plan, const Evaluation& e, std::string_view name) {
  for (const auto& [index, value] : e.facts)
    if (plan.facts[index].name == name) return &value;
  return nullptr;
}

std::optional<double> parameter_number(const Plan& plan, const Evaluation& e, std::string_view name) {
  for (uint32_t i = 0; i < plan.parameters.size(); ++i)
    if (plan.parameters[i].name == name && i < e.parameters.size() && e.parameters[i].known)
      return e.parameters[i].as_number();
  return std::nullopt;
}

// The score the scenario gives an assessment of `instrument` on the way from the baseline to the
// target: linear over the series' sessions, then the target.
int scenario_score(const Plan& plan, const Evaluation& e, const std::string& instrument, double fraction,
                   int baseline_fallback) {
  int baseline = baseline_fallback;
  if (const Value* b = fact(plan, e, instrument + ".baseline"); b && b->known) baseline = static_cast<int>(b->as_number());
  const double target = std::round(fraction * baseline);
  const std::string phase = plan.phases[e.phase].name;
  if (phase == "intake" || phase == "initial_series") {
    const double total = parameter_number(plan, e, kSeriesTargetSessionsParameter).value_or(6);
    double done = 0;
    if (const Value* d = fact(plan, e, "series.sessions_done"); d && d->known) done = d->as_number();
    const double progress = std::clamp(done / total, 0.0, 1.0);
    return static_cast<int>(std::lround(baseline + (target - baseline) * progress));
  }
  return static_cast<int>(target);
}

/// The phase the replay read the step's event in: the phase before the first transition that
/// event took, else the phase the transitions before it left.
uint32_t phase_read_in(const Plan& plan, const Evaluation& e, const ProjectedStep& s) {
  std::optional<uint32_t> seq;
  for (uint32_t i = 0; i < e.events.size() && !seq; ++i) {
    const EventRef& ev = e.events[i];
    if (ev.date != s.date) continue;
    if (s.kind == ProjectedStep::Kind::kSession ? ev.kind == EventKind::kSession
                                                : ev.kind == EventKind::kAssessment && ev.index == s.assessment_index)
      seq = i;
  }
  if (!seq) return e.phase;  // not read (cannot happen for a step the plan added)
  std::optional<uint32_t> phase;
  for (const HistoryEntry& h : e.history) {
    if (h.event == *seq) return h.from_phase;
    if (h.event < *seq) phase = h.to_phase;
  }
  return phase ? *phase : plan.start_phase;
}

}  // namespace

Projection project(const Plan& plan, const Timeline& timeline, const ProjectionOptions& o) {
  Projection p;
  p.scenario = o.scenario;
  p.as_of = o.as_of;
  p.until = std::min(o.as_of + o.horizon_days, kLastDate);  // no plan runs past the last writable date
  p.timeline = timeline;
  // Events after as_of are not part of the plan's starting point (CONTRACT §1: they are
  // ignored), whatever their kind: a decision recorded for a later day does not steer the plan.
  std::erase_if(p.timeline.sessions, [&](const Session& s) { return s.at.date > o.as_of; });
  std::erase_if(p.timeline.assessments, [&](const Assessment& a) { return a.at.date > o.as_of; });
  std::erase_if(p.timeline.observations, [&](const Observation& x) { return x.at.date > o.as_of; });
  std::erase_if(p.timeline.decisions, [&](const Decision& d) { return d.at.date > o.as_of; });

  // An instrument's latest score before the projection: where its scenario starts when the
  // protocol gives it no baseline (the timeline is sorted, so the last one found is the latest).
  auto starting_score = [&](const std::string& instrument) {
    int score = 0;
    for (const Assessment& a : p.timeline.assessments)
      if (a.instrument == instrument && a.index < timeline.assessments.size()) score = a.score;
    return score;
  };
  Date day = o.as_of;
  std::string phase;
  Date last_assessment_day{-1};
  // The projection numbers its own assessments from here on: an assessment's index is its place
  // in the input's array, which sorting by date does not change, so the given ones are all below
  // the input's count (not the count left once later ones are dropped). Only projected
  // assessments make decision points; the projection adds nothing else but sessions.
  const uint32_t first_projected = static_cast<uint32_t>(timeline.assessments.size());
  uint32_t projected_assessments = 0;
  auto has_session_on = [&](Date d) {
    return std::any_of(p.timeline.sessions.begin(), p.timeline.sessions.end(),
                       [&](const Session& s) { return s.at.date == d && s.status == SessionStatus::kCompleted; });
  };
  std::vector<uint32_t> judged;  // projected assessments whose phase change is already a decision point
  // The last assessments projected without an instrument asked for (no score of it to start
  // from): where the plan was before them, and the stop to give if the course waits after them.
  struct PartialStep {
    Date day;
    size_t steps, assessments, not_projected, decisions;
    uint32_t projected;
    std::string why;
  };
  std::optional<PartialStep> partial;
  // A safety stop: each day takes one step to pass and a few to take its assessments and its
  // session, so a plan needs far fewer.
  const int64_t max_steps = 8 * (static_cast<int64_t>(p.until - o.as_of) + 1) + 64;
  for (int64_t step = 0; step < max_steps; ++step) {
    const Evaluation e = evaluate(plan, p.timeline, evaluate_options(o, day));
    phase = plan.phases[e.phase].name;
    if (step == 0) {
      p.cost_per_session = parameter_number(plan, e, kCostPerSessionParameter);
      // Routine reviews (a dose to choose, a frequency) are the course's own steps, not something
      // a plan must be read past.
      for (const Recommendation& r : e.recommendations)
        if ((r.action == Action::kReview || r.action == Action::kReassess || r.action == Action::kSafetyAlert ||
             r.action == Action::kHold) &&
            r.priority >= Priority::kSoon)
          p.assumed_settled.push_back({plan.rules[r.rule].id, r.action, r.priority});
    }
    // Decision points: phase changes a projected assessment caused (a judgement, not a session).
    // They are told apart by the assessment itself, not by date: one projected on as_of, the day
    // a post-series PHQ-9 is most often due, is read among that day's given events.
    for (const HistoryEntry& he : e.history) {
      if (he.from_phase == he.to_phase) continue;
      const EventRef& ev = e.events[he.event];
      if (ev.kind != EventKind::kAssessment || ev.index < first_projected) continue;
      if (std::find(judged.begin(), judged.end(), ev.index) != judged.end()) continue;
      judged.push_back(ev.index);
      p.decisions.push_back({ev.date, plan.phases[he.from_phase].name, plan.phases[he.to_phase].name,
                             plan.transitions[he.transition].id});
    }

    const Recommendation* collect = nullptr;
    const Recommendation* schedule = nullptr;
    for (const Recommendation& r : e.recommendations) {
      if (r.action == Action::kCollectAssessment && !collect) collect = &r;
      if (r.action == Action::kScheduleSession && r.window && !schedule) schedule = &r;
    }
    // 1. An assessment asked for is taken today — or, when a session was given today, the next
    // day, so that it is read after that session (a post-series score must be). That holds too
    // when one was taken today already, before the session: the series' last session and a PHQ-9
    // due the same day ask for another one after it.
    if (collect && (last_assessment_day != day || has_session_on(day))) {
      if (has_session_on(day)) {
        day = day + 1;
        if (day > p.until) break;
        continue;  // evaluate the next day: the request may have changed
      }
      // A scenario moves scores from where the patient starts; with no score of an instrument to
      // start from, the plan would have to invent one (a 0 reads as no baseline and stalls the
      // course). It projects the instruments asked for that have a score to start from, and says
      // which it leaves out (a course measured with the MADRS whose clinic records no PHQ-9 beside
      // it); with none, it stops and says what is missing.
      auto has_start = [&](const std::string& instrument) {
        return std::any_of(p.timeline.assessments.begin(), p.timeline.assessments.end(),
                           [&](const Assessment& a) { return a.instrument == instrument; });
      };
      std::string missing;
      bool any_start = false;
      for (const std::string& instrument : collect->instruments) {
        const InstrumentSpec* spec = plan.instruments.find(instrument);
        if (has_start(instrument)) any_start = true;
        else missing += (missing.empty() ? "" : " or ") + (spec ? spec->label : instrument);
      }
      const std::string no_start = fmt::format(
          "there is no {} score to start from, and the plan does not invent one: record the baseline "
          "assessment (or try one with whatif --add-score) and plan again",
          missing);
      if (!any_start) {
        p.stopped_because = no_start;
        break;
      }
      if (!missing.empty()) {
        // Projected without the instruments it has no score of: if the course then waits (a
        // GAD-7 alone does not start a course that a PHQ-9 starts), the missing score is why.
        partial = PartialStep{day, p.steps.size(), p.timeline.assessments.size(), p.not_projected.size(),
                              p.decisions.size(), projected_assessments, no_start};
      }
      for (const std::string& instrument : collect->instruments) {
        if (!has_start(instrument)) {
          if (std::find(p.not_projected.begin(), p.not_projected.end(), instrument) == p.not_projected.end())
            p.not_projected.push_back(instrument);
          continue;
        }
        Assessment a;
        a.at.date = day;
        a.instrument = instrument;
        a.score = scenario_score(plan, e, instrument, target_fraction(o.scenario), starting_score(instrument));
        const InstrumentSpec* spec = plan.instruments.find(instrument);
        if (spec) a.score = std::clamp(a.score, spec->min_score, spec->max_score);
        a.index = first_projected + projected_assessments++;
        p.timeline.assessments.push_back(a);
        p.steps.push_back({day, ProjectedStep::Kind::kAssessment, instrument, a.score, "", a.index});
      }
      last_assessment_day = day;
      continue;  // evaluate the same day again, with the new score
    }
    // 2. The next session on the earliest day of its window.
    if (schedule) {
      const Date next = std::max(schedule->window->earliest, day);
      if (next > p.until) break;
      // Walk to the session day by day: an assessment that falls due on the way (a PHQ-9 grown
      // older than the protocol allows) is taken on the day it falls due, as evaluating each day
      // would ask for it, not on the next session's day.
      if (next > day) {
        day = day + 1;
        continue;
      }
      // A second session on a day counts as one: asked for again on a day that has one, the
      // course would not move, and the plan would only repeat it.
      if (has_session_on(next)) {
        p.stopped_because = fmt::format(
            "the protocol asks again for a session on {}, which has one already (two on a day count as one)",
            next.to_string());
        break;
      }
      Session s;
      s.at.date = next;
      s.index = static_cast<uint32_t>(p.timeline.sessions.size());
      p.timeline.sessions.push_back(s);
      p.steps.push_back({next, ProjectedStep::Kind::kSession, "", 0, ""});
      ++p.sessions_in_horizon;
      partial.reset();  // the course moved on
      day = next;
      continue;
    }
    // 3. Nothing to schedule: the course waits for a clinician (a reassessment, a review, the
    // end). A review or reassessment asked for here is a decision point of its own.
    if (partial && partial->day == day) {
      // The scores projected today without the missing one did not move the course: they are
      // taken back, and the plan stops for the missing score, as it would have without them.
      p.steps.resize(partial->steps);
      p.timeline.assessments.resize(partial->assessments);
      projected_assessments = partial->projected;
      p.not_projected.resize(partial->not_projected);
      p.decisions.resize(partial->decisions);
      p.stopped_because = partial->why;
      break;
    }
    p.stopped_because = "nothing more is scheduled in phase " + phase;
    const bool asks_clinician = std::any_of(e.recommendations.begin(), e.recommendations.end(), [](const Recommendation& r) {
      return r.action == Action::kReview || r.action == Action::kReassess;
    });
    if (asks_clinician && (p.decisions.empty() || p.decisions.back().date != day)) {
      // The rule that stops the course is the one most its phase's own: of the reviews asked for,
      // the one whose rule holds in the fewest phases (a screening review holds in three, the
      // end-of-series review in one); of equals, the first in the recommendations' order.
      const Recommendation* decider = nullptr;
      size_t decider_phases = SIZE_MAX;
      for (const Recommendation& r : e.recommendations) {
        if (r.action != Action::kReview && r.action != Action::kReassess) continue;
        const std::vector<bool>& in = plan.rules[r.rule].phases;
        const auto phases = static_cast<size_t>(std::count(in.begin(), in.end(), true));
        if (phases < decider_phases) decider = &r, decider_phases = phases;
      }
      p.decisions.push_back({day, phase, "a clinician's decision", plan.rules[decider->rule].id});
    }
    break;
  }
  p.end_phase = phase;
  if (p.sessions_in_horizon == 0) p.assumed_settled.clear();  // nothing was projected past them

  // Each step's phase: the phase it falls in, i.e. the one it is read in by the replay (the
  // spec's "later events are read in the phase they fall in"): the sixth session of a series is
  // read in initial_series, though it ends it. Found by evaluating on its day (the same evaluator,
  // so plan and evaluate agree) and looking up the step's event among that day's readings.
  for (ProjectedStep& s : p.steps) {
    const Evaluation e = evaluate(plan, p.timeline, evaluate_options(o, s.date));
    s.phase = plan.phases[phase_read_in(plan, e, s)].name;
  }
  if (!p.decisions.empty()) {
    p.sessions_until_decision = 0;
    for (const ProjectedStep& s : p.steps)
      if (s.kind == ProjectedStep::Kind::kSession && s.date < p.decisions.front().date) ++p.sessions_until_decision;
  }
  return p;
}

}  // namespace regimen
