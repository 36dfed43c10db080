// The JSON timeline reader against CONTRACT §1-2: every valid form, every kind of bad input.

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <tuple>

#include "timeline_test_support.h"

using namespace regimen;
using regimen::testing::at;
using regimen::testing::find;
using regimen::testing::read_json;
using regimen::testing::read_yaml;

TEST_CASE("a full timeline is read with every field", "[timeline][json]") {
  const auto r = read_json(R"({
    "patient": { "id": "p-0001" },
    "as_of": "2026-01-26",
    "sessions": [
      { "date": "2026-01-05", "status": "completed", "route": "iv", "dose_mg_per_kg": 0.5 },
      { "date": "2026-01-07T10:30", "status": "missed" },
      { "date": "2026-01-08", "status": "cancelled" },
      { "date": "2026-01-09", "dose_mg": 35 }
    ],
    "assessments": [
      { "date": "2026-01-05", "instrument": "phq9", "score": 22, "items": { "9": 0, "1": 3 } },
      { "date": "2026-01-05", "instrument": "gad7", "score": 14 }
    ],
    "observations": [ { "date": "2026-01-05", "code": "bp_systolic", "value": 128, "unit": "mmHg" },
                      { "date": "2026-01-05", "code": "weight", "value": 71.5 } ],
    "conditions": [ { "code": "bipolar_disorder", "onset": "2025-11-02", "status": "active" },
                    { "code": "anxiety", "status": "resolved" } ],
    "decisions": [ { "date": "2026-02-20", "kind": "start_maintenance", "by": "dr-lee", "note": "early response" } ]
  })");
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const Timeline& t = *r.value;
  CHECK(t.patient_id == "p-0001");
  CHECK(t.as_of->date.to_string() == "2026-01-26");

  REQUIRE(t.sessions.size() == 4);
  CHECK(t.sessions[0].status == SessionStatus::kCompleted);
  CHECK(t.sessions[0].route == "iv");
  REQUIRE(t.sessions[0].doses.size() == 1);
  CHECK(t.sessions[0].doses[0].name == "dose_mg_per_kg");
  CHECK(t.sessions[0].doses[0].value == 0.5);
  CHECK(t.sessions[1].status == SessionStatus::kMissed);
  CHECK(t.sessions[1].at.seconds == 10 * 3600 + 30 * 60);
  CHECK(t.sessions[2].status == SessionStatus::kCancelled);
  CHECK(t.sessions[3].status == SessionStatus::kCompleted);  // the default
  CHECK(t.sessions[3].doses[0].value == 35);

  REQUIRE(t.assessments.size() == 2);
  CHECK(t.assessments[0].instrument == "phq9");
  CHECK(t.assessments[0].score == 22);
  CHECK(t.assessments[0].item(9) == 0);
  CHECK(t.assessments[0].item(1) == 3);
  CHECK_FALSE(t.assessments[0].item(2));
  CHECK(t.assessments[0].items.front().item == 1);  // sorted by item number

  REQUIRE(t.observations.size() == 2);
  CHECK(t.observations[0].unit == "mmHg");
  CHECK(t.observations[1].value == 71.5);
  CHECK(t.observations[1].unit.empty());

  REQUIRE(t.conditions.size() == 2);
  CHECK(t.conditions[0].code == "anxiety");  // conditions are sorted by code
  CHECK(t.conditions[0].status == ConditionStatus::kResolved);
  CHECK_FALSE(t.conditions[0].onset);
  CHECK(t.conditions[1].status == ConditionStatus::kActive);
  CHECK(t.conditions[1].onset->date.to_string() == "2025-11-02");

  REQUIRE(t.decisions.size() == 1);
  CHECK(t.decisions[0].kind == DecisionKind::kStartMaintenance);
  CHECK(t.decisions[0].by == "dr-lee");
  CHECK(t.decisions[0].note == "early response");
}

TEST_CASE("only the patient is required; arrays may be left out, empty or null", "[timeline][json]") {
  auto r = read_json(R"({"patient": {"id": "x"}})");
  REQUIRE(r.ok());
  CHECK(r.value->sessions.empty());
  CHECK_FALSE(r.value->as_of);

  r = read_json(R"({"patient": {"id": "x"}, "sessions": [], "assessments": null, "as_of": null})");
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
}

