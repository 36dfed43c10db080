#pragma once
// The lint: warnings (never errors) about a protocol that compiles but probably does not say
// what its author meant. It runs on a checked protocol without errors (it needs every
// expression's type and symbol). The warnings and what each decides are documented in
// docs/protocol-language.md, "Lint warnings".
//
//   check.never_true            a rule whose condition can never be true
//   check.conflicting_actions   two rules of one phase that can fire together with actions that contradict
//   check.unused_parameter      a parameter nothing reads (engine-read parameters count as read)
//   check.phase_without_rules   a phase no rule applies to, unless it says why with no_rules
// (check.no_citation, a rule without a source, is reported by the rules pass of the checker.)

#include "regimen/common/diagnostic.h"
#include "regimen/protocol/ast.h"

namespace regimen::check {

void lint_protocol(const ast::Protocol& protocol, Diagnostics& diagnostics);

}  // namespace regimen::check
