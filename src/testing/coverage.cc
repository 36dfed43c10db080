// Test coverage of a protocol. The Plan says what the evaluator ran (node indices, which the
// sink's bits are keyed by); the protocol's syntax tree, walked alongside it, says what each
// node looks like in the file (its text and file:line:col), since a Plan node keeps only the
// position of its operator.

#include "regimen/testing/coverage.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "regimen/common/json_writer.h"
#include "regimen/common/sha256.h"
#include "regimen/load/protocol_loader.h"

namespace regimen {
namespace {

// ---- the text of a sub-expression ----

// One character of a scan for parentheses: its change of depth, 0 inside a quoted string (whose
// opening quote is kept in `quote` until it closes).
int depth_change(char c, char& quote) {
  if (quote) {
    if (c == quote) quote = 0;
    return 0;
  }
  if (c == '\'' || c == '"') {
    quote = c;
    return 0;
  }
  return c == '(' ? 1 : c == ')' ? -1 : 0;
}

// After the name of a call at `from`, the end of its argument list's ')'.
size_t after_closing_paren(const std::string& text, size_t from) {
  size_t i = from;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
  if (i >= text.size() || text[i] != '(') return from;
  int depth = 0;
  char quote = 0;
  for (; i < text.size(); ++i) {
    const int change = depth_change(text[i], quote);
    depth += change;
    if (change < 0 && depth == 0) return i + 1;
  }
  return text.size();
}

// Moves `end` past the ')' that close parentheses opened in [begin, end): `not (a or b)`.
size_t balance_parens(const std::string& text, size_t begin, size_t end) {
  int depth = 0;
  char quote = 0;
  for (size_t i = begin; i < end && i < text.size(); ++i) depth += depth_change(text[i], quote);
  size_t i = end;
  while (depth > 0 && i < text.size()) {
    if (text[i] == ')') {
      --depth;
      end = ++i;
    } else if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
      ++i;
    } else {
      break;
    }
  }
  return end;
}

struct Extent {
  size_t begin = 0, end = 0;
  SourcePos pos;  ///< of begin
};

// The part of `text` an expression spans. The parser keeps, per node, the token it is named
// by (a binary's operator, a call's name), so the span is the union over the subtree.
Extent extent(const Expr& e, const std::string& text) {
  Extent x{e.offset, size_t{e.offset} + e.length, e.pos};
  for (const Expr& a : e.args) {
    const Extent y = extent(a, text);
    if (y.begin < x.begin) {
      x.begin = y.begin;
      x.pos = y.pos;
    }
    x.end = std::max(x.end, y.end);
  }
  if (e.kind == Expr::Kind::kCall) x.end = std::max(x.end, after_closing_paren(text, size_t{e.offset} + e.length));
  x.end = balance_parens(text, x.begin, x.end);
  return x;
}

// Runs of white space (folded YAML blocks keep line breaks) as one space.
std::string collapse_space(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string text_of(const Extent& x, const std::string& text) {
  if (x.begin >= text.size()) return "";
  return collapse_space(std::string_view(text).substr(x.begin, x.end - x.begin));
}

// ---- which nodes a decision can reach ----

// The expressions an evaluation without a trace runs: state initial values, transitions'
// conditions, assignments and warnings, rules' conditions, windows and summaries, and the
// facts these read. `explain` sentences are rendered only for explanations, so they are not
// counted (nor the facts only they read).
std::vector<bool> decision_nodes(const Plan& plan) {
  std::vector<bool> reached(plan.nodes.size(), false), fact_seen(plan.facts.size(), false);
  std::vector<uint32_t> stack;
  auto add = [&](const CompiledExpr& e) { stack.push_back(e.root); };
  auto add_template = [&](const std::optional<CompiledTemplate>& t) {
    if (t)
      for (const CompiledTemplate::Part& p : t->parts)
        if (p.expr) add(*p.expr);
  };
  for (const Plan::StateVar& s : plan.state)
    if (s.initial) add(*s.initial);
  for (const Plan::Transition& t : plan.transitions) {
    if (t.when) add(*t.when);
    for (const Plan::Assignment& a : t.set) add(a.value);
    add_template(t.warn);
  }
  for (const Plan::Rule& r : plan.rules) {
    if (r.when) add(*r.when);
    if (r.window) {
      add(r.window->earliest);
      add(r.window->latest);
    }
    add_template(r.summary);
  }
  while (!stack.empty()) {
    const uint32_t i = stack.back();
    stack.pop_back();
    if (i >= plan.nodes.size() || reached[i]) continue;
    reached[i] = true;
    const PlanNode& n = plan.nodes[i];
    if (n.op == Op::kFact && !fact_seen[n.index]) {
      fact_seen[n.index] = true;
      stack.push_back(plan.facts[n.index].value.root);
    }
    for (uint16_t a = 0; a < n.arg_count; ++a) stack.push_back(plan.args[n.first_arg + a]);
  }
  return reached;
}

// ---- the items ----

struct Owner {
  std::string kind, id;
  int32_t rule = -1;
};

class ItemCollector {
 public:
  ItemCollector(const Plan& plan, const CoverageSink& sink, std::vector<CoverageItem>& items)
      : plan_(plan), sink_(sink), items_(items), reached_(decision_nodes(plan)) {}

  /// A rule's or transition's condition: its outcomes, then the branches inside it.
  void condition(const Expr& e, const CompiledExpr& c, const std::string& text, const Owner& owner) {
    if (!reached_[c.root]) return;
    const Extent x = extent(e, text);
    const uint8_t bits = node_bits(c.root);
    add(CoverageItem::Kind::kCondition, x.pos, text_of(x, text), "true", owner, bits & CoverageSink::kConditionTrue);
    add(CoverageItem::Kind::kCondition, x.pos, text_of(x, text), "false", owner, bits & CoverageSink::kConditionFalse);
    branches(e, c.root, text, owner);
  }

  /// The `and`/`or` operands and `if` arms of an expression, matching syntax tree and Plan.
  void branches(const Expr& e, uint32_t node, const std::string& text, const Owner& owner) {
    if (node >= plan_.nodes.size() || !reached_[node]) return;
    const PlanNode& n = plan_.nodes[node];
    const uint8_t bits = node_bits(node);
    if ((n.op == Op::kAnd || n.op == Op::kOr) && e.kind == Expr::Kind::kBinary && e.args.size() == 2) {
      for (int side = 0; side < 2; ++side) {
        // `a and b and c` is one chain of three operands: the nested `and` reports a and b.
        if (plan_.nodes[plan_.args[n.first_arg + side]].op == n.op) continue;
        const Extent x = extent(e.args[side], text);
        const uint8_t true_bit = side == 0 ? CoverageSink::kLeftTrue : CoverageSink::kRightTrue;
        const uint8_t false_bit = side == 0 ? CoverageSink::kLeftFalse : CoverageSink::kRightFalse;
        add(CoverageItem::Kind::kOperand, x.pos, text_of(x, text), "true", owner, bits & true_bit);
        add(CoverageItem::Kind::kOperand, x.pos, text_of(x, text), "false", owner, bits & false_bit);
      }
    }
    if (n.op == Op::kIf && e.kind == Expr::Kind::kIf && e.args.size() == 3) {
      const Extent then_x = extent(e.args[1], text), else_x = extent(e.args[2], text);
      add(CoverageItem::Kind::kArm, then_x.pos, text_of(then_x, text), "then", owner, bits & CoverageSink::kThen);
      add(CoverageItem::Kind::kArm, else_x.pos, text_of(else_x, text), "else", owner, bits & CoverageSink::kElse);
    }
    // A name with fields is one syntax node but a chain of Plan nodes, a folded date() call
    // has no argument left: neither holds a branch, and the walk stops where the shapes differ.
    if (n.arg_count != e.args.size()) return;
    for (size_t i = 0; i < e.args.size(); ++i) branches(e.args[i], plan_.args[n.first_arg + i], text, owner);
  }

  void template_parts(const std::optional<Template>& t, const std::optional<CompiledTemplate>& c, const Owner& owner) {
    if (!t || !c) return;
    // Both keep the expression parts in order.
    size_t k = 0;
    for (const Template::Part& part : t->parts) {
      if (!part.is_expr) continue;
      while (k < c->parts.size() && !c->parts[k].expr) ++k;
      if (k == c->parts.size()) return;
      branches(part.expr, c->parts[k].expr->root, part.text, owner);
      ++k;
    }
  }

  void add(CoverageItem::Kind kind, SourcePos pos, std::string text, std::string outcome, const Owner& owner,
           bool covered, std::string note = "") {
    CoverageItem item;
    item.kind = kind;
    item.pos = pos;
    item.text = std::move(text);
    item.outcome = std::move(outcome);
    item.owner_kind = owner.kind;
    item.owner = owner.id;
    item.rule = owner.rule;
    item.covered = covered;
    item.note = std::move(note);
    items_.push_back(std::move(item));
  }

 private:
  uint8_t node_bits(uint32_t node) const { return node < sink_.nodes.size() ? sink_.nodes[node] : 0; }

  const Plan& plan_;
  const CoverageSink& sink_;
  std::vector<CoverageItem>& items_;
  std::vector<bool> reached_;
};

int kind_rank(CoverageItem::Kind k) { return static_cast<int>(k); }

int outcome_rank(const std::string& o) { return o == "false" || o == "else" ? 1 : 0; }

CoverageCount count(const std::vector<CoverageItem>& items, auto&& which) {
  CoverageCount c;
  for (const CoverageItem& i : items)
    if (which(i)) {
      ++c.total;
      if (i.covered) ++c.covered;
    }
  return c;
}

std::string shorten(const std::string& s, size_t max) {
  if (count_code_points(s) <= max) return s;
  std::string out;
  size_t points = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && ++points > max - 1) break;
    out += c;
  }
  return out + "…";
}

}  // namespace

