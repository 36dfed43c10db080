#pragma once
// What the lint knows about an expression's value before any patient is seen: for numbers and
// durations an interval, for strings a finite set when there is one, for assessments which
// instruments they can come from. Each describes the *known* values only (an expression may
// also be unknown at run time). Every rule here over-approximates: a value the engine can
// produce is always inside what is computed, so "impossible" is only ever said when it is.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "regimen/protocol/ast.h"

namespace regimen::check {

/// A set of real numbers lo..hi; an end may be open, infinite, or the set empty.
struct Interval {
  double lo, hi;
  bool lo_open = false, hi_open = false;

  static Interval all();
  static Interval none();
  static Interval point(double v);
  static Interval closed(double lo, double hi);

  [[nodiscard]] bool empty() const;
  [[nodiscard]] bool is_all() const;
  [[nodiscard]] bool is_point() const;
  [[nodiscard]] Interval meet(const Interval& o) const;
  [[nodiscard]] Interval join(const Interval& o) const;
  /// The same set of whole numbers, with closed ends (for ints and durations).
  [[nodiscard]] Interval whole() const;
};

/// "between 0 and 27", "at least 1", "always 5", for messages (durations get " days").
std::string describe(const Interval& i, Type type);

struct AbstractValue {
  Interval number = Interval::all();                 ///< ints, numbers, durations (in days)
  std::optional<std::set<std::string>> strings;      ///< strings: the possible values; absent: any
  std::optional<std::set<int32_t>> instruments;      ///< assessments: their instruments; absent: any

  static AbstractValue nothing();  ///< `unknown`: no known value at all
  [[nodiscard]] AbstractValue join(const AbstractValue& o) const;
};

/// Evaluates expressions of a checked protocol over abstract values. Facts are followed (and
/// remembered); state variables, dates, observations and anything the lint cannot bound are
/// "any value".
class AbstractEvaluator {
 public:
  explicit AbstractEvaluator(const ast::Protocol& protocol);
  AbstractValue eval(const Expr& e);

 private:
  AbstractValue name(const Expr& e);
  AbstractValue call(const Expr& e);
  AbstractValue field(const AbstractValue& base, const std::string& field_name);
  AbstractValue fact(uint32_t index);
  Interval scores(const std::optional<std::set<int32_t>>& instruments, bool items) const;

  const ast::Protocol& protocol_;
  std::map<uint32_t, AbstractValue> facts_;
  std::set<uint32_t> in_progress_;
};

}  // namespace regimen::check
