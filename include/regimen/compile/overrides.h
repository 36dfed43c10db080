#pragma once
// Parameter overrides (`--set name=value`, a test case's `set:`): checked against the
// parameter's declaration, so an unknown name or an out-of-range value is a clear error.

#include <string>
#include <string_view>
#include <utility>

#include "regimen/compile/plan.h"

namespace regimen {

struct ParameterOverride {
  uint32_t index = 0;
  Constant value;
};

struct OverrideResult {
  std::optional<ParameterOverride> value;
  std::string error;  ///< why not, when there is no value
};

/// Reads `text` as a value of the parameter `name` of `plan`: "8", "28d", "4w", "2.5", "true",
/// "a,b,c" for lists, "unset" to make it unknown.
OverrideResult parse_override(const Plan& plan, std::string_view name, std::string_view text);

/// Whether the parameters, with `overrides` applied (a later one for the same parameter wins),
/// keep every `at_most` between two of them: an empty string, or why not, e.g.
/// "series.min_gap_days = 7 is more than series.max_gap_days = 4, which it must be at most".
std::string check_parameter_order(const Plan& plan, const std::vector<ParameterOverride>& overrides);

}  // namespace regimen
