#pragma once
// The two graphs of a protocol, built with Boost.Graph: derived facts and their dependencies
// (cycles, evaluation order) and phases with their transitions (reachability).

#include <cstdint>
#include <optional>
#include <vector>

#include "regimen/protocol/ast.h"

namespace regimen::check {

/// The facts each fact's value names (found syntactically, before type checking).
std::vector<std::vector<uint32_t>> fact_references(const ast::Protocol& p);

struct FactOrder {
  std::vector<uint32_t> order;               ///< dependencies first; facts on a cycle are left out
  std::vector<std::vector<uint32_t>> cycles;  ///< each cycle as a path a → b → … → a (a listed once)
};
FactOrder order_facts(const std::vector<std::vector<uint32_t>>& references);

/// Phase indices reachable from `start` through transitions (`from: any` reaches every phase's exits).
std::vector<bool> reachable_phases(const ast::Protocol& p, uint32_t start);

/// For each phase, whether some transition leads from it to another phase.
std::vector<bool> phases_with_exit(const ast::Protocol& p);

/// The index of a phase by name.
std::optional<uint32_t> phase_index(const ast::Protocol& p, const std::string& name);

}  // namespace regimen::check