TEST_CASE("arrays may come in any order; events are sorted by date, then time", "[timeline][json]") {
  const auto r = read_json(R"({"patient": {"id": "x"}, "sessions": [
      {"date": "2026-01-09"}, {"date": "2026-01-05T15:00"}, {"date": "2026-01-07"}, {"date": "2026-01-05T09:00"}]})");
  REQUIRE(r.ok());
  const auto& s = r.value->sessions;
  CHECK(s[0].at.to_string() == "2026-01-05T09:00:00");
  CHECK(s[0].index == 3);  // keeps its place in the input for pointers
  CHECK(s[1].at.to_string() == "2026-01-05T15:00:00");
  CHECK(s[2].at.date.to_string() == "2026-01-07");
  CHECK(s[3].at.date.to_string() == "2026-01-09");
}

TEST_CASE("a date-time is accepted wherever a date is", "[timeline][json]") {
  const auto r = read_json(R"({"patient": {"id": "x"}, "as_of": "2026-01-26T08:00Z",
      "conditions": [{"code": "c", "onset": "2025-11-02T00:00+01:00"}],
      "decisions": [{"date": "2026-01-20T16:45:10-05:00", "kind": "end_treatment"}]})");
  REQUIRE(r.ok());
  CHECK(r.value->as_of->date.to_string() == "2026-01-26");
  CHECK(r.value->decisions[0].at.date.to_string() == "2026-01-20");
}

TEST_CASE("a whole-number score written as 22.0 is the integer 22", "[timeline][json]") {
  const auto r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 22.0}]})");
  REQUIRE(r.ok());
  CHECK(r.value->assessments[0].score == 22);
}

TEST_CASE("truncated JSON is a syntax error at the end of the text", "[timeline][json][bad]") {
  const auto r = read_json("{\n  \"patient\": {\"id\": \"x\"},\n  \"sessions\": [\n");
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "timeline.syntax");
  CHECK(r.diagnostics[0].pos.line == 4);
  CHECK(r.diagnostics[0].message.starts_with("invalid JSON:"));
}

TEST_CASE("a syntax error in the middle points at its line and column", "[timeline][json][bad]") {
  const auto r = read_json("{\n  \"patient\": {\"id\": \"x\"}\n  \"sessions\": []\n}");
  REQUIRE_FALSE(r.ok());
  CHECK(r.diagnostics[0].code == "timeline.syntax");
  CHECK(at(r.diagnostics[0].pos) == "3:3");
}

TEST_CASE("a number no double or 64-bit integer holds is a located error, in any field", "[timeline][json][bad]") {
  // It used to escape as an internal error (exit 4), and took a whole batch down with it.
  for (const auto& [text, where, number] :
       {std::tuple{R"({"patient": {"id": "x"}, "extra": 1e400})", "1:35", "1e400"},
        std::tuple{R"({"patient": {"id": "x"}, "extra": -1e309})", "1:35", "-1e309"},
        std::tuple{"{\"patient\": {\"id\": \"x\"},\n \"assessments\": [{\"date\": \"2026-01-05\", \"instrument\": \"phq9\", \"score\": 123456789012345678901234567890}]}",
                   "2:72", "123456789012345678901234567890"}}) {
    INFO(text);
    const auto r = read_json(text);
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].code == "timeline.syntax");
    CHECK(at(r.diagnostics[0].pos) == where);
    CHECK(r.diagnostics[0].message.find(std::string("the number ") + number + " is out of range") != std::string::npos);
    JsonTimelineReader cohort;  // batch's reader
    const auto line = cohort.read(text, "cohort.jsonl:7");
    REQUIRE_FALSE(line.ok());
    CHECK(at(line.diagnostics[0].pos) == where);
  }
  // Small numbers that round to zero, and long decimals, are numbers like any other.
  CHECK(read_json(R"({"patient": {"id": "x"}, "extra": 1e-400, "more": 0.12345678901234567890123})").ok());
}

