// YAML mistakes are reported where the author made them: an unclosed '[' or '{' at the bracket,
// not lines below where the parser gave up; a quote never closed at the quote, not as a strange
// value. And valid YAML with quotes and brackets in odd places is still read.
#include "../src/load/yaml_parse.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using regimen::Diagnostics;
using regimen::SourceFile;

namespace {

Diagnostics errors_of(const std::string& text) {
  Diagnostics d;
  const std::optional<YAML::Node> node = regimen::load::parse_yaml(SourceFile("p.yaml", text), "load.yaml_syntax", d);
  CHECK(node.has_value() == d.empty());
  return d;
}

/// `text` has exactly one YAML error, at line:column, whose message holds `words`.
void one_error_at(const std::string& text, uint32_t line, uint32_t column, const std::string& words) {
  const Diagnostics d = errors_of(text);
  REQUIRE(d.size() == 1);
  CHECK(d[0].code == "load.yaml_syntax");
  CHECK(d[0].pos.line == line);
  CHECK(d[0].pos.column == column);
  CHECK_THAT(d[0].message, Catch::Contains(words));
}

}  // namespace

TEST_CASE("an unclosed '[' is reported at the bracket", "[yaml]") {
  one_error_at("protocol:\n  id: x\nparameters:\n  a: [1, 2\n  b: 3\n", 4, 6,
               "this '[' is not closed by a ']' (the parser gave up at line 5");
}

TEST_CASE("a '{' closed by a ']' is reported at the brace", "[yaml]") {
  one_error_at("a: [1, {x: 2, y: 3]\nb: 4\n", 1, 8, "this '{' is closed by the ']' at line 1, column 19");
}

TEST_CASE("brackets in quotes and comments are not counted", "[yaml]") {
  // The inner '[' of line 3 is the one still open.
  one_error_at("# a [ in a comment\na: \"[\" # and ] here\nb: ['x]', [1, 2\nc: 3\n", 3, 11, "this '[' is not closed");
}

TEST_CASE("a quote never closed is reported at the quote", "[yaml]") {
  one_error_at("protocol:\n  id: x\n  version: \"1.0.0\nparameters:\n  b: 3\n", 3, 12,
               "the double quote opened here is never closed");
  one_error_at("a: 1\nb: 'it''s\nc: 2\n", 2, 4, "the single quote opened here is never closed");
}

TEST_CASE("valid YAML with quotes and brackets in odd places is read", "[yaml]") {
  CHECK(errors_of("a: 'it''s'\nb: \"say \\\"hi\\\" \\\\\"\nc: \"two\n  lines\"\n\"quoted key\": [1, {x: \"]\"}]\n").empty());
  CHECK(errors_of("note: he said \"hi\nsee: refs 1] and [2 {\n").empty());  // quotes and brackets inside plain text
  CHECK(errors_of("text: |\n  \"a line that starts with a quote\n  and [ a bracket\nnext: 1\n").empty());
  CHECK(errors_of("list:\n  - \"a\"\n  - 'b'\n  - [c, 'd, e']\n").empty());
}

TEST_CASE("a quote that swallows the closing bracket is reported at the quote", "[yaml]") {
  one_error_at("a: [\"x, y]\nb: 1\n", 1, 5, "the double quote opened here is never closed");
}

TEST_CASE("a byte-order mark does not shift the places the checks look at", "[yaml]") {
  // yaml-cpp counts positions after the mark, which the text keeps.
  CHECK(errors_of("\xEF\xBB\xBFpatient:\n  \"id\": p-bom\n").empty());
  CHECK(errors_of("\xEF\xBB\xBF\"k\": v\n").empty());
  one_error_at("\xEF\xBB\xBF" "a: 1\nb: 'x\n", 2, 4, "the single quote opened here is never closed");
}

TEST_CASE("aliases are checked once, not followed", "[yaml]") {
  // An alias is its anchor's node: following them would loop on a self-reference and take
  // exponential time on nested ones.
  CHECK(errors_of("patient:\n  id: p\nextra: &x [*x]\n").empty());
  std::string laughs = "a: &a [\"lol\", 'lol']\n";
  for (char level = 'b'; level <= 'p'; ++level) {
    laughs += fmt::format("{0}: &{0} [", level);
    for (int k = 0; k < 10; ++k) laughs += fmt::format("{}*{}", k ? ", " : "", static_cast<char>(level - 1));
    laughs += "]\n";
  }
  CHECK(errors_of(laughs).empty());  // 10^15 paths through the aliases; returns at once
}

TEST_CASE("a key written without its ':' is reported on its own line, not the next", "[yaml]") {
  one_error_at("rule:\n  id: r\n  flags [a, b]\n  summary: s\n", 3, 8, "a ':' is missing after the key on this line");
  one_error_at("protocol: {id: t}\nphases\n  intake:\n    start: true\n", 2, 7, "a ':' is missing");
  one_error_at("rule:\n  when:x.y\n  # a comment\n\n  flags: [a]\n", 2, 7, "a space is needed after this ':'");
  // A mistake of another kind keeps yaml-cpp's report where it stopped.
  one_error_at("rule:\n  id: r\n   summary: s\n", 3, 11, "illegal map value");
}
