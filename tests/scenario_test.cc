// What-if and plans: a changed score, a missed session and a changed parameter each change the
// answer as the spec says; the plan and evaluate agree about every day; the picture renders.

#include <catch2/catch.hpp>
#include <iterator>
#include <fstream>

#include "regimen/compile/compiler.h"
#include "regimen/evaluate/projection.h"
#include "regimen/evaluate/whatif.h"
#include "regimen/explain/svg.h"
#include "regimen/load/timeline_reader.h"

using namespace regimen;

namespace {

const Plan& default_plan() {
  static const Plan plan = *build_plan(default_protocol_source()).value;
  return plan;
}

Timeline example(const std::string& name) {
  auto loaded = read_timeline_file(std::string(REGIMEN_SOURCE_DIR) + "/examples/timelines/" + name);
  return *loaded.result.value;
}

Date day(const char* s) { return parse_date(s).value->date; }

std::string phase(const Evaluation& e) { return default_plan().phases[e.phase].name; }

const Recommendation* find(const Evaluation& e, Action a) {
  for (const Recommendation& r : e.recommendations)
    if (r.action == a) return &r;
  return nullptr;
}

ParameterOverride set(const char* name, const char* value) { return *parse_override(default_plan(), name, value).value; }

// A timeline of completed sessions on `sessions` and one PHQ-9 of `baseline` on `baseline_day`.
Timeline course(const char* id, std::initializer_list<const char*> sessions, const char* baseline_day, int baseline) {
  Timeline t;
  t.patient_id = id;
  for (const char* d : sessions) {
    Session s;
    s.at.date = day(d);
    s.index = static_cast<uint32_t>(t.sessions.size());
    t.sessions.push_back(s);
  }
  Assessment a;
  a.at.date = day(baseline_day);
  a.instrument = "phq9";
  a.score = baseline;
  t.assessments.push_back(a);
  return t;
}

void add_score(Timeline& t, const char* date, const char* instrument, int score) {
  Assessment a;
  a.at.date = day(date);
  a.instrument = instrument;
  a.score = score;
  a.index = static_cast<uint32_t>(t.assessments.size());
  t.assessments.push_back(a);
}

ProjectionOptions projecting(const char* as_of, Scenario scenario, int horizon_days) {
  ProjectionOptions o;
  o.as_of = day(as_of);
  o.scenario = scenario;
  o.horizon_days = horizon_days;
  return o;
}

}  // namespace

TEST_CASE("what if the post-series PHQ-9 is a response, or not", "[whatif]") {
  // series-evaluation.yaml: six sessions, last on 2026-05-18, baseline PHQ-9 19.
  const Timeline t = example("series-evaluation.yaml");
  TimelineChange good{TimelineChange::Kind::kAddScore, day("2026-05-19"), "phq9", 8, {}};    // -58 %: response
  TimelineChange poor{TimelineChange::Kind::kAddScore, day("2026-05-19"), "phq9", 17, {}};   // -11 %: non-response
  TimelineChange some{TimelineChange::Kind::kAddScore, day("2026-05-19"), "phq9", 12, {}};   // -37 %: partial
  const WhatIf w = what_if(default_plan(), t, day("2026-05-20"), {{"8", {good}, {}}, {"17", {poor}, {}}, {"12", {some}, {}}});
  CHECK(phase(w.evaluation) == "series_evaluation");
  CHECK(phase(w.alternatives[0].evaluation) == "maintenance");
  CHECK(phase(w.alternatives[1].evaluation) == "reassessment");
  CHECK(phase(w.alternatives[2].evaluation) == "series_evaluation");
  CHECK(find(w.alternatives[2].evaluation, Action::kScheduleSession));  // an extension session
  REQUIRE_FALSE(w.alternatives[0].differences.empty());
  CHECK(w.alternatives[0].differences[0].what == "phase");
  CHECK(w.alternatives[0].differences[0].before == "series_evaluation");
  CHECK(w.alternatives[0].differences[0].after == "maintenance");
}

