// The type checker: every expression gets one static type; misuse is reported at its place.

#include <catch2/catch.hpp>

#include "protocol_test_support.h"
#include "regimen/compile/overrides.h"

using namespace regimen;
using namespace regimen::testing;

namespace {
// The error a fact's value gives, or "ok".
std::string fact_error(const std::string& expr) {
  auto r = compile_text(protocol_with("  f: \"" + expr + "\"\n"));
  return r.ok() ? "ok" : first_error(r);
}
}  // namespace

TEST_CASE("the small test protocol compiles", "[check]") {
  auto r = compile_text(protocol_with(""));
  INFO(first_error(r));
  REQUIRE(r.ok());
  CHECK(r.value->phases.size() == 2);
}

TEST_CASE("date arithmetic is typed", "[check]") {
  CHECK(fact_error("today + 3d") == "ok");
  CHECK(fact_error("today - last_session().date") == "ok");            // date - date = days
  CHECK(fact_error("today - 2w > params.gap") == "check.type_mismatch: cannot compare a date and a duration in days");
  CHECK(fact_error("today - last_session().date > params.gap") == "ok");
  CHECK(fact_error("today > 5") == "check.type_mismatch: cannot compare a date and an int");
  CHECK(fact_error("today + 3") ==
        "check.type_mismatch: cannot add a number to a date: add a duration (3d), or a number of days as n * 1d");
  CHECK(fact_error("today + params.n * 1d") == "ok");
  CHECK(fact_error("days(params.gap) + 1") == "ok");
}

TEST_CASE("logic needs booleans", "[check]") {
  CHECK(fact_error("latest_score > 3 and known(first)") == "ok");
  CHECK(fact_error("latest_score and true") == "check.not_boolean: 'and' needs a bool on its left, but this is an int");
  CHECK(fact_error("if latest_score then 1 else 2") == "check.not_boolean: the condition of 'if' must be a bool, but this is an int");
  CHECK(fact_error("if true then 1 else 'x'") ==
        "check.type_mismatch: the branches of 'if' must have one type: 'then' gives an int, 'else' gives a string");
  CHECK(fact_error("if true then latest(phq9) else unknown") == "ok");
}

TEST_CASE("names resolve to parameters, facts, state and instruments", "[check]") {
  CHECK(fact_error("params.n + count") == "ok");
  CHECK(fact_error("params.nn") == "check.unknown_name: unknown parameter 'params.nn' (did you mean 'params.n'?)");
  CHECK(fact_error("n + 1") == "check.unknown_name: unknown name 'n' (parameters are written params.n)");
  CHECK(fact_error("latest_scor") == "check.unknown_name: unknown name 'latest_scor' (did you mean 'latest_score'?)");
  CHECK(fact_error("first.date") == "ok");
  CHECK(fact_error("first.dat") == "check.no_such_field: a session has no field 'dat' (did you mean 'date'?)");
  // A misspelt field of a dotted fact is named as a field, not as the fact it belongs to.
  CHECK(first_error(compile_text(protocol_with("  phq9.latest_one: latest(phq9)\n  f: phq9.latest_one.scor + 1\n"))) ==
        "check.no_such_field: an assessment has no field 'scor' (did you mean 'score'?)");
  CHECK(first_error(compile_text(protocol_with("  phq9.latest_one: latest(phq9)\n  f: phq9.latest_on.score + 1\n"))) ==
        "check.unknown_name: unknown name 'phq9.latest_on.score' (did you mean 'phq9.latest_one'?)");
  CHECK(fact_error("latest(gad7)") == "check.unknown_instrument: 'gad7' is not a declared instrument; the protocol declares phq9");
  CHECK(fact_error("event.date") ==
        "check.event_outside_transition: 'event' is only available in a transition's when/set/warn (facts are evaluated outside transitions)");
}

