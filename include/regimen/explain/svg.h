#pragma once
// A picture of the course: PHQ-9 (and GAD-7) over time, sessions as marks, phases as bands, the
// recommended window, projected events dashed; several panels (scenarios) one above the other.

#include <string>
#include <vector>

#include "regimen/compile/plan.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen {

struct CourseChart {
  std::string title;
  Date as_of;                    ///< events after this day are drawn as projected (dashed)
  const Timeline* timeline = nullptr;
  const Evaluation* evaluation = nullptr;  ///< evaluated with the trace (for phases and the window)
};

std::string render_svg(const Plan& plan, const std::vector<CourseChart>& panels);

}  // namespace regimen
