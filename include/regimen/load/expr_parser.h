#pragma once
// Parsing the expression language. Grammar, loosest binding first:
//
//   expr    := 'if' expr 'then' expr 'else' expr | or
//   or      := and ('or' and)*
//   and     := not ('and' not)*
//   not     := 'not' not | compare
//   compare := sum (('<' | '<=' | '>' | '>=' | '==' | '!=' | 'in') sum)?
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := '-' unary | postfix
//   postfix := primary ('.' NAME)*
//   primary := NUMBER | DURATION | STRING | 'true' | 'false' | 'unknown'
//            | NAME | NAME '(' [expr (',' expr)*] ')' | '(' expr ')' | '[' [expr (',' expr)*] ']'
//
// NAME is a dotted identifier (series.sessions_done); DURATION is a whole number with a unit,
// d (days) or w (weeks): 3d, 2w. Strings are in single or double quotes.

#include <optional>
#include <string>

#include "regimen/common/diagnostic.h"
#include "regimen/protocol/expr.h"

namespace regimen {

/// Parses one expression; on a syntax error returns nothing and adds a `parse.*` diagnostic
/// positioned in the file through `source.positions`.
std::optional<Expr> parse_expression(const EmbeddedText& source, const std::string& file, Diagnostics& diagnostics);

/// Parses a text with `{expression}` parts.
std::optional<Template> parse_template(const EmbeddedText& source, const std::string& file, Diagnostics& diagnostics);

/// Renders an expression back to text, fully parenthesised where needed (for tests and traces).
std::string to_source(const Expr& e);

}  // namespace regimen
