#pragma once
// The checker: names, types, references and graphs of a loaded protocol. It annotates every
// expression with its type and what each name resolves to, and reports every mistake it finds
// (codes check.*), each at its position, with a did-you-mean where one fits.
//
// Passes, in order (each runs even when an earlier one found errors, so one run shows all):
//   declarations  ids, names, duplicates, parameter ranges and defaults, sources, instruments
//   expressions   facts, state, transitions, rules: names, types, where `event` may appear
//   facts         the fact dependency graph: cycles (named), evaluation order
//   phases        the phase graph: a start, reachability, dead ends
//   rules         actions, priorities, windows, instruments, citations

#include <cstdint>
#include <string>
#include <vector>

#include "regimen/common/diagnostic.h"
#include "regimen/protocol/ast.h"

namespace regimen {

struct CheckedProtocol {
  ast::Protocol ast;                             ///< annotated: every Expr has its type and symbol
  std::vector<uint32_t> fact_order;              ///< facts in dependency order (dependencies first)
  std::vector<std::vector<uint32_t>> fact_uses;  ///< for each fact, the facts its value reads
  uint32_t start_phase = 0;
};

/// The checked protocol when it has no errors (warnings may come with it).
Result<CheckedProtocol> check_protocol(ast::Protocol protocol);

/// The lint's warnings (check.never_true, check.conflicting_actions, check.unused_parameter,
/// check.phase_without_rules; see src/check/lint.h), added to `diagnostics`. Run it only on a
/// protocol that loaded and checked without errors: it relies on every expression's type.
void lint_protocol(const CheckedProtocol& checked, Diagnostics& diagnostics);

/// The phase graph in Graphviz dot: phases as nodes (the start one marked), transitions as
/// labelled edges. Works on an unchecked AST too, for drawing a protocol under repair.
std::string phase_graph_dot(const ast::Protocol& protocol);

}  // namespace regimen