TEST_CASE("what if she misses the next session", "[whatif]") {
  // mid-series.json: sessions 04-06, 04-08, 04-10; the next is due 04-12 to 04-14. Missing the
  // session planned for 04-12: on 04-16 the window (from 04-10) is overdue.
  const Timeline t = example("mid-series.json");
  const WhatIf w = what_if(default_plan(), t, day("2026-04-16"),
                           {{"misses 04-12", {{TimelineChange::Kind::kMissSession, day("2026-04-12"), "", 0, {}}}, {}}});
  REQUIRE(w.alternatives[0].has_planned);
  const Recommendation* as_planned = find(w.alternatives[0].as_planned, Action::kScheduleSession);
  const Recommendation* missed = find(w.alternatives[0].evaluation, Action::kScheduleSession);
  REQUIRE(as_planned);
  REQUIRE(missed);
  CHECK(as_planned->window->earliest.to_string() == "2026-04-16");  // from the planned 04-12 session: 04-14..04-16
  CHECK(as_planned->window->latest.to_string() == "2026-04-16");
  CHECK(missed->window->overdue);
  CHECK(missed->priority == Priority::kSoon);
  const auto& flags = w.alternatives[0].evaluation.flags;
  CHECK(std::find(flags.begin(), flags.end(), "series_gap_exceeded") != flags.end());
}

TEST_CASE("missing a session says what it assumed, and never invents one over a missed session", "[whatif]") {
  // mid-series.json: completed sessions 04-06, 04-08, 04-10; a missed one added on 04-11.
  Timeline t = example("mid-series.json");
  Session missed;
  missed.at.date = day("2026-04-11");
  missed.status = SessionStatus::kMissed;
  missed.index = 3;
  t.sessions.push_back(missed);
  const TimelineChange miss_11{TimelineChange::Kind::kMissSession, day("2026-04-11"), "", 0, {}};
  const TimelineChange miss_12{TimelineChange::Kind::kMissSession, day("2026-04-12"), "", 0, {}};
  const TimelineChange miss_20{TimelineChange::Kind::kMissSession, day("2026-04-20"), "", 0, {}};
  const WhatIf w = what_if(default_plan(), t, day("2026-04-16"),
                           {{"already missed", {miss_11}, {}}, {"planned", {miss_12}, {}}, {"later", {miss_20}, {}}});
  // As it is: the real 04-11 stays missed (no completed session is added), the planned 04-12 is given.
  size_t completed_on_11 = 0;
  for (const Session& s : w.timeline.sessions)
    completed_on_11 += s.at.date == day("2026-04-11") && s.status == SessionStatus::kCompleted;
  CHECK(completed_on_11 == 0);
  REQUIRE(w.alternatives.size() == 3);
  REQUIRE(w.alternatives[0].notes.size() == 1);
  CHECK(w.alternatives[0].notes[0].find("already recorded as missed or cancelled") != std::string::npos);
  REQUIRE(w.alternatives[1].notes.size() == 1);
  CHECK(w.alternatives[1].notes[0].find("no session on 2026-04-12: as planned, one is given that day") != std::string::npos);
  CHECK_FALSE(w.alternatives[1].differences.empty());  // the planned session, missed, changes the next window
  REQUIRE(w.alternatives[2].notes.size() == 2);  // assumed, and after as_of
  CHECK(w.alternatives[2].notes[1].find("2026-04-20 is after 2026-04-16") != std::string::npos);
  CHECK(w.alternatives[2].differences.empty());
}

TEST_CASE("a session one alternative assumes planned stays in that alternative", "[whatif]") {
  // mid-series.json on 04-12: one alternative misses 04-12 (no session there yet: assumed planned),
  // another adds a PHQ-9. "As it is" and the PHQ-9's alternative keep the timeline as it is: the
  // assumed session had reached both, so the PHQ-9 was read after four sessions, not three.
  const Timeline t = example("mid-series.json");
  const WhatIf w = what_if(default_plan(), t, day("2026-04-12"),
                           {{"misses 04-12", {{TimelineChange::Kind::kMissSession, day("2026-04-12"), "", 0, {}}}, {}},
                            {"a PHQ-9", {{TimelineChange::Kind::kAddScore, day("2026-04-12"), "phq9", 9, {}}}, {}}});
  CHECK(w.timeline.sessions.size() == t.sessions.size());
  REQUIRE(w.alternatives.size() == 2);
  CHECK(w.alternatives[0].has_planned);
  CHECK(w.alternatives[0].planned_timeline.sessions.size() == t.sessions.size() + 1);
  CHECK_FALSE(w.alternatives[1].has_planned);
  CHECK(w.alternatives[1].timeline.sessions.size() == t.sessions.size());
  const auto fact = [&](const Evaluation& e, std::string_view name) {
    for (const auto& [index, value] : e.facts)
      if (default_plan().facts[index].name == name) return format_value(value, e);
    return std::string("(none)");
  };
  CHECK(fact(w.evaluation, "series.sessions_done") == "3");
  CHECK(fact(w.alternatives[0].as_planned, "series.sessions_done") == "4");
  CHECK(fact(w.alternatives[1].evaluation, "series.sessions_done") == "3");
}

