#pragma once
// What evaluations exercised, for `regimen test --coverage`: per expression node the outcomes
// of its `and`/`or` operands and `if` arms, per condition (a rule's or a transition's `when`)
// its outcomes, per transition whether it was taken, per rule what it came to.
//
// The evaluator records into one only when EvaluateOptions::coverage points at it; it is
// nullptr otherwise, so normal evaluation pays one predictable branch per hook and nothing
// else. One sink accumulates over many evaluations of one Plan. Turning it into a report by
// file:line:col is regimen/testing/coverage.h's job.

#include <cstdint>
#include <vector>

#include "regimen/compile/plan.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen {

struct CoverageSink {
  /// Bits of `nodes`, one byte per Plan node. An unknown value sets no bit.
  enum Bit : uint8_t {
    kLeftTrue = 1, kLeftFalse = 2, kRightTrue = 4, kRightFalse = 8,  ///< `and` / `or` operands
    kThen = 16, kElse = 32,                                            ///< `if` arms taken
    kConditionTrue = 64, kConditionFalse = 128,                        ///< on a `when` root
  };
  /// Bits of `rules`.
  enum RuleBit : uint8_t { kConsidered = 1, kFired = 2, kNotFired = 4 };

  std::vector<uint8_t> nodes;
  std::vector<uint32_t> transitions_taken;  ///< per transition: how often
  std::vector<uint8_t> rules;

  CoverageSink() = default;
  explicit CoverageSink(const Plan& plan)
      : nodes(plan.nodes.size(), 0), transitions_taken(plan.transitions.size(), 0), rules(plan.rules.size(), 0) {}

  /// Operand `side` (0 left, 1 right) of the `and`/`or` at `node` evaluated to `v`.
  void operand(uint32_t node, int side, const Value& v) {
    if (v.known) nodes[node] |= static_cast<uint8_t>((v.b ? kLeftTrue : kLeftFalse) << (2 * side));
  }
  void arm(uint32_t node, bool then_arm) { nodes[node] |= then_arm ? kThen : kElse; }
  /// The `when` whose root is `root` evaluated to `v`.
  void condition(uint32_t root, const Value& v) {
    if (v.known) nodes[root] |= v.b ? kConditionTrue : kConditionFalse;
  }
  void transition_taken(uint32_t transition) { ++transitions_taken[transition]; }
  void rule(uint32_t rule, Outcome result) {
    rules[rule] |= static_cast<uint8_t>(kConsidered | (result == Outcome::kTrue ? kFired : kNotFired));
  }
};

}  // namespace regimen