double CoverageCount::percent() const {
  if (total == 0) return 100.0;
  return std::floor(1000.0 * static_cast<double>(covered) / static_cast<double>(total)) / 10.0;
}

std::string CoverageItem::message() const {
  const std::string where = owner.empty() ? "" : fmt::format(" (in {} '{}')", owner_kind, owner);
  const std::string shown = shorten(text, 70);
  switch (kind) {
    case Kind::kRule: return fmt::format("rule '{}' never fired{}", text, note.empty() ? "" : " (" + note + ")");
    case Kind::kTransition: return fmt::format("transition '{}' never taken", text);
    case Kind::kCondition: return fmt::format("condition '{}' of {} '{}' never {}", shown, owner_kind, owner, outcome);
    case Kind::kOperand: return fmt::format("branch '{}' never {}{}", shown, outcome, where);
    case Kind::kArm: return fmt::format("{} arm '{}' never taken{}", outcome, shown, where);
  }
  return "?";
}

ProtocolCoverage coverage_report(const Plan& plan, const SourceFile& source, const CoverageSink& sink,
                                 std::vector<CoverageCase> cases) {
  ProtocolCoverage out;
  out.file = plan.file;
  out.id = plan.id;
  out.version = plan.version;
  out.sha256 = sha256_hex(source.text());
  out.cases = std::move(cases);

  // The plan was compiled from this text, so its syntax tree has the same parts in the same order.
  const Result<ast::Protocol> loaded = load_protocol(source);
  ItemCollector collect(plan, sink, out.items);
  if (loaded.value) {
    const ast::Protocol& p = *loaded.value;
    for (size_t i = 0; i < p.facts.size() && i < plan.facts.size(); ++i)
      if (p.facts[i].value) collect.branches(*p.facts[i].value, plan.facts[i].value.root, p.facts[i].text.text, {"fact", plan.facts[i].name});
    for (size_t i = 0; i < p.state.size() && i < plan.state.size(); ++i)
      if (p.state[i].initial && plan.state[i].initial)
        collect.branches(*p.state[i].initial, plan.state[i].initial->root, p.state[i].initial_text->text, {"state", plan.state[i].name});
    for (size_t i = 0; i < p.transitions.size() && i < plan.transitions.size(); ++i) {
      const ast::Transition& at = p.transitions[i];
      const Plan::Transition& t = plan.transitions[i];
      const Owner owner{"transition", t.id};
      if (at.when && t.when) collect.condition(*at.when, *t.when, at.when_text->text, owner);
      for (size_t k = 0; k < at.set.size() && k < t.set.size(); ++k)
        if (at.set[k].value) collect.branches(*at.set[k].value, t.set[k].value.root, at.set[k].text.text, owner);
      collect.template_parts(at.warn, t.warn, owner);
    }
    for (size_t i = 0; i < p.rules.size() && i < plan.rules.size(); ++i) {
      const ast::Rule& ar = p.rules[i];
      const Plan::Rule& r = plan.rules[i];
      const Owner owner{"rule", r.id, static_cast<int32_t>(i)};
      if (ar.when && r.when) collect.condition(*ar.when, *r.when, ar.when_text->text, owner);
      if (ar.window && r.window) {
        if (ar.window->earliest) collect.branches(*ar.window->earliest, r.window->earliest.root, ar.window->earliest_text.text, owner);
        if (ar.window->latest) collect.branches(*ar.window->latest, r.window->latest.root, ar.window->latest_text.text, owner);
      }
      collect.template_parts(ar.summary, r.summary, owner);
    }
  }
  for (uint32_t i = 0; i < plan.transitions.size(); ++i) {
    const Plan::Transition& t = plan.transitions[i];
    collect.add(CoverageItem::Kind::kTransition, t.pos, t.id, "taken", {"transition", t.id},
                i < sink.transitions_taken.size() && sink.transitions_taken[i] > 0);
  }
  for (uint32_t i = 0; i < plan.rules.size(); ++i) {
    const Plan::Rule& r = plan.rules[i];
    const uint8_t bits = i < sink.rules.size() ? sink.rules[i] : 0;
    collect.add(CoverageItem::Kind::kRule, r.pos, r.id, "fired", {"rule", r.id, static_cast<int32_t>(i)},
                bits & CoverageSink::kFired, bits & CoverageSink::kConsidered ? "" : "no case ended in one of its phases");
  }

  std::stable_sort(out.items.begin(), out.items.end(), [](const CoverageItem& a, const CoverageItem& b) {
    if (a.pos != b.pos) return a.pos < b.pos;
    if (a.kind != b.kind) return kind_rank(a.kind) < kind_rank(b.kind);
    return outcome_rank(a.outcome) < outcome_rank(b.outcome);
  });
  out.rules_fired = count(out.items, [](const CoverageItem& i) { return i.kind == CoverageItem::Kind::kRule; });
  out.transitions_taken = count(out.items, [](const CoverageItem& i) { return i.kind == CoverageItem::Kind::kTransition; });
  out.branches = count(out.items, [](const CoverageItem& i) { return i.is_branch(); });

  for (uint32_t ri = 0; ri < plan.rules.size(); ++ri) {
    const Plan::Rule& r = plan.rules[ri];
    RuleCoverage rc;
    rc.id = r.id;
    rc.pos = r.pos;
    for (const uint32_t s : r.cites)
      rc.cites.push_back({plan.sources[s].id, plan.sources[s].title, plan.sources[s].certainty});
    for (size_t c = 0; c < out.cases.size(); ++c)
      if (std::find(out.cases[c].fired.begin(), out.cases[c].fired.end(), ri) != out.cases[c].fired.end()) rc.cases.push_back(c);
    for (size_t k = 0; k < out.items.size(); ++k) {
      const CoverageItem& item = out.items[k];
      if (item.rule != static_cast<int32_t>(ri) || !item.is_branch()) continue;
      ++rc.branches.total;
      if (item.covered) ++rc.branches.covered;
      else rc.uncovered.push_back(k);
    }
    out.rules.push_back(std::move(rc));
  }
  return out;
}

