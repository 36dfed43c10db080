// The expression interpreter: walks a compiled expression's nodes. Unknown is a value: an
// operation on an unknown operand is unknown, except `false and x` (false) and `true or x` (true).

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <fmt/format.h>
#include <functional>

#include "machine.h"

namespace regimen::engine {

Value Machine::fact(uint32_t index) {
  const uint32_t done = 2 * epoch_, computing = done + 1;
  if (fact_status_[index] == done) return facts_[index];
  if (fact_status_[index] == computing) return Value::unknown(plan_.facts[index].value.root < plan_.nodes.size()
                                                          ? plan_.nodes[plan_.facts[index].value.root].type
                                                          : Type::kError);  // unreachable: the checker rejects cycles
  fact_status_[index] = computing;
  const Value v = eval(plan_.facts[index].value.root);
  facts_[index] = v;
  fact_status_[index] = done;
  return v;
}

namespace {

// A date past what a date can be written as (year 10000, before year 1) is no date: unknown,
// like any value that cannot be computed, rather than a wrapped-around day count.
Value date_or_unknown(int64_t days) { return writable_date(days) ? Value::date(days) : Value::unknown(Type::kDate); }

// Whole numbers (ints, durations, day counts) that leave 64 bits, and numbers that leave a
// double (inf, nan), are unknown too, rather than wrapped around or printed as "inf".
Value whole_or_unknown(Type type, bool overflowed, int64_t v) {
  if (overflowed) return Value::unknown(type);
  if (type == Type::kDate) return date_or_unknown(v);
  return type == Type::kDuration ? Value::duration(v) : Value::integer(v);
}
Value number_or_unknown(double d) { return std::isfinite(d) ? Value::number(d) : Value::unknown(Type::kNumber); }

int compare(const Value& a, const Value& b) {
  if (a.type == Type::kInt && b.type == Type::kInt) return (a.i > b.i) - (a.i < b.i);
  if ((a.type == Type::kInt || a.type == Type::kNumber) && (b.type == Type::kInt || b.type == Type::kNumber)) {
    const double x = a.as_number(), y = b.as_number();
    return (x > y) - (x < y);
  }
  if (a.type == Type::kString) {
    const int c = a.s().compare(b.s());
    return (c > 0) - (c < 0);
  }
  if (a.type == Type::kBool) return static_cast<int>(a.b) - static_cast<int>(b.b);
  return (a.i > b.i) - (a.i < b.i);  // dates, durations, events
}

}  // namespace

Value Machine::eval(uint32_t index) {
  // The leaves, about half of all nodes, are read here; this function stays small, so that they
  // do not pay for the stack frame that the operators' cases need (eval_operator).
  const PlanNode& n = plan_.nodes[index];
  switch (n.op) {
    case Op::kConst: return from_constant(plan_.constants[n.index], n.type);
    case Op::kParam: return param(static_cast<uint32_t>(n.index));
    case Op::kFact: {
      const auto f = static_cast<uint32_t>(n.index);
      return fact_status_[f] == 2 * epoch_ ? facts_[f] : fact(f);
    }
    case Op::kState: return state_[n.index];
    case Op::kToday: return Value::date(today_.days);
    default: return eval_operator(index);
  }
}

Value Machine::eval_operator(uint32_t index) {
  const PlanNode& n = plan_.nodes[index];
  switch (n.op) {
    case Op::kEvent: return event_ ? event_value(*event_) : Value::unknown(n.type);
    case Op::kField: return field(n, arg(n, 0));
    case Op::kList: return Value::unknown(n.type);  // lists are folded into constants
    case Op::kNot: {
      const Value a = arg(n, 0);
      return a.known ? Value::boolean(!a.b) : Value::unknown(Type::kBool);
    }
    case Op::kNeg: {
      Value a = arg(n, 0);
      if (!a.known) return a;
      if (a.type == Type::kNumber) a.d = -a.d;
      else if (a.i == INT64_MIN) return Value::unknown(a.type);
      else a.i = -a.i;
      return a;
    }
    case Op::kAnd: {
      const Value a = arg(n, 0);
      if (coverage_) [[unlikely]] coverage_->operand(index, 0, a);
      if (a.known && !a.b) return Value::boolean(false);
      const Value b = arg(n, 1);
      if (coverage_) [[unlikely]] coverage_->operand(index, 1, b);
      if (b.known && !b.b) return Value::boolean(false);
      return a.known && b.known ? Value::boolean(true) : Value::unknown(Type::kBool);
    }
    case Op::kOr: {
      const Value a = arg(n, 0);
      if (coverage_) [[unlikely]] coverage_->operand(index, 0, a);
      if (a.known && a.b) return Value::boolean(true);
      const Value b = arg(n, 1);
      if (coverage_) [[unlikely]] coverage_->operand(index, 1, b);
      if (b.known && b.b) return Value::boolean(true);
      return a.known && b.known ? Value::boolean(false) : Value::unknown(Type::kBool);
    }
    case Op::kIf: {
      const Value c = arg(n, 0);
      if (!c.known) return Value::unknown(n.type);
      if (coverage_) [[unlikely]] coverage_->arm(index, c.b);
      Value v = arg(n, c.b ? 1 : 2);
      if (n.type == Type::kNumber && v.type == Type::kInt) v = v.known ? Value::number(static_cast<double>(v.i)) : Value::unknown(Type::kNumber);
      return v;
    }
    default: break;
  }

  if (n.op == Op::kCall) {
    switch (n.fn) {
      case Builtin::kKnown: return Value::boolean(arg(n, 0).known);
      case Builtin::kCoalesce: {
        Value a = arg(n, 0);
        if (!a.known) a = arg(n, 1);
        if (n.type == Type::kNumber && a.type == Type::kInt && a.known) return Value::number(static_cast<double>(a.i));
        return a;
      }
      case Builtin::kMin:
      case Builtin::kMax:
      case Builtin::kClamp: {
        Value r = arg(n, 0);
        if (!r.known) return Value::unknown(n.type);
        if (n.fn == Builtin::kClamp) {
          const Value lo = arg(n, 1), hi = arg(n, 2);
          if (!lo.known || !hi.known) return Value::unknown(n.type);
          if (compare(r, lo) < 0) r = lo;
          if (compare(r, hi) > 0) r = hi;
        } else {
          for (uint16_t i = 1; i < n.arg_count; ++i) {
            const Value x = arg(n, i);
            if (!x.known) return Value::unknown(n.type);
            if ((n.fn == Builtin::kMin) ? compare(x, r) < 0 : compare(x, r) > 0) r = x;
          }
        }
        if (n.type == Type::kNumber && r.type == Type::kInt) return Value::number(static_cast<double>(r.i));
        return r;
      }
      case Builtin::kAbs: {
        Value a = arg(n, 0);
        if (!a.known) return a;
        if (a.type == Type::kNumber) a.d = std::fabs(a.d);
        else if (a.i == INT64_MIN) return Value::unknown(a.type);
        else a.i = std::llabs(a.i);
        return a;
      }
      case Builtin::kRound: {
        const Value a = arg(n, 0);
        if (!a.known) return Value::unknown(Type::kInt);
        const double x = a.as_number();
        // Beyond ±2^63 a double has no whole number of 64 bits (llround's result is undefined).
        if (!(std::fabs(x) < 9.2e18)) return Value::unknown(Type::kInt);
        return Value::integer(static_cast<int64_t>(std::llround(x)));
      }
      case Builtin::kDays: {
        const Value a = arg(n, 0);
        return a.known ? Value::integer(a.i) : Value::unknown(Type::kInt);
      }
      case Builtin::kCount: {
        const Value a = arg(n, 0);
        return a.known ? Value::integer(static_cast<int64_t>(a.list->size())) : Value::unknown(Type::kInt);
      }
      case Builtin::kJoin: {
        const Value a = arg(n, 0), sep = arg(n, 1);
        if (!a.known || !sep.known) return Value::unknown(Type::kString);
        std::string joined;
        for (size_t i = 0; i < a.list->size(); ++i) joined += (i ? std::string(sep.s()) : "") + (*a.list)[i];
        out_.texts.push_back(std::move(joined));
        return Value::string(out_.texts.back());
      }
      case Builtin::kText: {
        const Value a = arg(n, 0);
        if (!a.known) return Value::unknown(Type::kString);
        std::string shown = spare_text();
        append_value(shown, a, out_);
        out_.texts.push_back(std::move(shown));
        return Value::string(out_.texts.back());
      }
      case Builtin::kPctChange: {
        const Value from = arg(n, 0), to = arg(n, 1);
        if (!from.known || !to.known || from.as_number() == 0) return Value::unknown(Type::kNumber);
        return number_or_unknown(100.0 * (to.as_number() - from.as_number()) / from.as_number());
      }
      default: return call(n);
    }
  }

  // Binary operators.
  const Value a = arg(n, 0), b = arg(n, 1);
  if (!a.known || !b.known) return Value::unknown(n.type);
  // Only the arithmetic below asks (comparisons, most of the operators read, do not).
  auto whole = [&n] { return n.type == Type::kInt || n.type == Type::kDuration || n.type == Type::kDate; };
  int64_t r = 0;
  switch (n.op) {
    case Op::kAdd:  // date + days, days + date, days + days, int + int
      if (whole()) {
        const bool overflowed = __builtin_add_overflow(a.i, b.i, &r);  // before r is read
        return whole_or_unknown(n.type, overflowed, r);
      }
      if (n.type == Type::kString) {
        out_.texts.push_back(std::string(a.s()) + std::string(b.s()));
        return Value::string(out_.texts.back());
      }
      return number_or_unknown(a.as_number() + b.as_number());
    case Op::kSub:  // date - date, date - days, days - days, int - int
      if (whole()) {
        const bool overflowed = __builtin_sub_overflow(a.i, b.i, &r);  // before r is read
        return whole_or_unknown(n.type, overflowed, r);
      }
      return number_or_unknown(a.as_number() - b.as_number());
    case Op::kMul:
      if (whole()) {
        const bool overflowed = __builtin_mul_overflow(a.i, b.i, &r);  // before r is read
        return whole_or_unknown(n.type, overflowed, r);
      }
      return number_or_unknown(a.as_number() * b.as_number());
    case Op::kDiv:
      if (b.as_number() == 0) return Value::unknown(Type::kNumber);
      return number_or_unknown(a.as_number() / b.as_number());
    case Op::kLt: return Value::boolean(compare(a, b) < 0);
    case Op::kLe: return Value::boolean(compare(a, b) <= 0);
    case Op::kGt: return Value::boolean(compare(a, b) > 0);
    case Op::kGe: return Value::boolean(compare(a, b) >= 0);
    case Op::kEq: return Value::boolean(compare(a, b) == 0);
    case Op::kNe: return Value::boolean(compare(a, b) != 0);
    case Op::kIn: return Value::boolean(std::find(b.list->begin(), b.list->end(), a.s()) != b.list->end());
    default: break;
  }
  return Value::unknown(n.type);
}

std::string Machine::render(const CompiledTemplate& t) {
  std::string out = spare_text();
  out.reserve(t.text.size() + 16);  // the template's text, with room for values longer than their names
  for (const CompiledTemplate::Part& part : t.parts) {
    if (part.expr) append_value(out, eval(part.expr->root), out_);
    else out += part.text;
  }
  return out;
}

std::vector<NamedValue> Machine::values_read(std::span<const uint32_t> reads) {
  std::vector<NamedValue> out = spare_values();
  out.reserve(reads.size());
  for (uint32_t node : reads) out.push_back(NamedValue{plan_.name_of(plan_.nodes[node]), eval(node), node});
  return out;
}

// Whether an expression reads the timeline itself (a timeline function, `event`), not only
// through the facts, parameters and state it names.
bool Machine::reads_the_timeline(uint32_t node) const {
  const PlanNode& n = plan_.nodes[node];
  if (n.op == Op::kEvent) return true;
  if (n.op == Op::kCall) {
    const auto all = builtins();
    const auto info = std::find_if(all.begin(), all.end(), [&](const BuiltinInfo& b) { return b.id == n.fn; });
    if (info != all.end() && info->reads_timeline) return true;
  }
  for (uint16_t i = 0; i < n.arg_count; ++i)
    if (reads_the_timeline(plan_.args[n.first_arg + i])) return true;
  return false;
}

std::vector<std::string> Machine::missing_data(const CompiledExpr& expr) {
  std::vector<std::string> out;
  std::vector<uint32_t> seen_facts;
  // Depth-first through unknown facts to the data they rest on.
  std::function<void(const CompiledExpr&)> visit = [&](const CompiledExpr& e) {
    for (uint32_t nd : e.reads) {
      const PlanNode& n = plan_.nodes[nd];
      if (eval(nd).known) continue;
      if (n.op == Op::kFact) {
        if (std::find(seen_facts.begin(), seen_facts.end(), static_cast<uint32_t>(n.index)) != seen_facts.end()) continue;
        seen_facts.push_back(static_cast<uint32_t>(n.index));
        const Plan::Fact& f = plan_.facts[n.index];
        if (!f.when_unknown.empty()) {
          out.push_back(fmt::format("{}: {}", f.name, f.when_unknown));
          continue;
        }
        const size_t before = out.size();
        visit(f.value);
        // Nothing it reads is unknown: either the timeline has no such event, or, when it reads no
        // timeline at all, its arithmetic failed (a date past 9999-12-31, a division by zero).
        if (out.size() == before)
          out.push_back(reads_the_timeline(f.value.root)
                            ? fmt::format("{}: no such data in the timeline", f.name)
                            : fmt::format("{}: cannot be computed from the values it reads (a date past 9999-12-31 or "
                                          "before 0001-01-01, a division by zero, a number too large)",
                                          f.name));
      } else if (n.op == Op::kParam) {
        out.push_back(fmt::format("{}: not set", plan_.parameters[n.index].qualified_name));
      } else if (n.op == Op::kState) {
        out.push_back(fmt::format("{}: not set yet", plan_.state[n.index].name));
      }
    }
  };
  visit(expr);
  if (out.empty()) out.push_back("the timeline has no data for it");
  return out;
}

}  // namespace regimen::engine