TEST_CASE("a text that is not UTF-8 is rejected at its first bad byte, and a byte order mark is allowed", "[timeline][json]") {
  const auto bad = read_json("{\"patient\": {\"id\": \"x\xff\"}}");
  REQUIRE_FALSE(bad.ok());
  CHECK(at(bad.diagnostics[0].pos) == "1:22");
  CHECK(bad.diagnostics[0].message.find("not valid UTF-8 (byte 0xFF here)") != std::string::npos);
  const std::string marked = "\xEF\xBB\xBF{\"patient\": {\"id\": \"x\"}, \"sessions\": [{\"date\": \"2026-02-30\"}]}";
  const auto r = read_json(marked);  // read past the mark: the error is the date, at its place
  REQUIRE_FALSE(r.ok());
  CHECK(r.diagnostics[0].code != "timeline.syntax");
  CHECK(at(r.diagnostics[0].pos) == "1:48");
  CHECK(read_json("\xEF\xBB\xBF{\"patient\": {\"id\": \"x\"}}").ok());
  JsonTimelineReader cohort;  // a cohort's first line may carry the file's mark
  CHECK(cohort.read("\xEF\xBB\xBF{\"patient\": {\"id\": \"x\"}}", "cohort.jsonl:1").ok());
}

TEST_CASE("a comma after the last item is named as such, not as a truncated file", "[timeline][json][bad]") {
  const auto r = read_json("{\"patient\": {\"id\": \"x\"},\n \"sessions\": [{\"date\": \"2026-01-05\"},\n]}");
  REQUIRE_FALSE(r.ok());
  CHECK(at(r.diagnostics[0].pos) == "2:37");
  CHECK(r.diagnostics[0].message.find("a comma before ']'") != std::string::npos);
}

TEST_CASE("an impossible calendar date is rejected with its place", "[timeline][json][bad]") {
  const auto r = read_json("{\"patient\": {\"id\": \"x\"},\n \"sessions\": [{\"date\": \"2026-02-30\"}]}");
  REQUIRE_FALSE(r.ok());
  const Diagnostic* d = find(r, "timeline.bad_date");
  REQUIRE(d);
  CHECK(d->pointer == "/sessions/0/date");
  CHECK(at(d->pos) == "2:24");
  CHECK(d->message == "'2026-02-30' is not a valid date: February 2026 has 28 days");
}

TEST_CASE("a PHQ-9 score outside 0-27 is rejected", "[timeline][json][bad]") {
  const auto r = read_json(
      "{\"patient\": {\"id\": \"x\"}, \"assessments\": [\n"
      "  {\"date\": \"2026-01-05\", \"instrument\": \"phq9\", \"score\": 28}]}");
  REQUIRE_FALSE(r.ok());
  const Diagnostic* d = find(r, "timeline.out_of_range");
  REQUIRE(d);
  CHECK(d->pointer == "/assessments/0/score");
  CHECK(at(d->pos) == "2:57");
  CHECK(d->message == "PHQ-9 score 28 is outside its range 0-27");
}

TEST_CASE("GAD-7 has its own range, and items are checked", "[timeline][json][bad]") {
  auto r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "gad7", "score": 22}]})");
  REQUIRE(find(r, "timeline.out_of_range"));
  CHECK(find(r, "timeline.out_of_range")->message == "GAD-7 score 22 is outside its range 0-21");

  r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 5, "items": {"9": 4}}]})");
  REQUIRE(find(r, "timeline.out_of_range"));
  CHECK(find(r, "timeline.out_of_range")->pointer == "/assessments/0/items/9");

  r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "gad7", "score": 5, "items": {"8": 1}}]})");
  REQUIRE(find(r, "timeline.bad_item"));
  CHECK(find(r, "timeline.bad_item")->message == "'8' is not a GAD-7 item: items are numbered \"1\" to \"7\"");

  r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 5, "items": {"nine": 1}}]})");
  CHECK(find(r, "timeline.bad_item"));
  CHECK_FALSE(r.ok());

  // "09" is not a second name for item 9 (it could answer it twice, and raise a safety alert).
  r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 5, "items": {"9": 0, "09": 2}}]})");
  REQUIRE(find(r, "timeline.bad_item"));
  CHECK(find(r, "timeline.bad_item")->message == "'09' is not a PHQ-9 item: items are numbered \"1\" to \"9\"");
  CHECK_FALSE(r.ok());
  CHECK_FALSE(read_yaml("patient: {id: x}\nassessments: [{date: 2026-01-05, instrument: phq9, score: 5, items: {'01': 1}}]\n").ok());
}

