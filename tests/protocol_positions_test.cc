// Property: every node of the default protocol carries a position, so every diagnostic and
// every trace entry can point back at the file.

#include <algorithm>
#include <catch2/catch.hpp>

#include "regimen/check/checker.h"
#include "regimen/compile/compiler.h"
#include "regimen/load/protocol_loader.h"

using namespace regimen;

namespace {

size_t count_unpositioned(const Expr& e) {
  size_t n = e.pos.known() ? 0 : 1;
  for (const Expr& a : e.args) n += count_unpositioned(a);
  return n;
}

size_t count_unpositioned(const std::optional<Expr>& e) { return e ? count_unpositioned(*e) : 0; }

size_t count_unpositioned(const std::optional<Template>& t) {
  size_t n = 0;
  if (t)
    for (const auto& part : t->parts)
      if (part.is_expr) n += count_unpositioned(part.expr);
  return n;
}

}  // namespace

TEST_CASE("the default protocol compiles without errors or warnings", "[protocol]") {
  const Result<Plan> plan = build_plan(default_protocol_source());
  for (const Diagnostic& d : plan.diagnostics) UNSCOPED_INFO(render_text(d, &default_protocol_source()));
  REQUIRE(plan.ok());
  CHECK(plan.diagnostics.empty());
  CHECK(plan.value->id == "ketamine-iv-depression");
}

TEST_CASE("every node of the default protocol carries a position", "[protocol]") {
  Result<ast::Protocol> loaded = load_protocol(default_protocol_source());
  REQUIRE(loaded.ok());
  const ast::Protocol& p = *loaded.value;
  size_t nodes = 0, missing = 0;
  auto node = [&](SourcePos pos) {
    ++nodes;
    missing += pos.known() ? 0 : 1;
  };
  node(p.id.pos);
  node(p.version.pos);
  for (const auto& s : p.sources) node(s.pos), node(s.id.pos);
  for (const auto& i : p.instruments) node(i.pos);
  for (const auto& prm : p.parameters) {
    node(prm.pos);
    if (prm.default_value) node(prm.default_value->pos);
    for (const auto& c : prm.cites) node(c.pos);
  }
  for (const auto& s : p.state) node(s.pos), missing += count_unpositioned(s.initial);
  for (const auto& f : p.facts) node(f.pos), missing += count_unpositioned(f.value);
  for (const auto& ph : p.phases) node(ph.pos);
  for (const auto& t : p.transitions) {
    node(t.pos), node(t.id.pos), node(t.on.pos);
    for (const auto& f : t.from) node(f.pos);
    if (t.to) node(t.to->pos);
    missing += count_unpositioned(t.when) + count_unpositioned(t.warn);
    for (const auto& a : t.set) node(a.target.pos), missing += count_unpositioned(a.value);
  }
  for (const auto& r : p.rules) {
    node(r.pos), node(r.id.pos);
    if (r.action) node(r.action->pos);
    for (const auto& f : r.flags) node(f.pos);
    for (const auto& c : r.cites) node(c.pos);
    missing += count_unpositioned(r.when) + count_unpositioned(r.summary);
    if (r.window) missing += count_unpositioned(r.window->earliest) + count_unpositioned(r.window->latest);
  }
  CHECK(nodes > 200);
  CHECK(missing == 0);
}

TEST_CASE("an error inside a folded block scalar points at its own line", "[protocol]") {
  const std::string yaml =
      "protocol: {id: t, version: 1.0.0, title: T}\n"
      "phases: {a: {start: true, terminal: true}}\n"
      "facts:\n"
      "  f: >-\n"
      "    1 + 2\n"
      "    + nothing_here\n";
  const Result<Plan> plan = build_plan(SourceFile("t.yaml", yaml));
  REQUIRE_FALSE(plan.ok());
  REQUIRE(plan.diagnostics.size() == 1);
  CHECK(plan.diagnostics[0].code == "check.unknown_name");
  CHECK(plan.diagnostics[0].pos == SourcePos{6, 7});
}

