#pragma once
// A protocol's names and fixed texts as JSON strings, quoted and escaped once. Every result line
// repeats them (each trace entry names its rule, its place in the file, its condition and its
// sources), so a writer of many results of one protocol (batch) makes this once and copies them.

#include <string>
#include <string_view>
#include <vector>

#include "regimen/compile/plan.h"

namespace regimen {

struct QuotedPlan {
  explicit QuotedPlan(const Plan& plan);

  const Plan* plan;  ///< the plan these were made from
  std::vector<std::string> rule_id, rule_location, rule_when;  ///< per rule ("true" without a condition)
  std::vector<std::string> transition_id, transition_location, transition_when;  ///< per transition
  std::vector<std::string> citation;   ///< per source
  std::vector<std::string> phase_name;
  std::vector<std::string> fact_name, param_name, state_name;  ///< param_name is "params.<name>"
  std::string today;

  /// The quoted name of a name node (kFact, kParam, kState, kToday), as Plan::name_of gives it.
  [[nodiscard]] std::string_view name_of(const PlanNode& n) const;
};

}  // namespace regimen