TEST_CASE("built-in functions check their arguments", "[check]") {
  CHECK(fact_error("clamp(params.gap, 1d, 7d)") == "ok");
  CHECK(fact_error("clamp(params.gap, 1, 7)") == "check.type_mismatch: clamp() cannot mix a duration in days and an int");
  CHECK(fact_error("min(1, 2.5)") == "ok");
  CHECK(fact_error("lastest(phq9)") == "check.unknown_function: unknown function 'lastest' (did you mean 'latest'?)");
  CHECK(fact_error("session_count(1, 2)").starts_with("check.arity: session_count() takes 0 to 1 arguments, not 2"));
  CHECK(fact_error("item(latest(phq9), 9) >= 2") == "ok");
  CHECK(fact_error("date('2026-02-30')") == "check.bad_date: '2026-02-30' is not a date: February 2026 has 28 days");
  CHECK(fact_error("after(latest(phq9), first)") == "ok");
  CHECK(fact_error("join(['a', 'b'], ', ') + '.'") == "ok");
}

TEST_CASE("facts that depend on each other in a cycle are named", "[check]") {
  auto r = compile_text(protocol_with("  x: y + 1\n  y: z + 1\n  z: x + 1\n"));
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r) == "check.fact_cycle: facts depend on each other in a cycle: x → y → z → x");
}

TEST_CASE("facts are evaluated after the facts they read", "[check]") {
  auto r = compile_text(protocol_with("  c: b + 1\n  b: a + 1\n  a: latest_score\n"));
  REQUIRE(r.ok());
  const auto& order = r.value->fact_order;
  auto pos = [&](const std::string& name) {
    for (size_t i = 0; i < order.size(); ++i)
      if (r.value->facts[order[i]].name == name) return i;
    return order.size();
  };
  CHECK(pos("latest_score") < pos("a"));
  CHECK(pos("a") < pos("b"));
  CHECK(pos("b") < pos("c"));
}

TEST_CASE("rules: actions, priorities, windows and citations", "[check]") {
  auto rule = [](const std::string& yaml) { return compile_text(protocol_with("", "  - " + yaml + "\n")); };
  CHECK(first_error(rule("{id: x, action: schedule, summary: s, cites: [s]}")) ==
        "check.unknown_action: unknown action 'schedule' (did you mean 'schedule_session'?)");
  CHECK(first_error(rule("{id: x, action: review, priority: high, summary: s, cites: [s]}")).starts_with(
      "check.unknown_priority: unknown priority 'high'"));
  CHECK(has_code(rule("{id: x, action: schedule_session, summary: s, cites: [s]}"), "check.missing_window"));
  CHECK(has_code(rule("{id: x, action: collect_assessment, summary: s, cites: [s]}"), "check.missing_instruments"));
  CHECK(has_code(rule("{id: r, action: review, summary: s, cites: [s]}"), "check.duplicate_id"));
  CHECK(has_code(rule("{id: x, action: review, summary: s, cites: [nobody]}"), "check.unknown_source"));
  auto uncited = rule("{id: x, action: review, summary: s}");
  CHECK(uncited.ok());  // a warning only
  CHECK(has_code(uncited, "check.no_citation"));
  CHECK(first_error(rule("{id: x, when: 'count', action: review, summary: s, cites: [s]}")) ==
        "check.not_boolean: a rule's condition must be a bool, but this is an int");
}

TEST_CASE("the phase graph: start, reachability, dead ends, unknown phases", "[check]") {
  std::string p = protocol_with("");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string q = p;
    q.replace(q.find(from), from.size(), to);
    return compile_text(q);
  };
  CHECK(has_code(with("b: {terminal: true}", "b: {terminal: true}\n  c: {terminal: true}"), "check.unreachable_phase"));
  CHECK(has_code(with("b: {terminal: true}", "b: {}"), "check.dead_end_phase"));
  CHECK(has_code(with("a: {start: true}", "a: {}"), "check.no_start_phase"));
  CHECK(has_code(with("b: {terminal: true}", "b: {terminal: true, start: true}"), "check.two_start_phases"));
  auto typo = with("to: b", "to: bb");
  REQUIRE(has_code(typo, "check.unknown_phase"));
  for (const Diagnostic& d : typo.diagnostics)
    if (d.code == "check.unknown_phase") CHECK(d.message == "unknown phase 'bb' (did you mean 'b'?)");
}

