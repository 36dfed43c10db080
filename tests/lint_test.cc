// The lint: warnings about a protocol that compiles but says something its author did not mean.
// Every "never" must be certain (no warning on a condition that can be true, also when values
// are unknown); the bundled protocols check clean.

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "protocol_test_support.h"

using namespace regimen;
using namespace regimen::testing;

namespace {

const std::string kFacts =
    "  bp.high: latest_observation('bp_systolic').value > 180\n"
    "  band: \"if latest_score >= 20 then 'severe' else 'mild'\"\n";

std::vector<const Diagnostic*> with_code(const Result<Plan>& r, std::string_view code) {
  std::vector<const Diagnostic*> out;
  for (const Diagnostic& d : r.diagnostics)
    if (d.code == code) out.push_back(&d);
  return out;
}

// "never" when the lint says a rule with this condition can never fire, else "may".
std::string verdict(const std::string& when) {
  auto r = compile_text(protocol_with(kFacts, "  - {id: x, phase: a, when: \"" + when + "\", action: review, summary: s, cites: [s]}\n"));
  INFO(first_error(r));
  REQUIRE(r.ok());
  const auto found = with_code(r, "check.never_true");
  if (!found.empty()) CHECK(found.front()->severity == Severity::kWarning);
  return found.empty() ? "may" : "never";
}

// Whether the lint says a schedule_session rule and a rule with `action` can fire together.
bool conflict(const std::string& schedule_when, const std::string& other_when, const std::string& action = "hold",
              const std::string& other_phase = "a") {
  const std::string extra = action == "reassess" ? ", checklist: [c]" : action == "collect_assessment" ? ", instruments: [phq9]"
                            : action == "schedule_session" ? ", window: {earliest: today, latest: today}" : "";
  auto r = compile_text(protocol_with(
      kFacts, "  - {id: s1, phase: a, when: \"" + schedule_when +
                  "\", action: schedule_session, window: {earliest: today, latest: today}, summary: s, cites: [s]}\n"
                  "  - {id: o1, phase: " + other_phase + ", when: \"" + other_when + "\", action: " + action + extra +
                  ", summary: s, cites: [s]}\n"));
  INFO(first_error(r));
  REQUIRE(r.ok());
  return !with_code(r, "check.conflicting_actions").empty();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("the bundled protocols check clean", "[lint]") {
  for (const char* name : {"ketamine-depression.yaml", "esketamine-trd.yaml"}) {
    const std::string path = std::string(REGIMEN_SOURCE_DIR) + "/rules/" + name;
    const SourceFile source(path, read_file(path));
    const Result<Plan> plan = build_plan(source);
    for (const Diagnostic& d : plan.diagnostics) UNSCOPED_INFO(render_text(d, &source));
    REQUIRE(plan.ok());
    CHECK(plan.diagnostics.empty());
  }
}

TEST_CASE("a condition that can never be true is a warning", "[lint]") {
  // Ranges: an instrument's scores, a parameter's declared range, literals, arithmetic.
  CHECK(verdict("latest_score > 27") == "never");
  CHECK(verdict("latest_score < 0") == "never");
  CHECK(verdict("latest_score > params.n * 3") == "may");  // n is 1-12: up to 36
  CHECK(verdict("latest_score * 2 > 54") == "never");
  CHECK(verdict("latest_item(phq9, 9) > 3") == "never");  // items answer 0-3
  CHECK(verdict("not (latest_score <= 27)") == "never");
  // Contradictory comparisons of one term, on whole numbers and durations too.
  CHECK(verdict("count > 10 and count < 5") == "never");
  CHECK(verdict("latest_score > 4 and latest_score < 5") == "never");
  CHECK(verdict("count >= params.n and count < params.n") == "never");
  CHECK(verdict("days_since(first) > params.gap and days_since(first) < 1d") == "never");
  CHECK(verdict("count != 3 and count >= 3 and count <= 3") == "never");
  // Literals and strings.
  CHECK(verdict("false") == "never");
  CHECK(verdict("band == 'sever'") == "never");
  CHECK(verdict("band != 'severe' and band != 'mild'") == "never");
  CHECK(verdict("band != 'severe'") == "may");
  CHECK(verdict("if known(latest_score) then latest_score > 30 else false") == "never");
}

TEST_CASE("unknown values never make the lint say never", "[lint]") {
  // A comparison is true only when both sides are known; known() and coalesce() see unknown.
  CHECK(verdict("not known(latest_score) and latest_score > 3") == "never");
  CHECK(verdict("not known(latest_score) or latest_score > 26") == "may");
  CHECK(verdict("coalesce(latest_score > 26, true)") == "may");
  CHECK(verdict("not coalesce(bp.high, false)") == "may");
  CHECK(verdict("bp.high and not coalesce(bp.high, false)") == "never");
  CHECK(verdict("if known(latest_score) then latest_score > 30 else true") == "may");
  // Three-valued logic: neither side of `x > 5 or x <= 5` need be true, but each can be.
  CHECK(verdict("count >= params.n or count < params.n") == "may");
  CHECK(verdict("not (latest_score > 5) and not (latest_score <= 5)") == "never");
  // Edges are possible; what the lint cannot bound is possible.
  CHECK(verdict("latest_score >= 27") == "may");
  CHECK(verdict("latest_score > 4 and latest_score < 6") == "may");
  CHECK(verdict("latest_observation('x').value > 1000000") == "may");
  CHECK(verdict("known(first) and after(latest(phq9), first)") == "may");
}

TEST_CASE("the warning points at the comparison and says why", "[lint]") {
  auto r = compile_text(protocol_with("", "  - {id: x, phase: a, when: count > 10 and count < 5, action: review, summary: s, cites: [s]}\n"));
  const auto found = with_code(r, "check.never_true");
  REQUIRE(found.size() == 1);
  CHECK(found[0]->message == "rule 'x' can never fire, because 'count < 5' contradicts 'count > 10'");
  const std::string line = "  - {id: x, phase: a, when: count > 10 and count < 5,";
  CHECK(found[0]->pos.column == line.find("count < 5") + 1);
  CHECK(found[0]->width == 9);
}

TEST_CASE("rules of one phase with contradictory actions that can fire together", "[lint]") {
  CHECK(conflict("true", "bp.high"));
  CHECK(conflict("count < 5", "count >= 3"));
  CHECK(conflict("count < 5", "count >= 3", "reassess"));
  CHECK(conflict("count < 5", "count >= 3", "schedule_session"));
  // Exclusive conditions, also when a value may be unknown.
  CHECK_FALSE(conflict("not bp.high", "bp.high"));
  CHECK_FALSE(conflict("not coalesce(bp.high, false)", "bp.high"));
  CHECK_FALSE(conflict("not coalesce(bp.high, true)", "coalesce(bp.high, true)"));
  CHECK_FALSE(conflict("count < params.n", "count >= params.n", "reassess"));
  CHECK_FALSE(conflict("not known(latest_score)", "latest_score > 20"));
  // Actions that add to a schedule rather than contradict it, and rules of other phases.
  CHECK_FALSE(conflict("true", "true", "review"));
  CHECK_FALSE(conflict("true", "true", "safety_alert"));
  CHECK_FALSE(conflict("true", "true", "collect_assessment"));
  CHECK_FALSE(conflict("true", "true", "hold", "b"));
}

TEST_CASE("parameters nothing reads are a warning, unless the engine reads them", "[lint]") {
  auto names = [](const Result<Plan>& r) {
    std::vector<std::string> out;
    for (const Diagnostic* d : with_code(r, "check.unused_parameter")) out.push_back(d->message.substr(0, d->message.find(" is")));
    return out;
  };
  // The small protocol declares gap and n and reads neither.
  CHECK(names(compile_text(protocol_with(""))) == std::vector<std::string>{"parameter 'gap'", "parameter 'n'"});
  std::string p = protocol_with("  later: count > params.n\n", "  - {id: w, phase: a, action: review, summary: 'in {params.gap}', cites: [s]}\n");
  CHECK(names(compile_text(p)).empty());  // a fact nothing reads still reads n; a summary reads gap
  p.replace(p.find("parameters:\n"), 12, "parameters:\n  cost.per_session: {type: number, range: [0, 1000]}\n  series.target_sessions: {type: int, default: 6}\n");
  CHECK(names(compile_text(p)).empty());  // read by `regimen plan`
}

TEST_CASE("a phase no rule applies to is a warning, unless it says why", "[lint]") {
  std::string p = protocol_with("");
  const Result<Plan> r = compile_text(p);
  const auto found = with_code(r, "check.phase_without_rules");
  REQUIRE(found.size() == 1);
  CHECK(found[0]->message.starts_with("no rule applies to phase 'b'"));
  std::string quiet = p;
  quiet.replace(quiet.find("b: {terminal: true}"), 19, "b: {terminal: true, no_rules: the course is over}");
  CHECK(with_code(compile_text(quiet), "check.phase_without_rules").empty());
  std::string global = p + "  - {id: g, action: review, summary: s, cites: [s]}\n";  // no phase: every phase
  CHECK(with_code(compile_text(global), "check.phase_without_rules").empty());
  quiet.replace(quiet.find("the course is over"), 18, "''");
  CHECK(first_error(compile_text(quiet)).starts_with("load.bad_value: no_rules needs a reason"));
}

TEST_CASE("the lint waits until a protocol has no errors", "[lint]") {
  auto r = compile_text(protocol_with("  broken: nothing_here + 1\n", "  - {id: x, phase: a, when: count > 10 and count < 5, action: review, summary: s, cites: [s]}\n"));
  REQUIRE_FALSE(r.ok());
  CHECK(with_code(r, "check.never_true").empty());
  CHECK(with_code(r, "check.unused_parameter").empty());
}
