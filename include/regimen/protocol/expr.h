#pragma once
// The expression language's syntax tree. Expressions are written inside YAML strings
// (conditions, derived facts, windows, `{…}` in summaries); every node keeps its position in
// the protocol file, so a checker error points at the exact column.

#include <cstdint>
#include <string>
#include <vector>

#include "regimen/common/source.h"
#include "regimen/protocol/types.h"

namespace regimen {

/// A string from a YAML file, with the file position of each of its bytes: block scalars,
/// quotes and escapes make "offset in the string" and "column in the file" differ.
struct EmbeddedText {
  std::string text;
  std::vector<SourcePos> positions;  ///< one per byte of text, plus one for its end
  SourcePos pos;                     ///< the YAML node's own position

  [[nodiscard]] SourcePos at(size_t offset) const;
  [[nodiscard]] bool empty() const { return text.empty(); }
};

/// What a name or call resolved to; `Expr::symbol` indexes the matching table.
enum class SymbolKind : uint8_t {
  kNone,
  kParameter,   ///< params.<name>: index into the protocol's parameters
  kFact,        ///< index into facts
  kState,       ///< index into state variables
  kToday,       ///< the evaluation day (during replay: the event's day)
  kEvent,       ///< the event a transition is reading
  kInstrument,  ///< index into instruments
  kFunction,    ///< index into the builtin function table (check/builtins.h)
};

struct Expr {
  enum class Kind : uint8_t {
    kLiteral,  ///< 3, 2.5, 3d, 'text', true, unknown
    kName,     ///< a dotted name: series.sessions_done, params.series.target_sessions
    kCall,     ///< name(args…)
    kField,    ///< args[0].name, after a call or parenthesis: latest(phq9).score
    kUnary,    ///< name is "-" or "not"
    kBinary,   ///< name is the operator: + - * / < <= > >= == != in and or
    kIf,       ///< if args[0] then args[1] else args[2]
    kList,     ///< ['a', 'b']
  };

  Kind kind = Kind::kLiteral;
  std::string name;  ///< the name, function, field or operator
  std::vector<Expr> args;

  // Literal values (kLiteral): literal_type says which field holds it; kError means `unknown`.
  Type literal_type = Type::kError;
  bool bool_value = false;
  int64_t int_value = 0;  ///< also a duration's days
  double number_value = 0;
  std::string string_value;

  // Where it is: offsets into the expression text, and the file position of its start.
  uint32_t offset = 0;
  uint32_t length = 0;
  SourcePos pos;

  // Filled in by the checker.
  Type type = Type::kError;
  SymbolKind symbol_kind = SymbolKind::kNone;
  int32_t symbol = -1;
  std::vector<std::string> fields;  ///< for a name: the trailing .field accesses after the symbol
};

/// A summary or warning text with `{expression}` parts. `{{` and `}}` stand for braces.
struct Template {
  struct Part {
    std::string text;  ///< literal text; for an expression part, the expression as written
    Expr expr;
    bool is_expr = false;
  };
  std::vector<Part> parts;
  EmbeddedText source;
};

}  // namespace regimen
