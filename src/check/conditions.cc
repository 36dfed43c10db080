#include "conditions.h"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

#include "regimen/protocol/expr_text.h"
#include "regimen/check/builtins.h"

namespace regimen::check {
namespace {

// A bound on how many ways one condition is followed; past it, the ways are merged into what
// they all share (a weaker condition, so a "never" stays certain).
constexpr size_t kMaxWays = 128;
constexpr int kMaxFactDepth = 64;

bool is_comparison(const std::string& op) {
  return op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
}

// `not (a op b)` is true exactly when `a op' b` is: both sides known, the other outcome.
std::string negated(const std::string& op) {
  if (op == "<") return ">=";
  if (op == "<=") return ">";
  if (op == ">") return "<=";
  if (op == ">=") return "<";
  if (op == "==") return "!=";
  return "==";
}

// `a op b` as `b op' a`.
std::string flipped(const std::string& op) {
  if (op == "<") return ">";
  if (op == "<=") return ">=";
  if (op == ">") return "<";
  if (op == ">=") return "<=";
  return op;
}

// The outcomes of comparing two values an operator accepts: less, equal, greater.
constexpr unsigned kLess = 1, kEqual = 2, kGreater = 4;
unsigned outcomes(const std::string& op) {
  if (op == "<") return kLess;
  if (op == "<=") return kLess | kEqual;
  if (op == ">") return kGreater;
  if (op == ">=") return kGreater | kEqual;
  if (op == "==") return kEqual;
  return kLess | kGreater;
}
unsigned swapped(unsigned m) { return (m & kEqual) | ((m & kLess) ? kGreater : 0) | ((m & kGreater) ? kLess : 0); }

std::string identity(const Literal& l) {
  return fmt::format("{}{}{}", l.kind == Literal::Kind::kAtom ? "a" : "c", l.positive ? "+" : "-", l.key);
}

Disjunction shared_part(const Disjunction& d) {
  if (d.size() <= 1) return d;
  Conjunction common;
  for (const Literal& l : d.front()) {
    const std::string id = identity(l);
    const bool everywhere = std::all_of(d.begin() + 1, d.end(), [&](const Conjunction& c) {
      return std::any_of(c.begin(), c.end(), [&](const Literal& x) { return identity(x) == id; });
    });
    if (everywhere) common.push_back(l);
  }
  return {common};
}

Disjunction either(Disjunction a, Disjunction b) {
  for (Conjunction& c : b) a.push_back(std::move(c));
  return a.size() > kMaxWays ? shared_part(a) : a;
}

Disjunction both(Disjunction a, Disjunction b) {
  if (a.size() * b.size() > kMaxWays) (a.size() >= b.size() ? a : b) = shared_part(a.size() >= b.size() ? a : b);
  if (a.size() * b.size() > kMaxWays) a = shared_part(a), b = shared_part(b);
  Disjunction out;
  for (const Conjunction& x : a)
    for (const Conjunction& y : b) {
      Conjunction c = x;
      c.insert(c.end(), y.begin(), y.end());
      out.push_back(std::move(c));
    }
  return out;
}

const Disjunction kAlways{Conjunction{}};

std::string quoted(const Literal& l) {
  return quote_expr(l.text()) + (l.via.empty() ? "" : fmt::format(" (in {})", l.via));
}

std::string quoted_all(const std::vector<const Literal*>& ls) {
  std::string out;
  for (size_t i = 0; i < ls.size(); ++i) out += (i == 0 ? "" : i + 1 == ls.size() ? " and " : ", ") + quoted(*ls[i]);
  return out;
}

std::string one_of(const std::set<std::string>& values) {
  if (values.empty()) return "never known";
  std::string out = values.size() == 1 ? "always " : "one of ";
  bool first = true;
  for (const std::string& v : values) out += (first ? "'" : ", '") + v + "'", first = false;
  return out;
}

// The terms that must be known for `e` to be known: itself and what strict operations read.
void strict_subterms(const Expr& e, std::vector<std::string>& out) {
  if (e.kind == Expr::Kind::kLiteral) return;
  out.push_back(expr_text(e));
  if (e.kind == Expr::Kind::kName && !e.fields.empty()) {
    size_t cut = e.name.size();
    for (const std::string& f : e.fields) cut -= f.size() + 1;
    out.push_back(e.name.substr(0, cut));
  }
  const bool strict = e.kind == Expr::Kind::kField || (e.kind == Expr::Kind::kUnary && e.name == "-") ||
                      (e.kind == Expr::Kind::kBinary && (e.name == "+" || e.name == "-" || e.name == "*" || e.name == "/"));
  if (strict)
    for (const Expr& a : e.args) strict_subterms(a, out);
}

bool whole_numbers(Type t) { return t == Type::kInt || t == Type::kDuration; }
bool is_numeric_like(Type t) { return t == Type::kInt || t == Type::kNumber || t == Type::kDuration; }

// The values x can take when `x op y` holds and y is within `y_range`.
Interval bound(const std::string& op, const Interval& y) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (y.empty()) return Interval::none();
  if (op == "<") return {-kInf, y.hi, false, true};
  if (op == "<=") return {-kInf, y.hi, false, y.hi_open};
  if (op == ">") return {y.lo, kInf, true, false};
  if (op == ">=") return {y.lo, kInf, y.lo_open, false};
  if (op == "==") return y;
  return Interval::all();
}

}  // namespace

