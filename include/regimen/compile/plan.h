#pragma once
// The compiled protocol: what the evaluator runs. Every name is resolved to an index, every
// expression is a flat array of nodes, and every part keeps its place in the protocol file for
// traces. Immutable once built; one Plan can be shared by many threads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "regimen/check/builtins.h"
#include "regimen/common/source.h"
#include "regimen/protocol/types.h"
#include "regimen/timeline/instruments.h"

namespace regimen {

enum class Op : uint8_t {
  kConst,   ///< constants[index]
  kParam,   ///< parameter values[index]
  kFact,    ///< fact index
  kState,   ///< state variable index
  kToday,
  kEvent,
  kField,   ///< args[0].<field>
  kCall,    ///< builtin `fn` over args (an instrument argument is kConst with the instrument's index)
  kNeg, kNot,
  kAdd, kSub, kMul, kDiv,
  kLt, kLe, kGt, kGe, kEq, kNe, kIn,
  kAnd, kOr,
  kIf,
  kList,
};

enum class Field : uint8_t { kNone, kDate, kRoute, kDose, kScore, kInstrument, kValue, kUnit, kCode, kKind, kBy, kNote };

struct PlanNode {
  Op op = Op::kConst;
  Type type = Type::kError;        ///< the checked static type
  Builtin fn = Builtin::kMin;      ///< for kCall
  Field field = Field::kNone;      ///< for kField
  uint16_t arg_count = 0;
  uint32_t first_arg = 0;          ///< args are Plan::args[first_arg .. first_arg + arg_count)
  int32_t index = -1;              ///< constant / parameter / fact / state / instrument / string index
  SourcePos pos;
};

/// A constant of the protocol: numbers, durations, strings and lists as written.
struct Constant {
  Type type = Type::kError;
  bool known = true;
  bool bool_value = false;
  int64_t int_value = 0;  ///< int, days, date (days since 1970-01-01), instrument index
  double number_value = 0;
  std::string string_value;
  std::vector<std::string> list_value;
};

/// One expression: its root node, and the text the author wrote (for traces).
struct CompiledExpr {
  uint32_t root = 0;
  std::string text;
  SourcePos pos;
  /// The nodes that name what it reads (facts, parameters, state, today), each name once, in
  /// reading order: the values a trace shows with it, found once when compiling.
  std::vector<uint32_t> reads;
};

struct CompiledTemplate {
  struct Part {
    std::string text;
    std::optional<CompiledExpr> expr;
  };
  std::vector<Part> parts;
  std::string text;
};

enum class EventKind : uint8_t { kSession, kMissedSession, kAssessment, kObservation, kDecision };
enum class Action : uint8_t { kScheduleSession, kCollectAssessment, kReview, kReassess, kSafetyAlert, kHold };
enum class Priority : uint8_t { kRoutine, kSoon, kUrgent, kEmergency };

std::string_view to_string(Action a);
std::string_view to_string(Priority p);
std::string_view to_string(EventKind k);

/// A plan's names and fixed texts as JSON strings, quoted and escaped once when compiling. Every
/// result line repeats them (each trace entry names its rule, its place in the file, its condition
/// and its sources), so writers copy these instead of escaping the same texts for every patient.
struct QuotedTexts {
  std::vector<std::string> rule_id, rule_location, rule_when;  ///< per rule (`"true"` without a condition)
  std::vector<std::string> transition_id, transition_location, transition_when;  ///< per transition
  std::vector<std::string> citation;  ///< per source
  std::vector<std::string> phase_name;
  std::vector<std::string> fact_name, param_name, state_name;  ///< param_name is "params.<name>"
  std::string today;

  /// The quoted name of a name node (kFact, kParam, kState, kToday), as Plan::name_of gives it.
  [[nodiscard]] std::string_view name_of(const PlanNode& n) const {
    switch (n.op) {
      case Op::kFact: return fact_name[static_cast<size_t>(n.index)];
      case Op::kParam: return param_name[static_cast<size_t>(n.index)];
      case Op::kState: return state_name[static_cast<size_t>(n.index)];
      default: return today;
    }
  }
};

struct Plan {
  // Identity
  std::string file;  ///< the protocol's file name, for `file:line:col` in traces
  std::string id, version, title, description;