TEST_CASE("what if maintenance starts at four weeks", "[whatif]") {
  // A responder whose series ended on 2026-02-13: the first maintenance gap is 21 days, or 28.
  const Timeline t = example("maintenance.yaml");
  const WhatIf w = what_if(default_plan(), t, day("2026-02-20"), {{"28 days", {}, {set("maintenance.initial_interval_days", "28")}}});
  const Recommendation* a = find(w.evaluation, Action::kScheduleSession);
  const Recommendation* b = find(w.alternatives[0].evaluation, Action::kScheduleSession);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->window->earliest.to_string() == "2026-03-03");  // 02-13 + 21 - 3
  CHECK(b->window->earliest.to_string() == "2026-03-10");  // 02-13 + 28 - 3
  CHECK(w.alternatives[0].evaluation.overridden[set("maintenance.initial_interval_days", "28").index]);
}

TEST_CASE("plan and evaluate agree about every projected day", "[plan]") {
  const Timeline t = example("mid-series.json");
  for (Scenario s : {Scenario::kResponder, Scenario::kPartial, Scenario::kNonresponder}) {
    ProjectionOptions o;
    o.as_of = day("2026-04-12");
    o.scenario = s;
    o.horizon_days = 90;
    const Projection p = project(default_plan(), t, o);
    REQUIRE_FALSE(p.steps.empty());
    // Every projected session is on the earliest day of the window evaluate gives on the day
    // before it happens, from the events before it.
    Date previous = o.as_of;
    for (size_t k = 0; k < p.steps.size(); ++k) {
      const ProjectedStep& step = p.steps[k];
      if (step.kind == ProjectedStep::Kind::kSession) {
        Timeline before = p.timeline;
        std::erase_if(before.sessions, [&](const Session& x) { return x.at.date >= step.date; });
        std::erase_if(before.assessments, [&](const Assessment& x) { return x.at.date > previous; });
        EvaluateOptions eo;
        eo.as_of = previous;
        const Evaluation e = evaluate(default_plan(), before, eo);
        const Recommendation* r = find(e, Action::kScheduleSession);
        INFO("scenario " << to_string(s) << ", step " << k << " on " << step.date.to_string());
        REQUIRE(r);
        CHECK(std::max(r->window->earliest, previous) == step.date);
      }
      // Each step is in the phase it falls in: the course's phase from the events read before it
      // (on its day, assessments are read before the session; the plan's assessments of a day in
      // the order it took them).
      Timeline read_before = p.timeline;
      std::erase_if(read_before.sessions, [&](const Session& x) { return x.at.date >= step.date; });
      std::erase_if(read_before.assessments, [&](const Assessment& x) {
        return x.at.date > step.date || (step.kind == ProjectedStep::Kind::kAssessment && x.at.date == step.date &&
                                         x.index >= step.assessment_index);
      });
      EvaluateOptions eo;
      eo.as_of = step.date;
      INFO("scenario " << to_string(s) << ", step " << k << " on " << step.date.to_string());
      CHECK(phase(evaluate(default_plan(), read_before, eo)) == step.phase);
      previous = step.date;
    }
  }
}

TEST_CASE("the plan reaches the end-of-series decision after the remaining sessions", "[plan]") {
  const Timeline t = example("mid-series.json");  // 3 of 6 sessions done
  ProjectionOptions o;
  o.as_of = day("2026-04-12");
  o.scenario = Scenario::kResponder;
  Projection p = project(default_plan(), t, o);
  REQUIRE_FALSE(p.decisions.empty());
  CHECK(p.decisions.front().to_phase == "maintenance");
  CHECK(p.sessions_until_decision == 3);
  o.scenario = Scenario::kNonresponder;
  p = project(default_plan(), t, o);
  CHECK(p.decisions.front().to_phase == "reassessment");
  CHECK(p.end_phase == "reassessment");
  CHECK(p.sessions_in_horizon == 3);  // no more sessions are pushed after a non-response
}

