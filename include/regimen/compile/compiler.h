#pragma once
// Compiling a checked protocol into a Plan, and the whole pipeline in one call.

#include <string>

#include "regimen/check/checker.h"
#include "regimen/common/diagnostic.h"
#include "regimen/compile/plan.h"

namespace regimen {

/// Checked AST → Plan. Cannot fail on a checked protocol; a broken invariant is a bug.
Plan compile_protocol(const CheckedProtocol& checked);

/// load → check → compile on one source text. The diagnostics hold every error and warning
/// of every stage, sorted by position.
Result<Plan> build_plan(const SourceFile& source);

/// The built-in copy of rules/ketamine-depression.yaml, compiled into the binary.
const SourceFile& default_protocol_source();

}  // namespace regimen
