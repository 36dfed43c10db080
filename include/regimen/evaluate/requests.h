#pragma once
// What-if and plan requests as data. The command line turns its flags into these, and a recorded
// decision stores them, so that `regimen audit replay` asks exactly the same question again
// through the same code.

#include <string>
#include <string_view>
#include <vector>

#include "regimen/common/diagnostic.h"
#include "regimen/evaluate/projection.h"
#include "regimen/evaluate/whatif.h"

namespace regimen {

/// Alternatives from a scenario document (YAML, or JSON, which is YAML):
///   alternatives:
///     - {name: N, miss_session: [DATE], add_session: [DATE],
///        add_score: [{date: DATE, instrument: I, score: S, items: {9: 0}}], set: {PARAM: VALUE}}
/// Every value is checked against the protocol (instruments, ranges, parameters). On problems,
/// `error` says what, for a person, a line each ("FILE:LINE:COL: message"), `problems` are the
/// same as diagnostics for JSON (code whatif.syntax or whatif.scenario; the file and place when
/// the problem is in a scenario file), `problem` is the first, and no alternative is returned.
/// Every change of every alternative is read on its own, so that the problems of a file are found
/// in one run: in the file's order, each once, at most 50 and a count of the rest
/// (whatif.more_errors); a YAML syntax error is one problem, where the parser stopped. The command
/// line's document reports its first problem only.
struct AlternativesRead {
  std::vector<Alternative> alternatives;
  std::string error;
  Diagnostic problem;
  Diagnostics problems;
};
AlternativesRead read_alternatives(const Plan& plan, std::string_view document, std::string_view name);

/// A what-if request: the alternative the command-line flags describe (a scenario document of one
/// alternative, or empty) followed by those of a scenario file, if one was given.
struct WhatIfRequest {
  std::string flags;          ///< JSON scenario document, or empty
  std::string scenario;       ///< the scenario file's text (an empty file is read, and is an error)
  std::string scenario_name;  ///< the scenario file's name; empty when none was given
};
std::string to_json(const WhatIfRequest& r);
/// The alternatives of a request, flags first. `error` is set on a problem.
AlternativesRead alternatives_of(const Plan& plan, const WhatIfRequest& r);
/// Reads a stored request back; false when it is not one.
bool parse_whatif_request(std::string_view json, WhatIfRequest& out);

/// A plan request: which scenarios, how far ahead, which parameters set (PARAM=VALUE as given).
struct PlanRequest {
  std::string scenario = "all";  ///< responder | partial | nonresponder | all
  int horizon_days = 120;
  std::vector<std::string> set;
};
std::string to_json(const PlanRequest& r);
bool parse_plan_request(std::string_view json, PlanRequest& out);

/// The projections a plan request asks for, on `as_of`. `error` is set on a bad PARAM=VALUE.
struct PlanRun {
  std::vector<Projection> projections;
  std::vector<ParameterOverride> overrides;
  /// The patient on as_of with the overrides (no trace): whom the plan is for. Like any
  /// Evaluation it points into the timeline run_plan was given, which must outlive it.
  Evaluation now;
  std::string error;
};
PlanRun run_plan(const Plan& plan, const Timeline& timeline, Date as_of, const PlanRequest& request);

}  // namespace regimen