TEST_CASE("the end-of-series decision point is listed when the post-series PHQ-9 is projected on as_of", "[plan]") {
  // Six sessions done, the last on 01-16; the post-series PHQ-9 is due on as_of, 01-17, the day
  // a plan is most often made. Its judgement is the decision point, with no session before it.
  const Timeline t =
      course("dp-1", {"2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14", "2026-01-16"}, "2026-01-02", 13);
  ProjectionOptions o;
  o.as_of = day("2026-01-17");
  for (const auto& [scenario, to] : {std::pair{Scenario::kResponder, "maintenance"}, std::pair{Scenario::kNonresponder, "reassessment"}}) {
    o.scenario = scenario;
    const Projection p = project(default_plan(), t, o);
    REQUIRE_FALSE(p.decisions.empty());
    CHECK(p.decisions.front().date == day("2026-01-17"));
    CHECK(p.decisions.front().from_phase == "series_evaluation");
    CHECK(p.decisions.front().to_phase == to);
    CHECK(p.sessions_until_decision == 0);
  }
}

TEST_CASE("a PHQ-9 due on the day of the series' last session does not stand in for the post-series one", "[plan]") {
  // Five of six sessions done, the last PHQ-9 on 11-16: on as_of, 11-28, a PHQ-9 is due and so is
  // the sixth session. The PHQ-9 taken that day is read before the session; the series then asks
  // for a post-series PHQ-9, which the plan takes the next day. It had stopped there instead ("no
  // decision point", the same for every scenario).
  Timeline t = course("same-day-1", {"2026-11-02", "2026-11-06", "2026-11-09", "2026-11-12", "2026-11-16"}, "2026-10-26", 27);
  add_score(t, "2026-11-09", "phq9", 27);
  add_score(t, "2026-11-16", "phq9", 27);
  for (const auto& [scenario, to] : {std::pair{Scenario::kResponder, "maintenance"}, std::pair{Scenario::kNonresponder, "reassessment"}}) {
    const Projection p = project(default_plan(), t, projecting("2026-11-28", scenario, 90));
    REQUIRE(p.steps.size() >= 3);
    CHECK(p.steps[0].kind == ProjectedStep::Kind::kAssessment);
    CHECK(p.steps[0].date == day("2026-11-28"));
    CHECK(p.steps[1].kind == ProjectedStep::Kind::kSession);
    CHECK(p.steps[2].kind == ProjectedStep::Kind::kAssessment);
    CHECK(p.steps[2].date == day("2026-11-29"));
    REQUIRE_FALSE(p.decisions.empty());
    CHECK(p.decisions.front().date == day("2026-11-29"));
    CHECK(p.decisions.front().to_phase == to);
    CHECK(p.sessions_until_decision == 1);
  }
}

TEST_CASE("the plan takes each PHQ-9 on the day it falls due, not at the next session", "[plan]") {
  // Two series sessions, baseline 24; the responder course reaches maintenance, where a PHQ-9 is
  // due once the last is older than 28 days. Walking only from session to session took it the
  // day after the next session (gaps of 33 to 58 days), leaving gaps without a judging score.
  const Timeline t = course("due-1", {"2026-01-05", "2026-01-07"}, "2026-01-02", 24);
  ProjectionOptions o;
  o.as_of = day("2026-01-08");
  o.horizon_days = 200;
  o.scenario = Scenario::kResponder;
  const Projection p = project(default_plan(), t, o);
  std::optional<Date> previous;
  std::vector<std::string> maintenance_sessions;
  for (const ProjectedStep& s : p.steps) {
    if (s.kind == ProjectedStep::Kind::kSession && s.phase == "maintenance") maintenance_sessions.push_back(s.date.to_string());
    if (s.kind != ProjectedStep::Kind::kAssessment || s.phase != "maintenance") continue;
    if (previous) CHECK(s.date - *previous <= 29);  // due the day the last one is older than 28 days
    previous = s.date;
  }
  // Each gap judged stable grows by a 7-day step, and the plan takes each window's earliest day,
  // 3 before its target: 18 days after the series' last session (01-15), then 22, 26, 30, 34, 38.
  CHECK(maintenance_sessions ==
        std::vector<std::string>{"2026-02-02", "2026-02-24", "2026-03-22", "2026-04-21", "2026-05-25", "2026-07-02"});
}

