// The YAML timeline reader: the same structure as JSON, positions from the YAML marks.

#include <catch2/catch.hpp>

#include "timeline_test_support.h"

using namespace regimen;
using regimen::testing::at;
using regimen::testing::find;
using regimen::testing::read_yaml;

TEST_CASE("a YAML timeline is read like its JSON twin", "[timeline][yaml]") {
  const auto r = read_yaml(R"(patient:
  id: p-0001
as_of: 2026-01-26
sessions:
  - date: 2026-01-07
    status: missed
  - {date: 2026-01-05, route: iv, dose_mg_per_kg: 0.5}
assessments:
  - date: 2026-01-05T09:00
    instrument: phq9
    score: 22
    items: {9: 0, "1": 3}
observations:
  - {date: 2026-01-05, code: bp_systolic, value: 128, unit: mmHg}
conditions:
  - {code: bipolar_disorder, onset: 2025-11-02}
decisions:
  - {date: 2026-02-20, kind: start_maintenance, by: dr-lee, note: early response}
)");
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const Timeline& t = *r.value;
  CHECK(t.patient_id == "p-0001");
  CHECK(t.as_of->date.to_string() == "2026-01-26");
  CHECK(t.sessions[0].at.date.to_string() == "2026-01-05");
  CHECK(t.sessions[0].doses[0].value == 0.5);
  CHECK(t.sessions[1].status == SessionStatus::kMissed);
  CHECK(t.assessments[0].item(9) == 0);
  CHECK(t.assessments[0].item(1) == 3);
  CHECK(t.observations[0].value == 128);
  CHECK(t.conditions[0].status == ConditionStatus::kActive);
  CHECK(t.decisions[0].note == "early response");
}

TEST_CASE("a YAML timeline that is not UTF-8, or holds a second document, is rejected whole", "[timeline][yaml][bad]") {
  const auto bad = read_yaml("patient:\n  id: \"x\xff\"\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(at(bad.diagnostics[0].pos) == "2:9");
  CHECK(bad.diagnostics[0].message.find("not valid UTF-8") != std::string::npos);
  const auto two = read_yaml("patient: {id: p1}\n---\npatient: {id: p2}\n");
  REQUIRE_FALSE(two.ok());
  CHECK(two.diagnostics[0].pos.line == 3);
  CHECK(two.diagnostics[0].message.find("more than one YAML document") != std::string::npos);
  // An explicit start, an end marker or a trailing '---' with nothing after it is still one document.
  CHECK(read_yaml("---\npatient: {id: p1}\n...\n").ok());
  CHECK(read_yaml("patient: {id: p1}\n---\n").ok());
}

TEST_CASE("a YAML number no double holds is out of range, as in JSON", "[timeline][yaml][bad]") {
  const auto inf = read_yaml("patient: {id: p1}\nsessions:\n  - {date: 2026-01-05, dose_mg_per_kg: 1e400}\n");
  REQUIRE_FALSE(inf.ok());
  CHECK(inf.diagnostics[0].code == "timeline.out_of_range");
  CHECK(inf.diagnostics[0].message == "'dose_mg_per_kg' is 1e400, beyond the largest number, about 1.8e308");
  CHECK(at(inf.diagnostics[0].pos) == "3:40");
  const auto huge = read_yaml("patient: {id: p1}\nobservations:\n  - {date: 2026-01-05, code: weight, value: 99999999999999999999999}\n");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.diagnostics[0].message == "'value' is 99999999999999999999999, far out of range (an integer must fit in 64 bits)");
  const auto whole = read_yaml("patient: {id: p1}\nassessments:\n  - {date: 2026-01-05, instrument: phq9, score: 1e300}\n");
  REQUIRE_FALSE(whole.ok());
  CHECK(whole.diagnostics[0].message == "'score' is 1e300, far out of range");
}

TEST_CASE("an indentation error is a syntax error at its line", "[timeline][yaml][bad]") {
  const auto r = read_yaml("patient:\n  id: p-1\n sessions:\n  - date: 2026-01-05\n");
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "timeline.syntax");
  CHECK(r.diagnostics[0].pos.line == 3);
  CHECK(r.diagnostics[0].message.starts_with("invalid YAML:"));
}

TEST_CASE("YAML errors carry line and column from the marks", "[timeline][yaml][bad]") {
  const auto r = read_yaml("patient:\n  id: p-1\nassessments:\n  - date: 2026-01-05\n    instrument: phq9\n    score: 28\n");
  REQUIRE_FALSE(r.ok());
  const Diagnostic* d = find(r, "timeline.out_of_range");
  REQUIRE(d);
  CHECK(at(d->pos) == "6:12");
  CHECK(d->pointer == "/assessments/0/score");
}