TEST_CASE("a score must be a whole number", "[timeline][json][bad]") {
  auto r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 12.5}]})");
  CHECK(find(r, "timeline.not_integer"));
  r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": "12"}]})");
  REQUIRE(find(r, "timeline.wrong_type"));
  CHECK(find(r, "timeline.wrong_type")->message == "'score' must be an integer, found a string");
}

TEST_CASE("a missing patient id is rejected, pointing at the patient object", "[timeline][json][bad]") {
  auto r = read_json("{\"patient\": {}}");
  REQUIRE_FALSE(r.ok());
  const Diagnostic* d = find(r, "timeline.missing_field");
  REQUIRE(d);
  CHECK(d->pointer == "/patient");
  CHECK(at(d->pos) == "1:13");
  CHECK(d->message.starts_with("missing required field 'id'"));

  r = read_json("{\"sessions\": []}");
  REQUIRE(find(r, "timeline.missing_field"));
  CHECK(find(r, "timeline.missing_field")->pointer == "/");
}

TEST_CASE("the patient id is 1 to 128 characters", "[timeline][json][bad]") {
  CHECK(find(read_json(R"({"patient": {"id": ""}})"), "timeline.out_of_range"));
  CHECK(find(read_json("{\"patient\": {\"id\": \"" + std::string(129, 'a') + "\"}}"), "timeline.out_of_range"));
  CHECK(read_json("{\"patient\": {\"id\": \"" + std::string(128, 'a') + "\"}}").ok());
  CHECK(find(read_json(R"({"patient": {"id": 17}})"), "timeline.wrong_type"));
}

TEST_CASE("an array where an object belongs is a type error", "[timeline][json][bad]") {
  auto r = read_json(R"({"patient": ["p-1"]})");
  REQUIRE(find(r, "timeline.wrong_type"));
  CHECK(find(r, "timeline.wrong_type")->message == "'patient' must be an object with an 'id', found an array");
  CHECK(find(r, "timeline.wrong_type")->pointer == "/patient");

  r = read_json(R"([{"patient": {"id": "x"}}])");
  REQUIRE(find(r, "timeline.wrong_type"));
  CHECK(find(r, "timeline.wrong_type")->message == "expected the timeline to be an object, found an array");

  r = read_json(R"({"patient": {"id": "x"}, "sessions": [["2026-01-05"]]})");
  CHECK(find(r, "timeline.wrong_type")->pointer == "/sessions/0");
  r = read_json(R"({"patient": {"id": "x"}, "sessions": {"date": "2026-01-05"}})");
  CHECK(find(r, "timeline.wrong_type")->message == "'sessions' must be an array, found an object");
}

TEST_CASE("an empty input is an error, not an empty timeline", "[timeline][json][bad]") {
  CHECK(find(read_json(""), "timeline.empty"));
  CHECK(find(read_json("  \n"), "timeline.empty"));
  CHECK(find(read_json("\xEF\xBB\xBF\n"), "timeline.empty"));  // a byte order mark alone: still empty
}

TEST_CASE("a NUL byte after the document is an error at its place", "[timeline][json][bad]") {
  const auto r = read_json(std::string("{\"patient\": {\"id\": \"x\"}}\0", 25));
  REQUIRE_FALSE(r.ok());
  CHECK(at(r.diagnostics[0].pos) == "1:25");
  CHECK(r.diagnostics[0].message == "invalid JSON: a NUL byte (0x00) here: JSON text cannot hold one");
  const auto between = read_json(std::string("{\"patient\": {\"id\": \"x\"},\0\"sessions\": []}", 40));
  REQUIRE_FALSE(between.ok());
  CHECK(at(between.diagnostics[0].pos) == "1:25");
  CHECK(between.diagnostics[0].message == "invalid JSON: a NUL byte (0x00) here: JSON text cannot hold one");
}

TEST_CASE("enumerated fields accept only their values, with a suggestion", "[timeline][json][bad]") {
  auto r = read_json(R"({"patient": {"id": "x"}, "sessions": [{"date": "2026-01-05", "status": "complete"}]})");
  REQUIRE(find(r, "timeline.bad_value"));
  CHECK(find(r, "timeline.bad_value")->message ==
        "'status' is 'complete', expected one of completed, missed or cancelled (did you mean 'completed'?)");
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "conditions": [{"code": "c", "status": "remitted"}]})"), "timeline.bad_value"));
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "decisions": [{"date": "2026-01-05", "kind": "stop"}]})"), "timeline.bad_value"));
}