TEST_CASE("a plan lists no past phase change as a decision point, whatever the order of the arrays", "[plan]") {
  // Six sessions, the course judged a response on 01-17 (before as_of): that is history, not a
  // decision point of the plan. An assessment's index is its place in the input, so with the
  // arrays out of date order and one assessment after as_of, an index-based test took the
  // 01-17 PHQ-9 for a projected one. Events after as_of are left out, decisions included.
  const Result<Timeline> loaded = read_timeline(SourceFile("ord.json", R"({"patient": {"id": "ord"},
    "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-07"}, {"date": "2026-01-09"}, {"date": "2026-01-12"},
                 {"date": "2026-01-14"}, {"date": "2026-01-16"}],
    "assessments": [{"date": "2026-03-01", "instrument": "phq9", "score": 9},
                    {"date": "2026-01-02", "instrument": "phq9", "score": 20},
                    {"date": "2026-01-17", "instrument": "phq9", "score": 8}],
    "decisions": [{"date": "2026-03-02", "kind": "end_treatment"}]})"));
  REQUIRE(loaded.ok());
  ProjectionOptions o;
  o.as_of = day("2026-02-01");
  o.scenario = Scenario::kResponder;
  const Projection p = project(default_plan(), *loaded.value, o);
  CHECK(p.decisions.empty());
  CHECK(p.end_phase == "maintenance");  // the end_treatment dated after as_of does not steer the plan
  CHECK(p.sessions_in_horizon > 0);
}

TEST_CASE("a plan stops when the protocol asks again for a session on a day that has one", "[plan]") {
  // A protocol that wants a session every day, today: once today has one, a second would count as
  // one and change nothing, so the plan stops and says why instead of repeating it.
  const Plan plan = *build_plan(SourceFile("again.yaml",
                                           "protocol: {id: t, version: 1.0.0, title: T}\n"
                                           "sources: {s: {title: S}}\n"
                                           "instruments:\n  phq9: {range: [0, 27], items: 9}\n"
                                           "phases:\n  a: {start: true}\n  b: {terminal: true, no_rules: ended}\n"
                                           "transitions:\n  - {id: end, from: a, on: 'decision:end_treatment', to: b}\n"
                                           "rules:\n  - {id: again, phase: a, action: schedule_session, window: {earliest: today, "
                                           "latest: today}, summary: again, cites: [s]}\n"))
                         .value;
  Timeline t;
  t.patient_id = "again-1";
  ProjectionOptions o;
  o.as_of = day("2026-01-02");
  const Projection p = project(plan, t, o);
  CHECK(p.sessions_in_horizon == 1);
  REQUIRE(p.steps.size() == 1);
  CHECK(p.steps.front().date == day("2026-01-02"));
  CHECK(p.stopped_because.find("asks again for a session on 2026-01-02") != std::string::npos);
}

TEST_CASE("a plan projects the instruments it has a score of, and names those it leaves out", "[plan]") {
  // The esketamine protocol measures a course with the MADRS when one was taken, and asks for a
  // PHQ-9 beside it. A clinic that records no PHQ-9 still gets a plan, on the MADRS: it had
  // stopped at the first assessment asked for, with "no PHQ-9 score to start from".
  const std::string path = std::string(REGIMEN_SOURCE_DIR) + "/rules/esketamine-trd.yaml";
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const Plan plan = *build_plan(SourceFile(path, text)).value;
  Timeline t = *read_timeline(SourceFile("m.json", R"({"patient": {"id": "m-1"},
    "assessments": [{"date": "2026-02-27", "instrument": "madrs", "score": 34}],
    "observations": [{"date": "2026-02-27", "code": "bp_systolic", "value": 128},
                     {"date": "2026-02-27", "code": "bp_diastolic", "value": 82}]})")).value;
  ProjectionOptions o;
  o.as_of = day("2026-03-02");
  o.horizon_days = 60;
  const Projection p = project(plan, t, o);
  CHECK(p.stopped_because.empty());
  CHECK(p.not_projected == std::vector<std::string>{"phq9"});
  CHECK(p.sessions_in_horizon > 8);  // induction goes on past its assessments
  int madrs = 0;
  for (const ProjectedStep& s : p.steps) {
    CHECK(s.instrument != "phq9");
    if (s.kind == ProjectedStep::Kind::kAssessment && s.instrument == "madrs") ++madrs;
  }
  CHECK(madrs >= 1);
  // Routine reviews (the dose to choose) are the course's own steps: not listed as assumed.
  for (const Projection::Assumed& a : p.assumed_settled) CHECK(a.priority >= Priority::kSoon);
  // With no score of any instrument asked for, the plan still stops and says so.
  t.assessments.clear();
  const Projection none = project(plan, t, o);
  CHECK(none.steps.empty());
  CHECK(none.stopped_because.find("no MADRS or PHQ-9 score to start from") != std::string::npos);
}

