#include <catch2/catch.hpp>

#include "regimen/common/utf8.h"

#include "regimen/common/diagnostic.h"
#include "regimen/common/suggest.h"

using namespace regimen;

TEST_CASE("a diagnostic renders like a compiler error, with the line and a caret", "[diagnostic]") {
  const SourceFile src("rules/x.yaml", "id: x\n  when: phq9.baselin - phq9.latest >= 5\n");
  Diagnostic d{Severity::kError, "check.unknown_name", "rules/x.yaml", {2, 9}, 12, "",
               "unknown fact 'phq9.baselin' (did you mean 'phq9.baseline'?)"};
  CHECK(render_text(d, &src) ==
        "rules/x.yaml:2:9: error: unknown fact 'phq9.baselin' (did you mean 'phq9.baseline'?)\n"
        "  when: phq9.baselin - phq9.latest >= 5\n"
        "        ^~~~~~~~~~~~\n");  // 12 characters underlined
}

TEST_CASE("the caret counts characters, not bytes", "[diagnostic]") {
  const SourceFile src("t.json", "{\"note\": \"é\", \"x\": 1}\n");
  CHECK(src.position_of(src.text().find("\"x\"")) == SourcePos{1, 15});
}

TEST_CASE("the quoted line shows control characters and bytes that are not UTF-8 as '?'", "[diagnostic]") {
  // A NUL, an escape and a 0xFF would otherwise reach the terminal as they are; the caret stays under
  // its character (é is kept: it is UTF-8).
  const SourceFile src("t.yaml", std::string("id: \"\xC3\xA9\x1B[2J\xFF\" \0x\n", 16));
  Diagnostic d{Severity::kError, "timeline.syntax", "t.yaml", src.position_of(14), 1, "", "a NUL"};
  CHECK(render_text(d, &src) == "t.yaml:1:14: error: a NUL\n"
                                "id: \"\xC3\xA9?[2J?\" ?x\n"
                                "             ^\n");
}

TEST_CASE("a field for a table shows a tab as '?'; a source line keeps its tabs for the caret", "[diagnostic]") {
  CHECK(printable("p-1\tx") == "p-1?x");  // a tab in a patient id would break a table's columns
  CHECK(printable("p-1\tx", /*keep_tabs=*/true) == "p-1\tx");
  const SourceFile src("t.yaml", "id:\t\x1B\n");
  Diagnostic d{Severity::kError, "timeline.syntax", "t.yaml", src.position_of(4), 1, "", "an escape"};
  CHECK(render_text(d, &src) == "t.yaml:1:5: error: an escape\nid:\t?\n   \t^\n");
}

TEST_CASE("a cohort line too long to read whole is shown around the column, cut with an ellipsis", "[diagnostic]") {
  const std::string line = std::string(100, 'a') + "BAD" + std::string(100, 'z');
  Diagnostic d{Severity::kError, "timeline.bad_date", "c.jsonl", {7, 101}, 1, "", "bad"};
  CHECK(render_text(d, line) == "c.jsonl:7:101: error: bad\n"
                                "\u2026" + std::string(40, 'a') + "BAD" + std::string(38, 'z') + "\u2026\n" +
                                std::string(41, ' ') + "^\n");
  // A short line is shown whole.
  Diagnostic near{Severity::kError, "timeline.bad_date", "c.jsonl", {2, 5}, 1, "", "bad"};
  CHECK(render_text(near, std::string_view("{\"a\": 1}")) == "c.jsonl:2:5: error: bad\n{\"a\": 1}\n    ^\n");
}

TEST_CASE("a diagnostic without a position names only the file", "[diagnostic]") {
  Diagnostic d{Severity::kWarning, "timeline.unknown_field", "t.json", {}, 1, "/foo", "unknown field 'foo' is ignored"};
  CHECK(render_text(d, nullptr) == "t.json: warning: unknown field 'foo' is ignored (at /foo)\n");
}

TEST_CASE("diagnostics render as the contract's JSON", "[diagnostic]") {
  Diagnostics ds;
  ds.add({Severity::kError, "timeline.out_of_range", "t.json", {3, 12}, 1, "/assessments/0/score", "PHQ-9 score 28 is outside its range 0-27"});
  CHECK(render_json(ds) ==
        R"({"errors":[{"file":"t.json","line":3,"column":12,"severity":"error","code":"timeline.out_of_range",)"
        R"("message":"PHQ-9 score 28 is outside its range 0-27","pointer":"/assessments/0/score"}]})"
        "\n");
}

TEST_CASE("did-you-mean suggests plausible typos only", "[diagnostic]") {
  const std::string_view names[] = {"sessions", "assessments", "observations"};
  CHECK(closest_match("sesions", names) == "sessions");
  CHECK(closest_match("Assessments", names) == "assessments");
  CHECK_FALSE(closest_match("weather", names));
}

TEST_CASE("edit distance counts insertions, deletions, substitutions and neighbour swaps", "[diagnostic]") {
  CHECK(edit_distance("wehn", "when") == 1);  // one swap
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // optimal string alignment: a swapped pair is not edited again
  CHECK(edit_distance("phq9.baselin", "phq9.baseline") == 1);
}

TEST_CASE("a very long unknown word gets no suggestion, and a close one still does", "[diagnostic]") {
  // (A 70,000-character name in a protocol took seconds and a gigabyte against every declared
  // name; that the search now skips such candidates is not timed here: CI does not gate on time.)
  const std::string word(200000, 'x');
  const std::string_view names[] = {"sessions", "assessments", "observations", "xxxxxxxx"};
  CHECK_FALSE(closest_match(word, names));
  CHECK(closest_match(std::string(9, 'x'), names) == "xxxxxxxx");
}