TEST_CASE("required fields of each event are checked", "[timeline][json][bad]") {
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "sessions": [{"status": "completed"}]})"), "timeline.missing_field"));
  auto r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9"}]})");
  REQUIRE(find(r, "timeline.missing_field"));
  CHECK(find(r, "timeline.missing_field")->message.starts_with("missing required field 'score'"));
  CHECK(find(r, "timeline.missing_field")->pointer == "/assessments/0");
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "observations": [{"date": "2026-01-05", "code": "bp"}]})"), "timeline.missing_field"));
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "observations": [{"date": "2026-01-05", "code": "bp", "value": "high"}]})"), "timeline.wrong_type"));
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "conditions": [{"status": "active"}]})"), "timeline.missing_field"));
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "decisions": [{"date": "2026-01-05"}]})"), "timeline.missing_field"));
  CHECK(find(read_json(R"({"patient": {"id": "x"}, "sessions": [{"date": "2026-01-05", "dose_mg": -1}]})"), "timeline.out_of_range"));
}

TEST_CASE("every error is reported in one run, and the timeline is rejected whole", "[timeline][json][bad]") {
  const auto r = read_json(R"({"patient": {"id": "x"}, "sessions": [{"date": "2026-02-30"}, {"date": "2026-13-01"}],
      "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 99}]})");
  CHECK_FALSE(r.ok());
  CHECK(r.diagnostics.error_count() == 3);
}

TEST_CASE("unknown fields and undeclared instruments are warnings", "[timeline][json][warn]") {
  const auto r = read_json(R"({"patient": {"id": "x", "name": "Ann"}, "sesions": [],
      "assessments": [{"date": "2026-01-05", "instrument": "madrs", "score": 30, "rater": "dr-lee"}]})");
  REQUIRE(r.ok());
  CHECK(r.diagnostics.error_count() == 0);
  const Diagnostic* typo = nullptr;
  for (const Diagnostic& d : r.diagnostics)
    if (d.pointer == "/sesions") typo = &d;
  REQUIRE(typo);
  CHECK(typo->severity == Severity::kWarning);
  CHECK(typo->message == "unknown field 'sesions' is ignored (did you mean 'sessions'?)");
  const Diagnostic* madrs = find(r, "timeline.undeclared_instrument");
  REQUIRE(madrs);
  CHECK(madrs->severity == Severity::kWarning);
  CHECK(madrs->pointer == "/assessments/0/instrument");
  CHECK(r.value->assessments[0].score == 30);  // kept, range unknown
}

TEST_CASE("warnings stop at 50, with a note of how many more there were", "[timeline][json][warn]") {
  // Each warning is placed by a pass over the file: 64,000 of them took a minute to report.
  std::string text = R"({"patient": {"id": "x"}, "sessions": [)";
  for (int i = 0; i < 3000; ++i) text += std::string(i ? "," : "") + R"({"date": "2026-01-)" + (i % 2 ? "05" : "06") + R"(", "extra": 1})";
  text += "]}";
  const auto r = read_json(text);
  REQUIRE(r.ok());
  CHECK(r.diagnostics.size() == 51);
  const Diagnostic* note = find(r, "timeline.more_warnings");
  REQUIRE(note);
  CHECK(note->message == "2950 more warnings are not shown (the first 50 are)");  // 3000 unknown fields
}

TEST_CASE("errors stop at 50, with a note of how many more there were", "[timeline][json][bad]") {
  std::string text = R"({"patient": {"id": "x"}, "sessions": [)";
  for (int i = 0; i < 60; ++i) text += std::string(i ? "," : "") + R"({"date": "2026-02-30"})";
  text += "]}";
  const auto r = read_json(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.diagnostics.size() == 51);
  const Diagnostic* note = find(r, "timeline.more_errors");
  REQUIRE(note);
  CHECK(note->severity == Severity::kError);
  CHECK(note->message == "10 more errors are not shown (the first 50 are)");
}

TEST_CASE("two completed sessions on one day are read without a warning: the evaluation gives it", "[timeline][json][warn]") {
  // Only sessions up to as_of count, so the warning is the evaluation's (evaluator_test.cc).
  const auto r = read_json(R"({"patient": {"id": "x"}, "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-05T14:00"}]})");
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
}