TEST_CASE("a quoted number is a string in YAML, as in JSON", "[timeline][yaml][bad]") {
  const auto r = read_yaml("patient: {id: p-1}\nassessments:\n  - {date: 2026-01-05, instrument: phq9, score: \"12\"}\n");
  CHECK(find(r, "timeline.wrong_type"));
}

TEST_CASE("a bare number as patient id is not a string", "[timeline][yaml][bad]") {
  CHECK(find(read_yaml("patient: {id: 17}\n"), "timeline.wrong_type"));
  CHECK(read_yaml("patient: {id: \"17\"}\n").ok());
}

TEST_CASE("an empty YAML document is an error", "[timeline][yaml][bad]") {
  CHECK(find(read_yaml(""), "timeline.empty"));
  CHECK(find(read_yaml("# only a comment\n"), "timeline.empty"));
}

TEST_CASE("a YAML list where the timeline object belongs is a type error", "[timeline][yaml][bad]") {
  const auto r = read_yaml("- patient: {id: p-1}\n");
  REQUIRE(find(r, "timeline.wrong_type"));
  CHECK(at(find(r, "timeline.wrong_type")->pos) == "1:1");
}

TEST_CASE("warnings carry the line of what they are about", "[timeline][yaml][warn]") {
  const auto r = read_yaml("patient: {id: p-1}\nassessments:\n  - {date: 2026-01-05, instrument: phq9, score: 3}\n"
                           "  - {date: 2026-01-05, instrument: phq9, score: 0, items: {9: 2}}\n");
  REQUIRE(r.ok());
  REQUIRE(find(r, "timeline.items_mismatch"));
  CHECK(find(r, "timeline.items_mismatch")->pos.line == 4);
}

TEST_CASE("YAML plain scalars follow the core schema", "[timeline][yaml]") {
  const auto r = read_yaml(
      "patient: {id: p-1}\nobservations:\n"
      "  - {date: 2026-01-05, code: a, value: 1.5}\n"
      "  - {date: 2026-01-05, code: b, value: -.5}\n"
      "  - {date: 2026-01-05, code: c, value: 2e3}\n"
      "  - {date: 2026-01-05, code: d, value: +7}\n");
  REQUIRE(r.ok());
  CHECK(r.value->observations[0].value == 1.5);
  CHECK(r.value->observations[1].value == -0.5);
  CHECK(r.value->observations[2].value == 2000);
  CHECK(r.value->observations[3].value == 7);
  CHECK(find(read_yaml("patient: {id: p-1}\nobservations:\n  - {date: 2026-01-05, code: a, value: 1.5.2}\n"),
             "timeline.wrong_type"));
}

TEST_CASE("YAML number forms JSON does not have are refused where a number belongs", "[timeline][yaml][bad]") {
  const auto number = [](const char* score) {
    return read_yaml(std::string("patient: {id: p-1}\nassessments:\n  - {date: 2026-01-05, instrument: phq9, score: ") + score + "}\n");
  };
  for (const char* form : {"0x16", "0o26", "022", "-01", ".inf", ".nan", "-.Inf", "!!int 022", "!!float 0x1p3"}) {
    INFO(form);
    CHECK(find(number(form), "timeline.number_form"));
  }
  CHECK(number("0").ok());
  CHECK(number("22").ok());
  CHECK(number("22.0").ok());
  const auto item = read_yaml("patient: {id: p-1}\nassessments:\n  - {date: 2026-01-05, instrument: phq9, score: 1, items: {9: 01}}\n");
  CHECK(find(item, "timeline.number_form"));
  const auto dose = read_yaml("patient: {id: p-1}\nsessions:\n  - {date: 2026-01-05, dose_mg_per_kg: 00.5}\n");
  CHECK(find(dose, "timeline.number_form"));
  CHECK(read_yaml("patient: {id: p-1}\nsessions:\n  - {date: 2026-01-05, dose_mg_per_kg: 0.5}\n").ok());
}

TEST_CASE("a value tagged !!str is a string in YAML", "[timeline][yaml]") {
  const auto r = read_yaml("patient: {id: !!str 12345}\n");
  REQUIRE(r.ok());
  CHECK(r.value->patient_id == "12345");
  CHECK(find(read_yaml("patient: {id: p-1}\nassessments:\n  - {date: 2026-01-05, instrument: phq9, score: !!str 22}\n"),
             "timeline.wrong_type"));
}

TEST_CASE("a YAML merge key is refused, not silently dropped", "[timeline][yaml][bad]") {
  // Dropped, the merged status would leave the second session "completed": treatment it never had.
  const auto r = read_yaml(
      "patient: {id: p-1}\nsessions:\n"
      "  - &iv {date: 2026-01-05, status: cancelled, route: iv}\n"
      "  - {<<: *iv, date: 2026-01-07}\n");
  REQUIRE_FALSE(r.ok());
  const Diagnostic* d = find(r, "timeline.yaml_merge");
  REQUIRE(d);
  CHECK(d->pos.line == 4);
}