std::string coverage_text(const std::vector<ProtocolCoverage>& reports) {
  std::string out;
  auto line = [&](std::string_view what, const CoverageCount& c) {
    out += fmt::format("  {:<12}{:>5}/{:<5} {:5.1f}%\n", what, c.covered, c.total, c.percent());
  };
  for (const ProtocolCoverage& r : reports) {
    if (!out.empty()) out += "\n";
    out += fmt::format("Coverage of {} ({} {}) by {} case{}\n", r.file, r.id, r.version, r.cases.size(),
                       r.cases.size() == 1 ? "" : "s");
    line("rules", r.rules_fired);
    line("transitions", r.transitions_taken);
    line("branches", r.branches);
    bool any = false;
    for (const CoverageItem& i : r.items) {
      if (i.covered) continue;
      out += fmt::format("{}:{}:{}: {}\n", r.file, i.pos.line, i.pos.column, i.message());
      any = true;
    }
    if (!any) out += "  everything is covered\n";
  }
  return out;
}

namespace {
const char* kind_name(CoverageItem::Kind k) {
  switch (k) {
    case CoverageItem::Kind::kRule: return "rule";
    case CoverageItem::Kind::kTransition: return "transition";
    case CoverageItem::Kind::kCondition: return "condition";
    case CoverageItem::Kind::kOperand: return "branch";
    case CoverageItem::Kind::kArm: return "arm";
  }
  return "?";
}

void write_count(JsonWriter& w, std::string_view key, const CoverageCount& c) {
  w.key(key).begin_object();
  w.key("covered").value(static_cast<uint64_t>(c.covered)).key("total").value(static_cast<uint64_t>(c.total));
  w.key("percent").value(c.percent());
  w.end_object();
}
}  // namespace

