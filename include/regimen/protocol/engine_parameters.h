#pragma once
// Parameters the engine itself reads by name, besides any expression that uses them: a
// protocol that declares one is configuring the engine, so the lint never calls it unused.

#include <algorithm>
#include <array>
#include <string_view>

namespace regimen {

/// `regimen plan`: the price of one session, for the plan's cost.
inline constexpr std::string_view kCostPerSessionParameter = "cost.per_session";
/// `regimen plan`: the sessions of an initial series, for the scenario's PHQ-9 path.
inline constexpr std::string_view kSeriesTargetSessionsParameter = "series.target_sessions";

inline constexpr std::array<std::string_view, 2> kEngineParameters = {kCostPerSessionParameter,
                                                                      kSeriesTargetSessionsParameter};

inline bool is_engine_parameter(std::string_view name) {
  return std::find(kEngineParameters.begin(), kEngineParameters.end(), name) != kEngineParameters.end();
}

}  // namespace regimen
