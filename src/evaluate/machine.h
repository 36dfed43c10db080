#pragma once
// The evaluator's working state for one evaluation: the ordered events, the replay cursor, the
// state variables, memoised facts, and the expression interpreter over them.
// Split over timeline_view.cc (events and queries), interpreter.cc (expressions) and
// evaluator.cc (replay and rules).

#include <span>
#include <vector>

#include "regimen/evaluate/coverage_sink.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen::engine {

/// A protocol constant (a literal or a parameter value) as a value of type `t`.
inline Value from_constant(const Constant& c, Type t) {
  Value v = Value::make(t, c.known, c.int_value);
  v.b = c.bool_value;
  switch (t) {
    case Type::kNumber: v.d = c.number_value; break;
    case Type::kString:
      v.chars = c.string_value.data();
      v.length = static_cast<uint32_t>(c.string_value.size());
      break;
    case Type::kStringList: v.list = &c.list_value; break;
    default: break;  // the int, day count or event index, already in v.i
  }
  return v;
}

class Machine {
 public:
  Machine(const Plan& plan, const Timeline& timeline, const EvaluateOptions& options, Evaluation& out);
  ~Machine();  ///< gives the working tables back to the evaluation's spare memory
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // ---- timeline_view.cc ----
  /// Orders the events up to as_of, merges same-day duplicates, counts what was ignored.
  void build_events();
  void warn_unordered_decisions();
  /// Counts assessment `a` into the event `into` reads (a merged copy: highest score and answers).
  void merge_assessment(EventRef& into, const Assessment& a);
  void merge_untimed_assessments(size_t first_assessment);

  // ---- interpreter.cc ----
  Value eval(uint32_t node);
  [[gnu::noinline]] Value eval_operator(uint32_t node);  ///< eval() of a node that is not a leaf
  Value fact(uint32_t index);
  std::string render(const CompiledTemplate& t);
  /// The names (facts, parameters, state, today) an expression reads, with their values now.
  std::vector<NamedValue> values_read(const CompiledExpr& e) { return values_read(e.reads); }
  std::vector<NamedValue> values_read(std::span<const uint32_t> reads);
  /// For an unknown result: the unknown data it rests on, as people say them.
  std::vector<std::string> missing_data(const CompiledExpr& expr);
  bool reads_the_timeline(uint32_t node) const;

  // ---- evaluator.cc ----
  void replay();
  void evaluate_rules();

 private:
  friend class Queries;
  // The point of evaluation: during the replay, the event being read; at the end, as_of.
  void move_to(size_t cursor, Date today, std::optional<uint32_t> event);

  // timeline queries (timeline_view.cc)
  Value call(const PlanNode& n);
  Value field(const PlanNode& n, const Value& base);
  const Assessment& assessment(const Value& v) const;
  bool before(const Value& x, uint32_t seq) const;  ///< event seq is before x (event or date)
  bool after_value(uint32_t seq, const Value& x) const;
  Value event_value(uint32_t seq) const;
  Value param(uint32_t index) const {
    if (!params_.empty()) return params_[index];
    const Plan::Parameter& p = plan_.parameters[index];
    return p.default_value ? from_constant(*p.default_value, p.type) : Value::unknown(p.type);
  }

  Value arg(const PlanNode& n, uint16_t i) { return eval(plan_.args[n.first_arg + i]); }
  /// An empty string or vector, with memory from the last evaluation when there is some.
  std::string spare_text();
  std::vector<NamedValue> spare_values();

  const Plan& plan_;
  const Timeline& timeline_;
  const EvaluateOptions& options_;
  Evaluation& out_;
  CoverageSink* const coverage_ = options_.coverage;  ///< nullptr unless measuring test coverage

  std::vector<Value> params_;  ///< only when there are overrides; else the plan's defaults
  std::vector<Value> state_;
  std::vector<Value> facts_;
  /// Per fact: 2 * epoch_ when its value at this point is known, 2 * epoch_ + 1 while computing it;
  /// anything else: not computed here yet. Moving the point is one increment, not a clearing.
  std::vector<uint32_t> fact_status_;
  uint32_t epoch_ = 1;
  size_t cursor_ = 0;                 ///< events [0, cursor_) are visible
  Date today_;
  std::optional<uint32_t> event_;     ///< the event a transition is reading
  std::vector<const Condition*> conditions_;
};

}  // namespace regimen::engine
