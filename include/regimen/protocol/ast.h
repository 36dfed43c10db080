#pragma once
// A protocol as written: the syntax tree the loader builds from YAML. Every node keeps the
// position of its YAML node; expressions keep the position of every sub-expression.
// The checker resolves names and types on it; the compiler turns it into a Plan.

#include <optional>
#include <string>
#include <vector>

#include "regimen/common/source.h"
#include "regimen/protocol/expr.h"

namespace regimen::ast {

/// A scalar with its place in the file.
template <class T>
struct Located {
  T value{};
  SourcePos pos;
};
using Name = Located<std::string>;

struct Source {
  Name id;
  std::string title;
  std::string url;
  std::string note;
  std::string certainty;  ///< verified | secondary | unchecked (shared/clinical-reference.md tags)
  SourcePos pos;
};

struct Instrument {
  Name name;
  std::string label;
  int min_score = 0, max_score = 0;
  int items = 0;
  int item_min = 0, item_max = 3;
  std::vector<Name> cites;
  SourcePos pos;
};

/// A parameter's value as written: a number, a duration in days, a bool, a string or a list.
struct Literal {
  Type type = Type::kError;
  bool bool_value = false;
  int64_t int_value = 0;  ///< also days
  double number_value = 0;
  std::string string_value;
  std::vector<std::string> list_value;
  std::string text;  ///< as written, for messages and carets
  SourcePos pos;
};

struct Parameter {
  Name name;
  Located<std::string> type_name;
  Type type = Type::kError;
  std::optional<Literal> default_value;  ///< absent: the parameter is unknown until set
  std::optional<Literal> min, max;       ///< the allowed range, for numbers and days
  std::optional<Name> at_most;           ///< another parameter this one may not exceed
  std::string unit;
  std::string description;
  std::vector<Name> cites;
  SourcePos pos;
};

struct StateVar {
  Name name;
  Located<std::string> type_name;
  Type type = Type::kError;
  std::optional<EmbeddedText> initial_text;
  std::optional<Expr> initial;  ///< absent: unknown until set
  std::string description;
  SourcePos pos;
};

struct Fact {
  Name name;
  EmbeddedText text;
  std::optional<Expr> value;
  std::string description;
  std::string when_unknown;  ///< said in explanations when the fact is unknown
  SourcePos pos;
};

struct Phase {
  Name name;
  std::string description;
  bool start = false;
  bool terminal = false;
  /// Why no rule applies to this phase, when that is intended (silences check.phase_without_rules).
  std::optional<Located<std::string>> no_rules;
  SourcePos pos;
};

struct Assignment {
  Name target;
  EmbeddedText text;
  std::optional<Expr> value;
};

struct Transition {
  Name id;
  std::vector<Name> from;  ///< phases, or the single name "any"
  Name on;                 ///< session | missed_session | assessment | observation | decision, optionally ":detail"
  std::optional<Name> to;  ///< absent: stay in the phase (only the assignments happen)
  std::optional<EmbeddedText> when_text;
  std::optional<Expr> when;
  std::vector<Assignment> set;
  std::optional<Template> warn;
  std::optional<Template> explain;  ///< a sentence for explanations, with {values}
  std::string description;
  std::vector<Name> cites;
  SourcePos pos;
};

struct Window {
  EmbeddedText earliest_text, latest_text;
  std::optional<Expr> earliest, latest;
  SourcePos pos;
};

struct Rule {
  Name id;
  std::vector<Name> phases;  ///< empty: every phase
  std::optional<EmbeddedText> when_text;
  std::optional<Expr> when;  ///< absent: always
  std::optional<Name> action;
  Name priority;
  std::optional<Window> window;
  std::vector<Name> flags;
  std::optional<Name> overdue_flag;
  std::vector<Name> instruments;
  std::vector<Name> checklist;
  std::optional<Template> summary;
  bool summary_written = false;  ///< the key was there (even if its text did not parse)
  std::optional<Template> explain;  ///< why it fired, in a sentence with {values}
  std::string description;
  std::vector<Name> cites;
  SourcePos pos;
};

struct Protocol {
  std::string file;
  Name id;
  Name version;
  std::string title;
  std::string description;
  SourcePos pos;
  std::vector<Source> sources;
  std::vector<Instrument> instruments;
  std::vector<Parameter> parameters;
  std::vector<StateVar> state;
  std::vector<Fact> facts;
  std::vector<Phase> phases;
  std::vector<Transition> transitions;
  std::vector<Rule> rules;
};

}  // namespace regimen::ast