void write_coverage_item_json(const CoverageItem& i, const std::string& file, JsonWriter& w) {
  w.begin_object();
  w.key("file").value(file).key("line").value(i.pos.line).key("column").value(i.pos.column);
  w.key("kind").value(kind_name(i.kind));
  w.key("text").value(i.text);
  w.key("never").value(i.outcome);
  w.key("in").begin_object().key("kind").value(i.owner_kind).key("id").value(i.owner).end_object();
  if (!i.note.empty()) w.key("note").value(i.note);
  w.key("message").value(i.message());
  w.end_object();
}

void write_coverage_json(const std::vector<ProtocolCoverage>& reports, JsonWriter& w) {
  w.begin_array();
  for (const ProtocolCoverage& r : reports) {
    w.begin_object();
    w.key("file").value(r.file);
    w.key("protocol").begin_object().key("id").value(r.id).key("version").value(r.version).end_object();
    w.key("cases").value(static_cast<uint64_t>(r.cases.size()));
    write_count(w, "rules", r.rules_fired);
    write_count(w, "transitions", r.transitions_taken);
    write_count(w, "branches", r.branches);
    w.key("uncovered").begin_array();
    for (const CoverageItem& i : r.items)
      if (!i.covered) write_coverage_item_json(i, r.file, w);
    w.end_array();
    w.end_object();
  }
  w.end_array();
}

}  // namespace regimen
