#pragma once
// What-if comparisons and plans, for people (text) and programs (JSON).

#include <string>

#include "regimen/evaluate/projection.h"
#include "regimen/evaluate/whatif.h"
#include "regimen/explain/report.h"

namespace regimen {

std::string whatif_text(const Plan& plan, const WhatIf& w, const ReportInfo& info);
std::string whatif_json(const Plan& plan, const WhatIf& w, const ReportInfo& info);

/// A plan's projections, headed by whom and what they are for: `now` is the patient evaluated on
/// the plan's as_of with the plan's parameter overrides (its patient, day and overrides are shown).
std::string plan_text(const Plan& plan, const Evaluation& now, const std::vector<Projection>& projections,
                      const ReportInfo& info);
std::string plan_json(const Plan& plan, const Evaluation& now, const std::vector<Projection>& projections,
                      const ReportInfo& info);

}  // namespace regimen
