// The expression parser: precedence, literals, positions, and the messages of syntax errors.

#include <catch2/catch.hpp>

#include "regimen/load/expr_parser.h"

using namespace regimen;

namespace {

EmbeddedText text_at(const std::string& s, uint32_t line = 3, uint32_t column = 11) {
  EmbeddedText t;
  t.text = s;
  for (size_t i = 0; i <= s.size(); ++i) t.positions.push_back(SourcePos{line, column + static_cast<uint32_t>(i)});
  t.pos = SourcePos{line, column};
  return t;
}

std::string parsed(const std::string& s) {
  Diagnostics d;
  auto e = parse_expression(text_at(s), "p.yaml", d);
  return e ? to_source(*e) : "error: " + d[0].message;
}

}  // namespace

TEST_CASE("operators bind as documented", "[expr]") {
  CHECK(parsed("a + b * c") == "(a + (b * c))");
  CHECK(parsed("a - b - c") == "((a - b) - c)");
  CHECK(parsed("a < b and c or d") == "(((a < b) and c) or d)");
  CHECK(parsed("not a and b") == "((not a) and b)");
  CHECK(parsed("-a * b") == "((-a) * b)");
  CHECK(parsed("(a + b) * c") == "((a + b) * c)");
  CHECK(parsed("if a then 1 else if b then 2 else 3") == "(if a then 1 else (if b then 2 else 3))");
  CHECK(parsed("x in ['a', 'b']") == "(x in ['a', 'b'])");
}

TEST_CASE("literals: numbers, durations, strings, booleans, unknown", "[expr]") {
  CHECK(parsed("3") == "3");
  CHECK(parsed("2.5") == "2.5");
  CHECK(parsed("3d") == "3d");
  CHECK(parsed("2w") == "14d");
  CHECK(parsed("'partial'") == "'partial'");
  CHECK(parsed("\"x\"") == "'x'");
  CHECK(parsed("true") == "true");
  CHECK(parsed("unknown") == "unknown");
}

TEST_CASE("dotted names, calls and fields", "[expr]") {
  CHECK(parsed("params.series.target_sessions") == "params.series.target_sessions");
  CHECK(parsed("latest(phq9).score") == "latest(phq9).score");
  CHECK(parsed("latest(phq9, series.first).date + 14d") == "(latest(phq9, series.first).date + 14d)");
  CHECK(parsed("session_count()") == "session_count()");
}

TEST_CASE("every node knows its column in the file", "[expr]") {
  Diagnostics d;
  auto e = parse_expression(text_at("phq9.baseline - phq9.latest >= 5"), "p.yaml", d);
  REQUIRE(e);
  CHECK(e->name == ">=");
  CHECK(e->pos == SourcePos{3, 39});                 // the operator
  CHECK(e->args[0].args[0].pos == SourcePos{3, 11});  // phq9.baseline
  CHECK(e->args[0].args[1].pos == SourcePos{3, 27});  // phq9.latest
  CHECK(e->args[1].pos == SourcePos{3, 42});          // 5
}

TEST_CASE("syntax errors say what was expected, where", "[expr]") {
  auto error_of = [](const std::string& s) {
    Diagnostics d;
    auto e = parse_expression(text_at(s, 1, 1), "p.yaml", d);
    REQUIRE_FALSE(e);
    REQUIRE(d.size() == 1);
    return std::to_string(d[0].pos.column) + ": " + d[0].message;
  };
  CHECK(error_of("(a + b") == "7: expected ')' to close the '(' at column 1, found the end of the expression");
  CHECK(error_of("a = 1") == "3: '=' is not an operator here: write '==' to compare");
  CHECK(error_of("a && b") == "3: '&' is not an operator: write 'and' / 'or'");
  CHECK(error_of("3x") == "1: '3x' is not a number or a duration: durations are whole days or weeks, written like 3d or 2w");
  CHECK(error_of("if a then b") == "12: expected 'else' after 'if … then …', found the end of the expression: every 'if' needs an 'else'");
  CHECK(error_of("a < b < c") == "7: comparisons cannot be chained: write 'a < b and b < c'");
  CHECK(error_of("f(a b)") == "5: expected ',' or ')' in the arguments of f(), found 'b'");
  CHECK(error_of("'open") == "1: this string has no closing quote (')");
  CHECK(error_of("") == "1: expected an expression, found nothing");
  CHECK(error_of("a b") == "3: unexpected 'b' after the end of the expression");
}

TEST_CASE("templates hold text and expressions", "[expr]") {
  Diagnostics d;
  auto t = parse_template(text_at("Session {n + 1} of {total}, {{literal}}"), "p.yaml", d);
  REQUIRE(t);
  REQUIRE(t->parts.size() == 5);
  CHECK(t->parts[0].text == "Session ");
  CHECK(t->parts[1].is_expr);
  CHECK(t->parts[1].text == "n + 1");
  CHECK(t->parts[1].expr.args[0].pos == SourcePos{3, 20});  // n
  CHECK(t->parts[4].text == ", {literal}");

  Diagnostics bad;
  CHECK_FALSE(parse_template(text_at("due {date"), "p.yaml", bad));
  CHECK(bad[0].code == "parse.template");

  // A brace inside a quoted string does not close the expression; an apostrophe in the text is text.
  Diagnostics quoted;
  auto q = parse_template(text_at("it's {if c then '}' else \"{\"} now"), "p.yaml", quoted);
  REQUIRE(q);
  REQUIRE(q->parts.size() == 3);
  CHECK(q->parts[0].text == "it's ");
  CHECK(q->parts[1].text == "if c then '}' else \"{\"");
  CHECK(q->parts[2].text == " now");
  // An escaped quote stays inside its string, as the lexer reads it.
  Diagnostics escaped;
  auto x = parse_template(text_at("It {if c then 'isn\\'t' else 'is'} fine."), "p.yaml", escaped);
  REQUIRE(x);
  REQUIRE(x->parts.size() == 3);
  CHECK(x->parts[1].text == "if c then 'isn\\'t' else 'is'");
  CHECK(x->parts[1].expr.args[1].string_value == "isn't");
}

TEST_CASE("an expression nested thousands deep is an error, not a stack overflow", "[expr]") {
  // Every later stage walks the tree recursively, as the parser does: the parser bounds its depth.
  auto code_of = [](const std::string& s) {
    Diagnostics d;
    auto e = parse_expression(text_at(s, 1, 1), "p.yaml", d);
    return e ? std::string("ok") : d[0].code;
  };
  auto repeat = [](const std::string& piece, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += piece;
    return out;
  };
  CHECK(code_of(repeat("(", 5000) + "1" + repeat(")", 5000)) == "parse.too_deep");
  CHECK(code_of(repeat("-", 20000) + "1") == "parse.too_deep");
  CHECK(code_of(repeat("not ", 5000) + "true") == "parse.too_deep");
  CHECK(code_of("true" + repeat(" and true", 20000)) == "parse.too_deep");
  CHECK(code_of("f(x)" + repeat(" .f", 5000)) == "parse.too_deep");  // a space keeps the fields apart
  // Long but ordinary conditions are fine.
  CHECK(code_of("true" + repeat(" and true", 200)) == "ok");
  CHECK(code_of(repeat("(", 100) + "1" + repeat(")", 100)) == "ok");
}
