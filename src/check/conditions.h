#pragma once
// When can a condition be true? A rule fires only when its condition is *true* (unknown does
// not fire), so the lint writes "c is true" as a disjunction of conjunctions of literals, each
// literal a comparison or a yes/no atom that must hold. The rewriting is exact for the
// language's three-valued logic: `not a` is true exactly when a is false, `a and b` when both
// are true, a comparison only when both sides are known. Bool facts are followed into their
// definitions. A part the lint cannot follow becomes "anything" (so it may be true), which
// keeps every "never" the lint says a certain one.
//
// A conjunction is contradictory when its literals cannot all hold for any patient on any day:
//   - an atom required both true and false (`contra.any` and `not contra.any`);
//   - a term that must be known and unknown (`phq9.baseline < 10` and `not known(phq9.baseline)`);
//   - a term whose values are bounded into nothing: its own range (an instrument's scores, a
//     parameter's declared range, literals, arithmetic over them) met with the bounds the
//     comparisons put on it (`phq9.latest > 27`; `a > 10 and a < 5`; `x < p` with x and p apart);
//   - a string term that equals no value it can take (`phq9.class == 'respnse'`);
//   - two terms compared in incompatible ways (`x >= p` and `x < p`).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "abstract_value.h"
#include "regimen/protocol/ast.h"

namespace regimen::check {

struct Literal {
  enum class Kind : uint8_t { kAtom, kCompare };
  Kind kind = Kind::kAtom;
  std::string key;    ///< atom: its text; compare: "lhs op rhs" (with any `not` folded into op)
  bool positive = true;           ///< atom: must be true (or false)
  const Expr* lhs = nullptr;      ///< compare
  const Expr* rhs = nullptr;
  std::string op;                 ///< compare: < <= > >= == !=
  std::string known_of;           ///< atom known(x): the text of x
  const Expr* anchor = nullptr;   ///< the node of the rule's own condition this literal comes from
  std::string via;                ///< the fact it was found in, when it came through one
  std::string display;            ///< what text() shows instead, for a literal the author did not write

  [[nodiscard]] std::string text() const;  ///< as a person reads it: "not contra.any", "a >= 5"
};

using Conjunction = std::vector<Literal>;
using Disjunction = std::vector<Conjunction>;  ///< empty: never true; one empty conjunction: always

struct Contradiction {
  const Literal* at = nullptr;  ///< the literal that could not be added
  std::string why;              ///< one clause: "'a < 5' contradicts 'a > 10'"
};

class ConditionAnalyzer {
 public:
  explicit ConditionAnalyzer(const ast::Protocol& protocol);

  /// The ways `e` (a bool expression) can be true.
  Disjunction when_true(const Expr& e);
  /// Why the literals of `c` cannot all hold together, or nothing when they may.
  std::optional<Contradiction> contradiction(const Conjunction& c);

 private:
  Disjunction ways(const Expr& e, bool want, const Expr* anchor, const std::string& via, int depth);
  Literal atom(const Expr& e, bool want, const Expr* anchor, const std::string& via);

  const ast::Protocol& protocol_;
  AbstractEvaluator values_;
};

}  // namespace regimen::check