std::string Literal::text() const {
  if (!display.empty()) return display;
  if (kind == Kind::kCompare) return key;
  return positive ? key : "not " + key;
}

ConditionAnalyzer::ConditionAnalyzer(const ast::Protocol& protocol) : protocol_(protocol), values_(protocol) {}

Disjunction ConditionAnalyzer::when_true(const Expr& e) { return ways(e, true, nullptr, "", 0); }

Literal ConditionAnalyzer::atom(const Expr& e, bool want, const Expr* anchor, const std::string& via) {
  Literal l;
  l.kind = Literal::Kind::kAtom;
  l.key = expr_text(e);
  l.positive = want;
  l.anchor = anchor ? anchor : &e;
  l.via = via;
  if (e.kind == Expr::Kind::kCall && e.name == "known" && e.args.size() == 1) l.known_of = expr_text(e.args[0]);
  return l;
}

Disjunction ConditionAnalyzer::ways(const Expr& e, bool want, const Expr* anchor, const std::string& via, int depth) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      if (e.literal_type == Type::kBool) return e.bool_value == want ? kAlways : Disjunction{};
      if (e.literal_type == Type::kError) return {};  // `unknown` is neither true nor false
      return kAlways;
    case Expr::Kind::kUnary:
      if (e.name == "not") return ways(e.args[0], !want, anchor, via, depth);
      return kAlways;
    case Expr::Kind::kBinary: {
      const std::string& op = e.name;
      if (op == "and" || op == "or") {
        Disjunction a = ways(e.args[0], want, anchor, via, depth), b = ways(e.args[1], want, anchor, via, depth);
        return (op == "and") == want ? both(std::move(a), std::move(b)) : either(std::move(a), std::move(b));
      }
      if (is_comparison(op)) {
        Literal l;
        l.kind = Literal::Kind::kCompare;
        l.lhs = &e.args[0];
        l.rhs = &e.args[1];
        l.op = want ? op : negated(op);
        l.key = expr_text(*l.lhs) + " " + l.op + " " + expr_text(*l.rhs);
        l.anchor = anchor ? anchor : &e;
        l.via = via;
        return {Conjunction{l}};
      }
      return {Conjunction{atom(e, want, anchor, via)}};
    }
    case Expr::Kind::kIf:
      return either(both(ways(e.args[0], true, anchor, via, depth), ways(e.args[1], want, anchor, via, depth)),
                    both(ways(e.args[0], false, anchor, via, depth), ways(e.args[2], want, anchor, via, depth)));
    case Expr::Kind::kCall:
      if (e.name == "coalesce" && e.args.size() == 2) {
        // coalesce(x, y) is x when x is known, else y.
        Literal unknown_x;
        unknown_x.kind = Literal::Kind::kAtom;
        unknown_x.key = "known(" + expr_text(e.args[0]) + ")";
        unknown_x.known_of = expr_text(e.args[0]);
        unknown_x.positive = false;
        unknown_x.anchor = anchor ? anchor : &e;
        unknown_x.via = via;
        return either(ways(e.args[0], want, anchor, via, depth),
                      both({Conjunction{unknown_x}}, ways(e.args[1], want, anchor, via, depth)));
      }
      return {Conjunction{atom(e, want, anchor, via)}};
    case Expr::Kind::kName:
      if (e.symbol_kind == SymbolKind::kFact && e.fields.empty() && depth < kMaxFactDepth) {
        const ast::Fact& f = protocol_.facts[static_cast<size_t>(e.symbol)];
        if (f.value && f.value->type == Type::kBool) {
          // The fact is true (or false) only when it is known; saying so keeps the link with
          // known(fact) and coalesce(fact, …) elsewhere.
          Literal is_known;
          is_known.kind = Literal::Kind::kAtom;
          is_known.key = "known(" + e.name + ")";
          is_known.known_of = e.name;
          is_known.anchor = anchor ? anchor : &e;
          is_known.via = via;
          is_known.display = want ? e.name : "not " + e.name;
          return both(ways(*f.value, want, anchor ? anchor : &e, via.empty() ? e.name : via, depth + 1),
                      {Conjunction{is_known}});
        }
      }
      return {Conjunction{atom(e, want, anchor, via)}};
    default: return {Conjunction{atom(e, want, anchor, via)}};
  }
}