TEST_CASE("a plan that projects some scores and then waits stops for the missing one", "[plan]") {
  // The default protocol asks for a PHQ-9 and a GAD-7 at intake; a GAD-7 alone does not start the
  // course. Projecting the GAD-7 and then waiting would say "nothing more is scheduled"; the plan
  // takes that GAD-7 back and stops for the PHQ-9, as before.
  const Timeline t = *read_timeline(SourceFile("g.json", R"({"patient": {"id": "g-1"},
    "assessments": [{"date": "2026-02-27", "instrument": "gad7", "score": 15}]})")).value;
  ProjectionOptions o;
  o.as_of = day("2026-03-02");
  const Projection p = project(default_plan(), t, o);
  CHECK(p.steps.empty());
  CHECK(p.not_projected.empty());
  CHECK(p.sessions_in_horizon == 0);
  CHECK(p.stopped_because.find("there is no PHQ-9 score to start from") == 0);
  // A PHQ-9 too old for a baseline, and no GAD-7: the PHQ-9 is projected and the course goes on
  // without the GAD-7, which the plan names.
  const Timeline old = *read_timeline(SourceFile("g.json", R"({"patient": {"id": "g-2"},
    "assessments": [{"date": "2026-01-02", "instrument": "phq9", "score": 20, "items": {"9": 0}}]})")).value;
  const Projection q = project(default_plan(), old, o);
  CHECK(q.sessions_in_horizon > 6);
  CHECK(q.not_projected == std::vector<std::string>{"gad7"});
  CHECK(q.stopped_because.empty());
}

TEST_CASE("a plan names what it assumed settled on its first day to go on", "[plan]") {
  // A safety alert and a screening review are open on as_of beside the first session: the plan
  // projects the course (it waits for a clinician only when nothing is scheduled) and says it
  // assumed both settled.
  const Timeline t = *read_timeline(SourceFile("s.json", R"({"patient": {"id": "s-1"},
    "assessments": [{"date": "2026-02-27", "instrument": "phq9", "score": 22, "items": {"9": 2}}],
    "conditions": [{"code": "bipolar_disorder"}]})")).value;
  ProjectionOptions o;
  o.as_of = day("2026-03-01");
  const Projection p = project(default_plan(), t, o);
  REQUIRE(p.sessions_in_horizon > 0);
  std::vector<std::string> rules;
  for (const Projection::Assumed& a : p.assumed_settled) rules.push_back(a.rule);
  CHECK(rules == std::vector<std::string>{"safety.item9_emergency", "screening.review"});
  CHECK(p.assumed_settled.front().action == Action::kSafetyAlert);
  // With nothing open, nothing is assumed; with nothing projected, nothing is listed.
  const Timeline plain = *read_timeline(SourceFile("s.json", R"({"patient": {"id": "s-2"},
    "assessments": [{"date": "2026-02-27", "instrument": "phq9", "score": 22, "items": {"9": 0}}]})")).value;
  CHECK(project(default_plan(), plain, o).assumed_settled.empty());
  const Timeline waits = *read_timeline(SourceFile("s.json", R"({"patient": {"id": "s-3"},
    "conditions": [{"code": "bipolar_disorder"}]})")).value;
  const Projection w = project(default_plan(), waits, o);
  CHECK(w.sessions_in_horizon == 0);
  CHECK(w.assumed_settled.empty());
}

