#pragma once
// Plans: the course projected forward from as_of, step by step, through the same compiled
// protocol and evaluator — no second copy of any clinical logic. Each recommended session is
// assumed to happen on the earliest day of its window; each requested assessment is taken that
// day with a score from a scenario.

#include <optional>
#include <string>
#include <vector>

#include "regimen/compile/overrides.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen {

/// How the primary instrument's score goes after as_of, as a fraction of the baseline reached
/// at the end of the series and kept after it (ketamine-protocol.md, "Plans").
enum class Scenario { kResponder, kPartial, kNonresponder };
std::string_view to_string(Scenario s);
double target_fraction(Scenario s);  ///< 0.40, 0.70, 0.90

struct ProjectedStep {
  Date date;
  enum class Kind { kSession, kAssessment } kind = Kind::kSession;
  std::string instrument;
  int score = 0;
  std::string phase;  ///< the phase it falls in: the one the replay reads it in
  uint32_t assessment_index = 0;  ///< an assessment's index in the projected timeline
};

struct DecisionPoint {
  Date date;
  std::string from_phase, to_phase;
  std::string transition;  ///< the transition that decided
};

struct Projection {
  Scenario scenario = Scenario::kResponder;
  Date as_of, until;
  std::vector<ProjectedStep> steps;
  std::vector<DecisionPoint> decisions;
  int sessions_until_decision = -1;  ///< projected sessions before the first decision point (-1: none in the horizon)
  int sessions_in_horizon = 0;
  std::optional<double> cost_per_session;
  std::string end_phase;
  std::string stopped_because;  ///< why the projection ends before the horizon, or ""
  /// What the protocol asked of a clinician on the plan's first day (a review, a reassessment, a
  /// safety alert, a hold) that the plan went past to project sessions: it assumes each settled
  /// so that the course goes on (a blood pressure above the label's guide, say, dosed after
  /// weighing). Empty when the plan projects no session.
  struct Assumed {
    std::string rule;
    Action action;
    Priority priority;
  };
  std::vector<Assumed> assumed_settled;
  /// Instruments the protocol asked for that the plan left out, having no score of them to start
  /// from (the others asked for at the same time were projected).
  std::vector<std::string> not_projected;
  Timeline timeline;            ///< the timeline with the projected events
};

struct ProjectionOptions {
  Date as_of;
  int horizon_days = 120;
  Scenario scenario = Scenario::kResponder;
  std::vector<ParameterOverride> overrides;
};

Projection project(const Plan& plan, const Timeline& timeline, const ProjectionOptions& options);

}  // namespace regimen