namespace {

// What one conjunction has said so far about each term.
struct Term {
  AbstractValue own;         ///< what the term can be on its own
  Interval range;            ///< own.number, narrowed by the comparisons so far
  std::optional<std::set<std::string>> allowed;  ///< own.strings, narrowed by == and !=
  std::vector<const Literal*> by;  ///< the comparisons that narrowed it
  bool literal = false;
  Type type = Type::kError;
};

}  // namespace

std::optional<Contradiction> ConditionAnalyzer::contradiction(const Conjunction& c) {
  std::map<std::string, const Literal*> atoms, known, unknown;
  std::map<std::string, Term> terms;
  std::map<std::pair<std::string, std::string>, std::pair<unsigned, std::vector<const Literal*>>> relations;

  auto term = [&](const Expr& e) -> Term& {
    const std::string key = expr_text(e);
    auto it = terms.find(key);
    if (it != terms.end()) return it->second;
    Term t;
    t.own = values_.eval(e);
    t.type = e.type;
    t.literal = e.kind == Expr::Kind::kLiteral;
    t.range = whole_numbers(e.type) ? t.own.number.whole() : t.own.number;
    t.allowed = t.own.strings;
    return terms.emplace(key, std::move(t)).first->second;
  };
  auto must_be_known = [&](const std::string& what, const Literal& l) -> std::optional<Contradiction> {
    known.emplace(what, &l);
    if (auto u = unknown.find(what); u != unknown.end())
      return Contradiction{&l, fmt::format("{} needs {} to be known, but {} says it is not", quoted(l), what, quoted(*u->second))};
    return std::nullopt;
  };

  for (const Literal& l : c) {
    if (l.kind == Literal::Kind::kAtom) {
      const std::string key = l.key;
      if (auto it = atoms.find(key); it != atoms.end() && it->second->positive != l.positive)
        return Contradiction{&l, fmt::format("{} contradicts {}", quoted(l), quoted(*it->second))};
      atoms.emplace(key, &l);
      if (l.known_of.empty()) {
        if (auto r = must_be_known(l.key, l)) return r;  // true or false, a yes/no value is known
      } else if (l.positive) {
        known.emplace(l.known_of, &l);
      } else {
        unknown.emplace(l.known_of, &l);
        if (auto k = known.find(l.known_of); k != known.end())
          return Contradiction{&l, fmt::format("{} contradicts {}, which needs {} to be known", quoted(l), quoted(*k->second), l.known_of)};
      }
      continue;
    }

    // A comparison is true only when both sides are known.
    std::vector<std::string> needed;
    strict_subterms(*l.lhs, needed);
    strict_subterms(*l.rhs, needed);
    for (const std::string& n : needed)
      if (auto r = must_be_known(n, l)) return r;

    Term& a = term(*l.lhs);
    Term& b = term(*l.rhs);
    const std::string a_text = expr_text(*l.lhs), b_text = expr_text(*l.rhs);
    auto describe_sides = [&](bool strings) {
      std::vector<std::string> parts;
      for (const auto* side : {&a, &b}) {
        if (side->literal || (strings ? !side->own.strings : side->own.number.is_all())) continue;
        const std::string& name = side == &a ? a_text : b_text;
        parts.push_back(name + " is " + (strings ? one_of(*side->own.strings) : describe(side->own.number, side->type)));
      }
      return parts.size() == 2 ? parts[0] + ", and " + parts[1] : parts.empty() ? std::string() : parts[0];
    };
    auto conflict = [&](bool alone, bool strings) {
      std::vector<const Literal*> before = a.by;
      for (const Literal* x : b.by)
        if (std::find(before.begin(), before.end(), x) == before.end()) before.push_back(x);
      if (alone || before.empty()) {
        const std::string sides = describe_sides(strings);
        return Contradiction{&l, fmt::format("{} is never true{}{}", quoted(l), sides.empty() ? "" : ": ", sides)};
      }
      return Contradiction{&l, fmt::format("{} contradicts {}", quoted(l), quoted_all(before))};
    };

    if (is_numeric_like(l.lhs->type) && is_numeric_like(l.rhs->type)) {
      auto narrowed = [&](const Interval& x, Type t, const std::string& op, const Interval& y) {
        const Interval r = x.meet(bound(op, y));
        return whole_numbers(t) ? r.whole() : r;
      };
      const Interval a_own = whole_numbers(a.type) ? a.own.number.whole() : a.own.number;
      const Interval b_own = whole_numbers(b.type) ? b.own.number.whole() : b.own.number;
      const bool alone = narrowed(a_own, a.type, l.op, b_own).empty() || narrowed(b_own, b.type, flipped(l.op), a_own).empty() ||
                         (l.op == "!=" && a_own.is_point() && b_own.is_point() && a_own.lo == b_own.lo);
      const Interval a_new = narrowed(a.range, a.type, l.op, b.range);
      const Interval b_new = narrowed(b.range, b.type, flipped(l.op), a.range);
      if (alone || a_new.empty() || b_new.empty() ||
          (l.op == "!=" && a.range.is_point() && b.range.is_point() && a.range.lo == b.range.lo))
        return conflict(alone, false);
      a.range = a_new;
      b.range = b_new;
    } else if (l.lhs->type == Type::kString && l.rhs->type == Type::kString) {
      const auto& as = a.own.strings;
      const auto& bs = b.own.strings;
      auto meet = [](std::optional<std::set<std::string>> x, const std::optional<std::set<std::string>>& y) {
        if (!y) return x;
        if (!x) return y;
        std::set<std::string> r;
        std::set_intersection(x->begin(), x->end(), y->begin(), y->end(), std::inserter(r, r.begin()));
        return std::optional<std::set<std::string>>(r);
      };
      auto without = [](std::optional<std::set<std::string>> x, const std::optional<std::set<std::string>>& y) {
        if (x && y && y->size() == 1) x->erase(*y->begin());
        return x;
      };
      bool alone = false;
      if (l.op == "==") alone = as && bs && meet(as, bs)->empty();
      if (l.op == "!=") alone = as && bs && as->size() == 1 && *as == *bs;
      auto a_new = l.op == "==" ? meet(a.allowed, b.allowed) : without(a.allowed, b.allowed);
      auto b_new = l.op == "==" ? meet(b.allowed, a.allowed) : without(b.allowed, a.allowed);
      if (alone || (a_new && a_new->empty()) || (b_new && b_new->empty())) return conflict(alone, true);
      a.allowed = a_new;
      b.allowed = b_new;
    }
    a.by.push_back(&l);
    b.by.push_back(&l);

    // Two terms compared twice: the outcomes both comparisons accept must meet.
    if (!(a.literal && b.literal)) {
      const bool in_order = a_text <= b_text;
      const auto key = in_order ? std::make_pair(a_text, b_text) : std::make_pair(b_text, a_text);
      const unsigned m = in_order ? outcomes(l.op) : swapped(outcomes(l.op));
      auto [it, fresh] = relations.emplace(key, std::make_pair(m, std::vector<const Literal*>{}));
      if (!fresh && (it->second.first & m) == 0)
        return Contradiction{&l, fmt::format("{} contradicts {}", quoted(l), quoted_all(it->second.second))};
      it->second.first &= m;
      it->second.second.push_back(&l);
    }
  }
  return std::nullopt;
}

}  // namespace regimen::check