TEST_CASE("a plan for a patient with no baseline score says so, rather than inventing a score of 0", "[plan]") {
  Timeline t;
  t.patient_id = "new-1";
  ProjectionOptions o;
  o.as_of = day("2026-03-01");
  const Projection p = project(default_plan(), t, o);
  CHECK(p.steps.empty());  // no invented PHQ-9 or GAD-7 of 0
  CHECK(p.sessions_in_horizon == 0);
  CHECK(p.stopped_because.find("no PHQ-9 or GAD-7 score to start from") != std::string::npos);
  // With a PHQ-9 to start from, the plan goes on as before.
  Assessment a;
  a.at.date = day("2026-02-27");
  a.instrument = "phq9";
  a.score = 20;
  t.assessments.push_back(a);
  const Projection q = project(default_plan(), t, o);
  CHECK(q.sessions_in_horizon > 6);
  CHECK(q.stopped_because.empty());
}

TEST_CASE("a plan starts each instrument with no baseline from that instrument's latest score", "[plan]") {
  // PHQ-9 25 then 12, GAD-7 5, none within the baseline's 14 days of 03-09: intake asks for both.
  Timeline t = course("p-start", {}, "2026-01-01", 25);
  add_score(t, "2026-02-01", "phq9", 12);
  add_score(t, "2026-02-01", "gad7", 5);
  const Projection p = project(default_plan(), t, projecting("2026-03-09", Scenario::kResponder, 20));
  REQUIRE(p.steps.size() >= 2);
  CHECK(p.steps[0].instrument == "phq9");
  CHECK(p.steps[0].score == 12);  // not the oldest, 25
  CHECK(p.steps[1].instrument == "gad7");
  CHECK(p.steps[1].score == 5);  // not the PHQ-9's start, clamped to GAD-7's 21
}

TEST_CASE("each step is in the phase it falls in, and the stop names the rule of its phase", "[plan]") {
  // Six sessions, baseline 20, post-series 13 (partial), and an active condition that asks for a
  // screening review in series_evaluation too.
  Timeline t = course("p-partial", {"2026-04-01", "2026-04-03", "2026-04-06", "2026-04-08", "2026-04-10", "2026-04-13"},
                      "2026-03-30", 20);
  add_score(t, "2026-04-14", "phq9", 13);
  Condition c;
  c.code = "substance_use_disorder";
  t.conditions.push_back(c);
  const Projection p = project(default_plan(), t, projecting("2026-04-15", Scenario::kPartial, 40));
  REQUIRE_FALSE(p.decisions.empty());
  CHECK(p.decisions.back().transition == "evaluation.partial_exhausted");  // not screening.review
  // From the mid-series example: the sixth session is read in initial_series (it ends it), the
  // post-series PHQ-9 in series_evaluation (it decides).
  const Projection mid =
      project(default_plan(), example("mid-series.json"), projecting("2026-04-12", Scenario::kResponder, 90));
  REQUIRE(mid.steps.size() >= 4);
  CHECK(mid.steps[2].kind == ProjectedStep::Kind::kSession);
  CHECK(mid.steps[2].phase == "initial_series");
  CHECK(mid.steps[3].kind == ProjectedStep::Kind::kAssessment);
  CHECK(mid.steps[3].phase == "series_evaluation");
}

TEST_CASE("the course renders as SVG with its parts", "[svg]") {
  const Timeline t = example("maintenance.yaml");
  EvaluateOptions o;
  o.as_of = day("2026-04-17");
  const Evaluation e = evaluate(default_plan(), t, o);
  const std::string svg = render_svg(default_plan(), {CourseChart{"p-maint", o.as_of, &t, &e}});
  CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(svg.ends_with("</svg>\n"));
  CHECK(svg.find("class=\"phase\"") != std::string::npos);
  CHECK(svg.find(">maintenance</text>") != std::string::npos);
  CHECK(svg.find("class=\"window\"") != std::string::npos);
  CHECK(svg.find("class=\"scores phq9\"") != std::string::npos);
  CHECK(svg.find("class=\"session\"") != std::string::npos);
  // Balanced: as many opening <g as closing </g>.
  size_t open = 0, close = 0;
  for (size_t i = svg.find("<g"); i != std::string::npos; i = svg.find("<g", i + 1)) ++open;
  for (size_t i = svg.find("</g>"); i != std::string::npos; i = svg.find("</g>", i + 1)) ++close;
  CHECK(open == close);
}
