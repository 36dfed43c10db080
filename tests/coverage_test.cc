// Test coverage of protocols (`regimen test --coverage`) and the traceability matrix, on small
// protocols whose answers are known by hand.

#include <algorithm>
#include <catch2/catch.hpp>

#include "protocol_test_support.h"
#include "regimen/evaluate/coverage_sink.h"
#include "regimen/testing/coverage.h"
#include "regimen/testing/protocol_tests.h"
#include "regimen/testing/trace_matrix.h"
#include "regimen/load/timeline_reader.h"

using namespace regimen;

namespace {

const std::string kDir = std::string(REGIMEN_SOURCE_DIR) + "/tests/fixtures/coverage/";

// A timeline with one PHQ-9 on 2026-01-05 of `score`, or none when `score` is negative.
Timeline phq9_timeline(int score) {
  std::string json = R"({"patient": {"id": "t"})";
  if (score >= 0)
    json = R"({"patient": {"id": "t"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": )" +
           std::to_string(score) + "}]}";
  else
    json += "}";
  return *read_timeline(SourceFile("t.json", json)).value;
}

const Date kAsOf = Date::from_ymd(2026, 1, 10).value();

std::vector<std::string> uncovered(const ProtocolCoverage& c) {
  std::vector<std::string> out;
  for (const CoverageItem& i : c.items)
    if (!i.covered) out.push_back(std::to_string(i.pos.line) + ":" + std::to_string(i.pos.column) + ": " + i.message());
  return out;
}

const RuleCoverage& rule(const ProtocolCoverage& c, const std::string& id) {
  auto it = std::find_if(c.rules.begin(), c.rules.end(), [&](const RuleCoverage& r) { return r.id == id; });
  REQUIRE(it != c.rules.end());
  return *it;
}

}  // namespace

TEST_CASE("coverage of a three-rule protocol by two cases", "[coverage]") {
  TestRunOptions options;
  options.coverage = true;
  const TestRun run = run_protocol_tests({kDir + "three-rules-tests.yaml"}, options);
  REQUIRE(run.failed == 0);
  REQUIRE(run.passed == 2);
  REQUIRE(run.coverage.size() == 1);
  const ProtocolCoverage& c = run.coverage[0];
  CHECK(c.id == "coverage-demo");
  CHECK(c.cases.size() == 2);

  // severe and mild fired, after never (no case ends in `treated`); `treat` was never taken.
  CHECK(c.rules_fired.covered == 2);
  CHECK(c.rules_fired.total == 3);
  CHECK(c.transitions_taken.covered == 0);
  CHECK(c.transitions_taken.total == 1);
  // severe: condition true/false, `score >= params.high` true/false, `count == 0` only true;
  // mild: condition true/false, the summary's `if` only its else arm. The `or` of shown_only is
  // read only by an explanation, so it is not counted.
  CHECK(c.branches.covered == 8);
  CHECK(c.branches.total == 10);
  CHECK(c.branches.percent() == 80.0);
  CHECK(c.rules_fired.percent() == 66.6);

  CHECK(uncovered(c) == std::vector<std::string>{
                            "18:9: transition 'treat' never taken",
                            "26:36: branch 'count == 0' never false (in rule 'severe')",
                            "35:40: then arm ''minimal'' never taken (in rule 'mild')",
                            "38:9: rule 'after' never fired (no case ended in one of its phases)",
                        });
}

TEST_CASE("the trace matrix names, per rule, its sources, its cases and its uncovered branches", "[coverage][matrix]") {
  TestRunOptions options;
  options.coverage = true;
  const TestRun run = run_protocol_tests({kDir + "three-rules-tests.yaml"}, options);
  REQUIRE(run.coverage.size() == 1);
  const ProtocolCoverage& c = run.coverage[0];

  const RuleCoverage& severe = rule(c, "severe");
  REQUIRE(severe.cases.size() == 1);
  CHECK(c.cases[severe.cases[0]].name == "a severe score asks for a review");
  CHECK(c.cases[severe.cases[0]].pos.line == 4);
  CHECK(severe.branches.covered == 5);
  CHECK(severe.branches.total == 6);
  REQUIRE(severe.cites.size() == 1);
  CHECK(severe.cites[0].id == "guide");
  CHECK(severe.cites[0].certainty == "unchecked");
  CHECK(rule(c, "mild").branches.covered == 3);
  CHECK(rule(c, "mild").branches.total == 4);
  CHECK(rule(c, "after").cases.empty());
  CHECK(rule(c, "after").branches.total == 0);

  const std::string md = trace_matrix_markdown(c, "three-rules-tests.yaml");
  CHECK_THAT(md, Catch::Contains("| Rules exercised | 2 of 3 |"));
  CHECK_THAT(md, Catch::Contains("| `severe` | " + c.file + ":26 | guide: A made-up guideline [unchecked] | " + kDir +
                                 "three-rules-tests.yaml:4 a severe score asks for a review | 5/6; not covered: "
                                 "`count == 0` never false (26:36) |"));
  CHECK_THAT(md, Catch::Contains("| `after` | " + c.file + ":38 | **none** | **none** | 0/0 |"));

  const std::string csv = trace_matrix_csv(c);
  CHECK_THAT(csv, Catch::StartsWith("rule,file,line,column,sources,test_cases,"));
  CHECK_THAT(csv, Catch::Contains(",1,3,4,then arm ''minimal'' never taken (35:40)\r\n"));

  const std::string json = trace_matrix_json(c);
  CHECK_THAT(json, Catch::Contains("\"failing_cases\": 0"));
  CHECK_THAT(json, Catch::Contains("\"never\": \"false\""));
}