TEST_CASE("a protocol file that is not UTF-8, or holds two documents, is rejected at the place", "[protocol]") {
  const std::string head = "protocol: {id: t, version: 1.0.0, title: T}\n";
  const Result<Plan> bad_byte = build_plan(SourceFile("t.yaml", head + "phases: {a: {start: true, terminal: true, note: \"caf\xe9\"}}\n"));
  REQUIRE_FALSE(bad_byte.ok());
  CHECK(bad_byte.diagnostics[0].code == "load.yaml_syntax");
  CHECK(bad_byte.diagnostics[0].pos == SourcePos{2, 53});
  CHECK(bad_byte.diagnostics[0].message.find("not valid UTF-8 (byte 0xE9") != std::string::npos);
  const Result<Plan> two = build_plan(SourceFile("t.yaml", head + "phases: {a: {start: true, terminal: true}}\n---\n" + head));
  REQUIRE_FALSE(two.ok());
  CHECK(two.diagnostics[0].pos.line == 4);
  CHECK(two.diagnostics[0].message.find("more than one YAML document") != std::string::npos);
}

TEST_CASE("an error after an escape in a double-quoted scalar points at its own column", "[protocol]") {
  // "\t" and "\u2014" make one character each of the value from two and six of the file.
  for (const auto& [fact, column] : std::vector<std::pair<std::string, uint32_t>>{
           {R"(  f: "'a\tb' == nothing_here")", 17},
           {R"(  f: "'\u2014' == nothing_here")", 19},
           {R"(  f: "'\x41\"' == nothing_here")", 19},
           {"  f: \"'a\\\n    b' == nothing_here\"", 11}}) {  // on the next line
    const std::string yaml = "protocol: {id: t, version: 1.0.0, title: T}\nphases: {a: {start: true, terminal: true}}\nfacts:\n" + fact + "\n";
    INFO(fact);
    const Result<Plan> plan = build_plan(SourceFile("t.yaml", yaml));
    REQUIRE_FALSE(plan.ok());
    REQUIRE(plan.diagnostics.size() == 1);
    CHECK(plan.diagnostics[0].code == "check.unknown_name");
    CHECK(plan.diagnostics[0].pos.column == column);
  }
}

TEST_CASE("a long expression on one line compiles in linear time", "[protocol]") {
  // Each position used to be counted from the start of its line: a 100 KB string took seconds.
  const std::string chain = "'" + std::string(200000, 'x') + "' ==";
  const std::string yaml = "protocol: {id: t, version: 1.0.0, title: T}\nphases: {a: {start: true, terminal: true}}\nfacts:\n  f: \"" +
                           chain + " nothing_here\"\n";
  const Result<Plan> plan = build_plan(SourceFile("t.yaml", yaml));
  REQUIRE_FALSE(plan.ok());
  REQUIRE(plan.diagnostics.size() >= 1);
  CHECK(plan.diagnostics[0].pos.column == 7 + chain.size() + 1);  // after the quote, the string and a space
}

TEST_CASE("a non-ASCII character in an expression is named by its code point", "[protocol]") {
  const std::string yaml =
      "protocol: {id: t, version: 1.0.0, title: T}\nphases: {a: {start: true, terminal: true}}\nfacts:\n"
      "  f: \"1 \xC2\xA0+ 2\"\n";  // a no-break space
  const Result<Plan> plan = build_plan(SourceFile("t.yaml", yaml));
  REQUIRE_FALSE(plan.ok());
  REQUIRE(plan.diagnostics.size() == 1);
  CHECK(plan.diagnostics[0].message == "unexpected character '\xC2\xA0' (U+00A0), a space that is not a plain space: retype it");
  CHECK(plan.diagnostics[0].pos == SourcePos{4, 9});
  CHECK(plan.diagnostics[0].width == 1);
}

TEST_CASE("an empty value is reported after its key's colon, not at the next line", "[protocol]") {
  const std::string yaml =
      "protocol: {id: t, version: 1.0.0, title: T}\n"
      "phases: {a: {start: true, terminal: true}}\n"
      "rules:\n"
      "  - id: r\n"
      "    when:   # to be written\n"
      "    # still to do\n"
      "    action: review\n"
      "    summary: s\n";
  const Result<Plan> plan = build_plan(SourceFile("t.yaml", yaml));
  REQUIRE_FALSE(plan.ok());
  const auto empty = std::find_if(plan.diagnostics.begin(), plan.diagnostics.end(), [](const Diagnostic& d) {
    return d.message == "a condition must be a single value, found nothing";
  });
  REQUIRE(empty != plan.diagnostics.end());
  CHECK(empty->pos == SourcePos{5, 10});  // after "when:", above the comments
}
