#pragma once
// Type-checks one expression tree in place: resolves names and calls, sets Expr::type, and
// reports check.* diagnostics at the offending node.

#include <string>
#include <vector>

#include "regimen/common/diagnostic.h"
#include "regimen/protocol/ast.h"

namespace regimen::check {

/// What an expression may see.
struct Scope {
  Type event = Type::kError;  ///< the type of `event`; kError: `event` is not available here
  std::string event_note;     ///< why not, for the message ("facts are evaluated outside transitions")
  bool timeline = true;       ///< may read the timeline (and `today`); not in state's initial values
  /// `event` exists, but its `on:` names no event kind (reported there): uses of it say nothing
  /// more, rather than a wrong guess at its type.
  bool event_unknown = false;
};

class ExprChecker {
 public:
  ExprChecker(const ast::Protocol& protocol, Diagnostics& diagnostics);

  /// Checks `e` and returns its type (kError when it does not check).
  Type check(Expr& e, const Scope& scope);
  /// Checks `e` and requires a type (int is accepted where a number is wanted). The literal
  /// `unknown` is accepted as any type when `may_be_unknown` (a set, an initial value), never in
  /// a condition, which would then never hold.
  void expect(Expr& e, Type wanted, const Scope& scope, std::string_view what, bool may_be_unknown = true);

  /// The facts the last checked expressions referred to (cleared by take_fact_uses).
  std::vector<uint32_t> take_fact_uses();

  /// Whether values of type `base` have the field `f` (a session's date, dose_mg, …).
  bool field_exists(Type base, const std::string& f) const;

 private:
  Type name(Expr& e, const Scope& scope);
  Type not_in_initial(Expr& e, std::string_view what, const std::string& name);
  bool item_in_range(const Expr& instrument, const Expr& number);
  Type call(Expr& e, const Scope& scope);
  Type field(Expr& e, Type base, const std::string& field_name, SourcePos at);
  Type binary(Expr& e, const Scope& scope);
  Type if_expr(Expr& e, const Scope& scope);
  bool instrument_arg(Expr& a);
  bool event_or_date_arg(Expr& a, const Scope& scope, std::string_view fn);

  /// Whether `f` is close to a field of `base` (a misspelt field, which field() then names).
  bool close_field(Type base, const std::string& f) const;
  std::vector<std::string_view> name_candidates(const Scope& scope);  ///< views into candidates_
  Type fail(const Expr& at, std::string code, std::string message);
  Type fail_at(SourcePos pos, uint32_t width, std::string code, std::string message);

  const ast::Protocol& protocol_;
  Diagnostics& diagnostics_;
  std::vector<uint32_t> fact_uses_;
  std::vector<std::string> candidates_;
};

/// "a date", "an int", … for messages.
std::string a_type(Type t);

}  // namespace regimen::check