TEST_CASE("a chain of `and` is one list of operands; `or`, `if` and unknown values", "[coverage]") {
  using regimen::testing::compile_text;
  using regimen::testing::protocol_with;
  const std::string yaml = protocol_with("  chained: latest_score > 1 and latest_score > 2 and latest_score > 3\n",
                                         "  - {id: c, phase: a, when: chained or count > 5, action: review, summary: 'x', cites: [s]}\n");
  const Result<Plan> plan = compile_text(yaml);
  REQUIRE(plan.ok());
  CoverageSink sink(*plan.value);

  auto run = [&](int score) {
    const Timeline t = phq9_timeline(score);
    EvaluateOptions o;
    o.as_of = kAsOf;
    o.trace = false;
    o.coverage = &sink;
    return evaluate(*plan.value, t, o);
  };
  run(5);  // every operand of the chain true: `chained` true, so `count > 5` is never read

  ProtocolCoverage c = coverage_report(*plan.value, SourceFile("t.yaml", yaml), sink, {});
  std::vector<std::string> texts;
  for (const CoverageItem& i : c.items)
    if (i.kind == CoverageItem::Kind::kOperand) texts.push_back(i.text + " " + i.outcome + (i.covered ? " +" : " -"));
  // The chain's three operands (not `latest_score > 1 and latest_score > 2` as a fourth), then
  // the rule's `or`.
  CHECK(texts == std::vector<std::string>{"latest_score > 1 true +", "latest_score > 1 false -",
                                          "latest_score > 2 true +", "latest_score > 2 false -",
                                          "latest_score > 3 true +", "latest_score > 3 false -",
                                          "chained true +", "chained false -",
                                          "count > 5 true -", "count > 5 false -"});

  run(2);  // `> 2` false ends the chain (`> 3` is not read); the rule's `or` reads `count > 5`: false
  c = coverage_report(*plan.value, SourceFile("t.yaml", yaml), sink, {});
  std::vector<std::string> missing;
  for (const CoverageItem& i : c.items)
    if (!i.covered && i.is_branch()) missing.push_back(i.text + " " + i.outcome);
  CHECK(missing == std::vector<std::string>{"latest_score > 1 false", "latest_score > 3 false", "count > 5 true"});

  // No PHQ-9: every comparison is unknown, which is neither true nor false.
  CoverageSink empty(*plan.value);
  const Timeline none = phq9_timeline(-1);
  EvaluateOptions o;
  o.as_of = kAsOf;
  o.coverage = &empty;
  evaluate(*plan.value, none, o);
  c = coverage_report(*plan.value, SourceFile("t.yaml", yaml), empty, {});
  for (const CoverageItem& i : c.items)
    if (i.kind == CoverageItem::Kind::kOperand && i.text.rfind("latest_score", 0) == 0) CHECK_FALSE(i.covered);
}

TEST_CASE("without a sink, evaluation records nothing and answers the same", "[coverage]") {
  const std::string yaml = regimen::testing::protocol_with("");
  const Result<Plan> plan = regimen::testing::compile_text(yaml);
  REQUIRE(plan.ok());
  const Timeline t = phq9_timeline(12);
  EvaluateOptions o;
  o.as_of = kAsOf;
  const Evaluation plain = evaluate(*plan.value, t, o);
  CoverageSink sink(*plan.value);
  o.coverage = &sink;
  const Evaluation measured = evaluate(*plan.value, t, o);
  CHECK(plain.recommendations.size() == measured.recommendations.size());
  CHECK(plain.phase == measured.phase);
  CHECK(sink.rules[0] == (CoverageSink::kConsidered | CoverageSink::kFired));
}