TEST_CASE("parameters: defaults inside their range", "[check]") {
  std::string p = protocol_with("");
  p.replace(p.find("default: 4"), 10, "default: 40");
  CHECK(first_error(compile_text(p)) == "check.default_out_of_range: the default 40 of 'gap' is outside its range [1, 14]");
}

TEST_CASE("parameters: at_most keeps two parameters in order, in the file and in overrides", "[check]") {
  // protocol_with declares gap (days, default 4, 1..14) and n (int, default 6, 1..12).
  auto with_gap = [](const std::string& replacement) {
    std::string p = protocol_with("");
    const std::string gap = "gap: {type: days, default: 4, range: [1, 14]}", section = "parameters:\n";
    p.replace(p.find(gap), gap.size(), replacement);
    p.replace(p.find(section), section.size(), section + "  most: {type: days, default: 5, range: [1, 14]}\n");
    return p;
  };
  const Result<Plan> ok = compile_text(with_gap("gap: {type: days, default: 4, range: [1, 14], at_most: most}"));
  REQUIRE(ok.ok());
  CHECK(first_error(compile_text(with_gap("gap: {type: days, default: 6, range: [1, 14], at_most: most}"))) ==
        "check.default_out_of_range: the default 6 of 'gap' is more than the default 5 of 'most', which it must be at most");
  CHECK(first_error(compile_text(with_gap("gap: {type: days, default: 4, range: [1, 14], at_most: mots}"))) ==
        "check.unknown_name: unknown parameter 'mots' (did you mean 'most'?)");
  CHECK(first_error(compile_text(with_gap("gap: {type: days, default: 4, range: [1, 14], at_most: n}"))) ==
        "check.type_mismatch: 'gap' (days) cannot be at most 'n' (int): both must be numbers, or both days");

  // Overrides: either side moved past the other is refused, with both values named; both moved
  // together is fine.
  const Plan& plan = *ok.value;
  auto order = [&](std::vector<std::pair<const char*, const char*>> sets) {
    std::vector<ParameterOverride> overrides;
    for (const auto& [name, value] : sets) overrides.push_back(*parse_override(plan, name, value).value);
    return check_parameter_order(plan, overrides);
  };
  CHECK(order({}).empty());
  CHECK(order({{"gap", "5"}}).empty());  // equal is allowed
  CHECK(order({{"gap", "6"}}) == "gap = 6 is more than most = 5, which it must be at most: set both to move them together");
  CHECK(order({{"most", "3"}}) == "gap = 4 is more than most = 3, which it must be at most: set both to move them together");
  CHECK(order({{"gap", "9"}, {"most", "10"}}).empty());
}

TEST_CASE("an on: that names no event kind is one error, not a guess at the event's type", "[check]") {
  // Read as a session, `event.score` and `event.by` gave errors of their own that misled.
  std::string yaml = protocol_with("");
  const std::string go = "  - {id: go, from: a, on: session, to: b, set: {count: count + 1, first: event}}\n";
  const size_t at = yaml.find(go);
  REQUIRE(at != std::string::npos);
  yaml.replace(at, go.size(), "  - {id: go, from: a, on: asessment, to: b, when: event.score > 3, set: {count: count + 1}}\n");
  const Result<Plan> r = compile_text(yaml);
  REQUIRE_FALSE(r.ok());
  size_t errors = 0;
  for (const Diagnostic& d : r.diagnostics) errors += d.severity == Severity::kError;
  CHECK(errors == 1);
  CHECK(first_error(r) == "check.unknown_event: unknown event kind 'asessment' (did you mean 'assessment'?)");
}
