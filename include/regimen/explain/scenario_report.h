#pragma once
// What-if comparisons and plans, for people (text) and programs (JSON).

#include <string>

#include "regimen/evaluate/projection.h"
#include "regimen/evaluate/whatif.h"
#include "regimen/explain/report.h"

namespace regimen {

std::string whatif_text(const Plan& plan, const WhatIf& w, const ReportInfo& info);
std::string whatif_json(const Plan& plan, const WhatIf& w, const ReportInfo& info);

std::string plan_text(const Plan& plan, const std::vector<Projection>& projections);
std::string plan_json(const Plan& plan, const std::vector<Projection>& projections, const ReportInfo& info);

}  // namespace regimen
