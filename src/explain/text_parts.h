#pragma once
// Pieces of the text reports shared by explain, what-if and diff (internal to src/explain/).

#include <string>
#include <string_view>

#include "regimen/evaluate/evaluator.h"

namespace regimen::text_parts {

constexpr size_t kWidth = 78;

/// Wraps `text` to kWidth columns: the first line starts with `indent`, the others with
/// `indent` plus `hang` more spaces. Control characters are shown as '?' (printable()).
std::string wrap(std::string_view text, std::string_view indent, size_t hang = 0);
/// A "- " bullet: continuation lines line up with the text after the dash.
std::string bullet(std::string_view text, std::string_view indent);

/// "schedule_session, review (soon)", or "none".
std::string actions_text(const Evaluation& e);
/// The next session's window, "2026-04-21 to 2026-04-23", or "none".
std::string next_window(const Evaluation& e);
/// "early_response, low_baseline", or "none".
std::string flags_text(const Evaluation& e);
/// An action as a report's heading names it: "Clinician review", "SAFETY ALERT".
std::string action_words(Action a);

}  // namespace regimen::text_parts