  struct Source {
    std::string id, title, url, note, certainty;
    std::string citation;  ///< "id: title", with " (unchecked)" when it is: how traces cite it
  };
  struct Parameter {
    std::string name;
    Type type = Type::kError;
    std::optional<Constant> default_value;  ///< absent: unknown until set
    std::optional<double> min, max;
    std::optional<uint32_t> at_most;  ///< the parameter this one may not exceed (overrides are checked against it)
    std::string unit, description;
    std::vector<uint32_t> cites;
    SourcePos pos;
    std::string qualified_name;  ///< "params.<name>", as expressions and traces name it
  };
  struct Fact {
    std::string name;
    CompiledExpr value;
    std::string description, when_unknown;
    SourcePos pos;
  };
  struct StateVar {
    std::string name;
    Type type = Type::kError;
    std::optional<CompiledExpr> initial;
    SourcePos pos;
  };
  struct Phase {
    std::string name, description;
    bool start = false, terminal = false;
    SourcePos pos;
  };
  struct Assignment {
    uint32_t state = 0;
    CompiledExpr value;
  };
  struct Transition {
    std::string id;
    std::vector<bool> from;       ///< per phase
    EventKind on = EventKind::kSession;
    int32_t detail = -1;          ///< instrument index for assessments, DecisionKind for decisions
    std::string observation_code; ///< for observation:<code>
    int32_t to = -1;              ///< -1: stay in the phase
    std::optional<CompiledExpr> when;
    std::vector<Assignment> set;
    std::optional<CompiledTemplate> warn;
    std::optional<CompiledTemplate> explain;
    std::vector<uint32_t> cites;
    std::string description;
    SourcePos pos;
    std::string location;  ///< "file:line:col" of pos, made once for traces
  };
  struct Window {
    CompiledExpr earliest, latest;
    /// The name nodes the two ends read, each name once (the earliest end's first): what the
    /// trace shows as the window's values.
    std::vector<uint32_t> reads;
  };
  struct Rule {
    std::string id;
    std::vector<bool> phases;     ///< per phase
    std::optional<CompiledExpr> when;
    std::optional<Action> action;
    Priority priority = Priority::kRoutine;
    std::optional<Window> window;
    std::vector<uint32_t> flags;  ///< indices into flag_names
    std::optional<uint32_t> overdue_flag;
    std::vector<uint32_t> instruments;
    std::vector<std::string> checklist;
    std::optional<CompiledTemplate> summary;
    std::optional<CompiledTemplate> explain;
    std::vector<uint32_t> cites;
    std::string description;
    SourcePos pos;
    std::string location;  ///< "file:line:col" of pos, made once for traces
  };

  std::vector<Source> sources;
  InstrumentCatalog instruments;
  std::vector<Parameter> parameters;
  std::vector<Fact> facts;
  std::vector<uint32_t> fact_order;  ///< dependencies first
  std::vector<StateVar> state;
  std::vector<Phase> phases;
  uint32_t start_phase = 0;
  std::vector<Transition> transitions;
  /// For each phase and event kind, the transitions that may take such an event, in file order
  /// (index: phase * kEventKinds + kind): the replay looks at no other.
  static constexpr size_t kEventKinds = 5;
  std::vector<std::vector<uint32_t>> transitions_by_phase_and_event;
  /// Some transition takes an observation or some expression asks for one (latest_observation).
  /// When none does, the replay leaves observations out of its events: they could change nothing.
  bool reads_observations = true;
  std::vector<Rule> rules;
  std::vector<std::string> flag_names;  ///< sorted, so flag indices order flags by name

  // Expression storage
  std::vector<PlanNode> nodes;
  std::vector<uint32_t> args;
  std::vector<Constant> constants;

  QuotedTexts quoted;  ///< made last, from everything above

  /// The name a name node (kFact, kParam, kState, kToday) reads, as traces show it.
  [[nodiscard]] std::string_view name_of(const PlanNode& n) const;

  /// `file:line:col` of a position, as traces print it.
  [[nodiscard]] std::string where(SourcePos pos) const;
};

}  // namespace regimen