TEST_CASE("items that do not add up to the score are a warning", "[timeline][json][warn]") {
  const auto r = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "gad7",
      "score": 10, "items": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 1, "6": 1, "7": 1}}]})");
  REQUIRE(r.ok());
  REQUIRE(find(r, "timeline.items_mismatch"));
  CHECK(find(r, "timeline.items_mismatch")->severity == Severity::kWarning);
}

TEST_CASE("some items that add up to more than the score are a warning; less is not", "[timeline][json][warn]") {
  // A score of 0 with item 9 answered 3: the safety alert would rest on data that contradict each other.
  const auto more = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9",
      "score": 0, "items": {"9": 3}}]})");
  REQUIRE(more.ok());
  REQUIRE(find(more, "timeline.items_mismatch"));
  CHECK(find(more, "timeline.items_mismatch")->message ==
        "the 1 of 9 PHQ-9 items given add up to 3, more than the score 0; the score is used");
  CHECK(find(more, "timeline.items_mismatch")->pointer == "/assessments/0/score");
  const auto fewer = read_json(R"({"patient": {"id": "x"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9",
      "score": 12, "items": {"9": 1, "1": 3}}]})");
  REQUIRE(fewer.ok());
  CHECK_FALSE(find(fewer, "timeline.items_mismatch"));
}

TEST_CASE("a field given twice is an error", "[timeline][json][bad]") {
  const auto r = read_json(R"({"patient": {"id": "x", "id": "y"}})");
  CHECK_FALSE(r.ok());
  CHECK(find(r, "timeline.duplicate_field"));
}

TEST_CASE("the reusable reader gives the same answers line after line", "[timeline][json]") {
  JsonTimelineReader reader;
  auto good = reader.read(R"({"patient": {"id": "a"}, "sessions": [{"date": "2026-01-05"}]})", "cohort.jsonl:1");
  REQUIRE(good.ok());
  CHECK(good.value->sessions.size() == 1);
  auto bad = reader.read(R"({"patient": {"id": "b"}, "sessions": [{"date": "2026-02-30"}]})", "cohort.jsonl:2");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diagnostics[0].file == "cohort.jsonl:2");
  CHECK(at(bad.diagnostics[0].pos) == "1:48");
  auto truncated = reader.read(R"({"patient": {"id": "c"}, "sess)", "cohort.jsonl:3");
  CHECK(find(truncated, "timeline.syntax"));
  CHECK(reader.read(R"({"patient": {"id": "d"}})", "cohort.jsonl:4").ok());
}

TEST_CASE("events on the same day and time keep their input order, in arrays of any length", "[timeline][json]") {
  // Few distinct dates and times, so most events tie with others; codes long enough to live on the
  // heap name each event's input position, so a mixed-up move would show.
  const char* const kDates[] = {"2026-01-07", "2026-01-05T15:00", "2026-01-05", "2026-01-05T09:00", "2026-01-06"};
  uint32_t seed = 12345;
  for (size_t n : {2u, 7u, 64u, 65u, 150u}) {
    std::string text = R"({"patient": {"id": "x"}, "observations": [)";
    for (size_t i = 0; i < n; ++i) {
      seed = seed * 1103515245u + 12345u;
      text += fmt::format(R"({}{{"date": "{}", "code": "observation-number-{}", "value": {}}})", i ? "," : "",
                          kDates[(seed >> 16) % 5], i, i);
    }
    text += "]}";
    const auto r = read_json(text);
    REQUIRE(r.ok());
    const auto& obs = r.value->observations;
    REQUIRE(obs.size() == n);
    for (size_t i = 0; i < n; ++i) {
      INFO("n = " << n << ", place " << i);
      CHECK(obs[i].code == fmt::format("observation-number-{}", obs[i].index));
      CHECK(obs[i].value == static_cast<double>(obs[i].index));
      if (i > 0) {
        const Observation& a = obs[i - 1];
        const Observation& b = obs[i];
        const bool in_order = a.at.date != b.at.date ? a.at.date < b.at.date
                              : a.at.seconds != b.at.seconds ? a.at.seconds < b.at.seconds
                                                              : a.index < b.index;
        CHECK(in_order);
      }
    }
  }
}
