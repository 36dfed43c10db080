#include "abstract_value.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "regimen/check/builtins.h"

namespace regimen::check {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

// ---- Interval ----

Interval Interval::all() { return {-kInf, kInf}; }
Interval Interval::none() { return {kInf, -kInf}; }
Interval Interval::point(double v) { return {v, v}; }
Interval Interval::closed(double lo, double hi) { return {lo, hi}; }

bool Interval::empty() const { return lo > hi || (lo == hi && (lo_open || hi_open)); }
bool Interval::is_all() const { return lo == -kInf && hi == kInf; }
bool Interval::is_point() const { return !empty() && lo == hi; }

Interval Interval::meet(const Interval& o) const {
  Interval r = *this;
  if (o.lo > r.lo || (o.lo == r.lo && o.lo_open)) r.lo = o.lo, r.lo_open = o.lo_open;
  if (o.hi < r.hi || (o.hi == r.hi && o.hi_open)) r.hi = o.hi, r.hi_open = o.hi_open;
  return r;
}

Interval Interval::join(const Interval& o) const {
  if (empty()) return o;
  if (o.empty()) return *this;
  Interval r = *this;
  if (o.lo < r.lo || (o.lo == r.lo && !o.lo_open)) r.lo = o.lo, r.lo_open = o.lo_open;
  if (o.hi > r.hi || (o.hi == r.hi && !o.hi_open)) r.hi = o.hi, r.hi_open = o.hi_open;
  return r;
}

Interval Interval::whole() const {
  if (empty()) return none();
  Interval r{lo, hi};
  if (std::isfinite(lo)) r.lo = lo_open ? std::floor(lo) + 1 : std::ceil(lo);
  if (std::isfinite(hi)) r.hi = hi_open ? std::ceil(hi) - 1 : std::floor(hi);
  return r;
}

std::string describe(const Interval& i, Type type) {
  const std::string unit = type == Type::kDuration ? " days" : "";
  auto num = [](double v) { return fmt::format("{}", v); };
  if (i.empty()) return "never known";
  if (i.is_point()) return fmt::format("always {}{}", num(i.lo), unit);
  const bool has_lo = std::isfinite(i.lo), has_hi = std::isfinite(i.hi);
  if (has_lo && has_hi && !i.lo_open && !i.hi_open) return fmt::format("always between {} and {}{}", num(i.lo), num(i.hi), unit);
  std::string out;
  if (has_lo) out += fmt::format("{} {}{}", i.lo_open ? "more than" : "at least", num(i.lo), unit);
  if (has_hi) out += fmt::format("{}{} {}{}", has_lo ? " and " : "", i.hi_open ? "less than" : "at most", num(i.hi), unit);
  return out.empty() ? "any value" : "always " + out;
}

// ---- interval arithmetic: over-approximations with closed ends ----

namespace {

double times(double a, double b) { return a == 0 || b == 0 ? 0 : a * b; }  // 0 × ∞ is 0 here: a value is finite

Interval from_corners(std::initializer_list<double> corners) {
  Interval r = Interval::none();
  for (double c : corners) {
    if (std::isnan(c)) return Interval::all();
    r = r.join(Interval::point(c));
  }
  return r;
}

Interval closed_of(const Interval& a) { return a.empty() ? Interval::none() : Interval::closed(a.lo, a.hi); }

Interval add(Interval a, Interval b) {
  if (a.empty() || b.empty()) return Interval::none();
  return from_corners({a.lo + b.lo, a.hi + b.hi});
}
Interval negate(Interval a) {
  if (a.empty()) return a;
  return {-a.hi, -a.lo, a.hi_open, a.lo_open};
}
Interval subtract(Interval a, Interval b) { return add(a, negate(b)); }
Interval multiply(Interval a, Interval b) {
  if (a.empty() || b.empty()) return Interval::none();
  return from_corners({times(a.lo, b.lo), times(a.lo, b.hi), times(a.hi, b.lo), times(a.hi, b.hi)});
}
Interval divide(Interval a, Interval b) {
  if (a.empty() || b.empty()) return Interval::none();
  if (b.lo <= 0 && b.hi >= 0) return Interval::all();  // a division by zero is unknown; near zero, anything
  return from_corners({a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi});
}
Interval maximum(Interval a, Interval b) {
  if (a.empty() || b.empty()) return Interval::none();
  return Interval::closed(std::max(a.lo, b.lo), std::max(a.hi, b.hi));
}
Interval minimum(Interval a, Interval b) {
  if (a.empty() || b.empty()) return Interval::none();
  return Interval::closed(std::min(a.lo, b.lo), std::min(a.hi, b.hi));
}
Interval absolute(Interval a) {
  if (a.empty()) return a;
  if (a.lo >= 0) return closed_of(a);
  if (a.hi <= 0) return closed_of(negate(a));
  return Interval::closed(0, std::max(-a.lo, a.hi));
}
Interval rounded(Interval a) {
  if (a.empty()) return a;
  return Interval::closed(std::round(a.lo), std::round(a.hi));  // round is monotone; ±∞ stay
}

AbstractValue of_interval(Interval i) {
  AbstractValue v;
  v.number = i;
  return v;
}

bool is_numeric_like(Type t) { return t == Type::kInt || t == Type::kNumber || t == Type::kDuration; }

}  // namespace

// ---- AbstractValue ----

AbstractValue AbstractValue::nothing() {
  AbstractValue v;
  v.number = Interval::none();
  v.strings = std::set<std::string>{};
  v.instruments = std::set<int32_t>{};
  return v;
}

AbstractValue AbstractValue::join(const AbstractValue& o) const {
  AbstractValue r;
  r.number = number.join(o.number);
  if (strings && o.strings) {
    r.strings = *strings;
    r.strings->insert(o.strings->begin(), o.strings->end());
  }
  if (instruments && o.instruments) {
    r.instruments = *instruments;
    r.instruments->insert(o.instruments->begin(), o.instruments->end());
  }
  return r;
}

// ---- AbstractEvaluator ----

AbstractEvaluator::AbstractEvaluator(const ast::Protocol& protocol) : protocol_(protocol) {}

Interval AbstractEvaluator::scores(const std::optional<std::set<int32_t>>& instruments, bool items) const {
  // A timeline with a score or an item answer outside its declared instrument's range is
  // rejected, so an assessment found by latest(I) or first_after(I, x) is inside I's range. An
  // assessment from elsewhere (an `on: assessment` event kept in a state variable) may be of an
  // undeclared instrument, whose scores are kept unchecked: any value.
  if (!instruments) return Interval::all();
  Interval r = Interval::none();
  for (int32_t i : *instruments) {
    const ast::Instrument& in = protocol_.instruments[static_cast<size_t>(i)];
    r = r.join(items ? Interval::closed(in.item_min, in.item_max) : Interval::closed(in.min_score, in.max_score));
  }
  return r;
}

AbstractValue AbstractEvaluator::field(const AbstractValue& base, const std::string& f) {
  if (f == "score") return of_interval(scores(base.instruments, false));
  if (f == "instrument" && base.instruments) {
    AbstractValue v;
    v.strings = std::set<std::string>{};
    for (int32_t i : *base.instruments) v.strings->insert(protocol_.instruments[static_cast<size_t>(i)].name.value);
    return v;
  }
  return AbstractValue{};
}

AbstractValue AbstractEvaluator::fact(uint32_t index) {
  if (auto it = facts_.find(index); it != facts_.end()) return it->second;
  const ast::Fact& f = protocol_.facts[index];
  if (!f.value || in_progress_.count(index)) return AbstractValue{};  // cycles are errors, reported by check
  in_progress_.insert(index);
  AbstractValue v = eval(*f.value);
  in_progress_.erase(index);
  facts_.emplace(index, v);
  return v;
}

AbstractValue AbstractEvaluator::name(const Expr& e) {
  AbstractValue v;
  switch (e.symbol_kind) {
    case SymbolKind::kParameter: {
      // Overrides are checked against the range too, so the range bounds every value it takes.
      const ast::Parameter& p = protocol_.parameters[static_cast<size_t>(e.symbol)];
      if (is_numeric_like(p.type)) {
        auto number = [](const ast::Literal& l) { return l.type == Type::kNumber ? l.number_value : static_cast<double>(l.int_value); };
        if (p.min) v.number.lo = number(*p.min);
        if (p.max) v.number.hi = number(*p.max);
      }
      break;
    }
    case SymbolKind::kFact: v = fact(static_cast<uint32_t>(e.symbol)); break;
    default: break;  // state, today, event, instruments: any value
  }
  for (const std::string& f : e.fields) v = field(v, f);
  return v;
}

AbstractValue AbstractEvaluator::call(const Expr& e) {
  if (e.symbol_kind != SymbolKind::kFunction || e.symbol < 0) return AbstractValue{};
  const Builtin id = builtins()[static_cast<size_t>(e.symbol)].id;
  auto arg = [&](size_t i) { return eval(e.args[i]); };
  auto instrument_of = [&](const Expr& a) {
    AbstractValue v;
    if (a.symbol_kind == SymbolKind::kInstrument) v.instruments = std::set<int32_t>{a.symbol};
    return v;
  };
  switch (id) {
    case Builtin::kLatest:
    case Builtin::kFirstAfter:
    case Builtin::kLatestAnswering: return instrument_of(e.args[0]);
    case Builtin::kItem: return of_interval(scores(arg(0).instruments, true));
    case Builtin::kLatestItem: return of_interval(scores(instrument_of(e.args[0]).instruments, true));
    case Builtin::kAssessmentCount:
    case Builtin::kSessionCount:
    case Builtin::kMissedCount: return of_interval(Interval::closed(0, kInf));
    case Builtin::kCount:
      if (e.args[0].kind == Expr::Kind::kList) return of_interval(Interval::point(static_cast<double>(e.args[0].args.size())));
      return of_interval(Interval::closed(0, kInf));
    case Builtin::kDays: return of_interval(arg(0).number);
    case Builtin::kMin:
    case Builtin::kMax: {
      if (!is_numeric_like(e.type)) return AbstractValue{};
      Interval r = arg(0).number;
      for (size_t i = 1; i < e.args.size(); ++i) r = id == Builtin::kMin ? minimum(r, arg(i).number) : maximum(r, arg(i).number);
      return of_interval(r);
    }
    case Builtin::kClamp:  // the engine raises to lo, then lowers to hi
      if (!is_numeric_like(e.type)) return AbstractValue{};
      return of_interval(minimum(maximum(arg(0).number, arg(1).number), arg(2).number));
    case Builtin::kAbs: return of_interval(absolute(arg(0).number));
    case Builtin::kRound: return of_interval(rounded(arg(0).number));
    case Builtin::kCoalesce: return arg(0).join(arg(1));
    case Builtin::kPctChange: {
      const Interval from = arg(0).number, to = arg(1).number;
      return of_interval(multiply(Interval::point(100), divide(subtract(to, from), from)));
    }
    default: return AbstractValue{};
  }
}

AbstractValue AbstractEvaluator::eval(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      switch (e.literal_type) {
        case Type::kInt:
        case Type::kDuration: return of_interval(Interval::point(static_cast<double>(e.int_value)));
        case Type::kNumber: return of_interval(Interval::point(e.number_value));
        case Type::kString: {
          AbstractValue v;
          v.strings = std::set<std::string>{e.string_value};
          return v;
        }
        case Type::kError: return AbstractValue::nothing();  // `unknown`
        default: return AbstractValue{};
      }
    case Expr::Kind::kName: return name(e);
    case Expr::Kind::kCall: return call(e);
    case Expr::Kind::kField: return field(eval(e.args[0]), e.name);
    case Expr::Kind::kUnary:
      if (e.name == "-" && is_numeric_like(e.type)) return of_interval(negate(eval(e.args[0]).number));
      return AbstractValue{};
    case Expr::Kind::kBinary: {
      if (!is_numeric_like(e.type)) return AbstractValue{};  // dates, strings, bools: not bounded
      const Interval a = eval(e.args[0]).number, b = eval(e.args[1]).number;
      if (e.name == "+") return of_interval(add(a, b));
      if (e.name == "-") return of_interval(subtract(a, b));
      if (e.name == "*") return of_interval(multiply(a, b));
      if (e.name == "/") return of_interval(divide(a, b));
      return AbstractValue{};
    }
    case Expr::Kind::kIf: return eval(e.args[1]).join(eval(e.args[2]));  // either branch may be taken
    case Expr::Kind::kList: return AbstractValue{};
  }
  return AbstractValue{};
}

}  // namespace regimen::check
