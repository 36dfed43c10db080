#include "regimen/check/builtins.h"

#include <array>

namespace regimen {
namespace {

constexpr std::array kBuiltins = {
    BuiltinInfo{"latest", Builtin::kLatest, true, "latest(I) or latest(I, before): the latest assessment of instrument I"},
    BuiltinInfo{"first_after", Builtin::kFirstAfter, true, "first_after(I, x): the first assessment of I after an event or a date"},
    BuiltinInfo{"assessment_count", Builtin::kAssessmentCount, true, "assessment_count(I): how many assessments of I"},
    BuiltinInfo{"item", Builtin::kItem, false, "item(a, n): the answer to item n of assessment a"},
    BuiltinInfo{"latest_item", Builtin::kLatestItem, true, "latest_item(I, n): the latest answer to item n of I"},
    BuiltinInfo{"latest_answering", Builtin::kLatestAnswering, true,
                "latest_answering(I, n): the assessment of I that latest_item(I, n) reads (its date, its score)"},
    BuiltinInfo{"session_count", Builtin::kSessionCount, true, "session_count() or session_count(after): completed sessions"},
    BuiltinInfo{"first_session", Builtin::kFirstSession, true, "first_session(): the first completed session"},
    BuiltinInfo{"last_session", Builtin::kLastSession, true, "last_session(): the latest completed session"},
    BuiltinInfo{"previous_session", Builtin::kPreviousSession, true, "previous_session(): the completed session before the last"},
    BuiltinInfo{"missed_count", Builtin::kMissedCount, true, "missed_count(after): missed or cancelled sessions after an event or date"},
    BuiltinInfo{"latest_observation", Builtin::kLatestObservation, true, "latest_observation('code'): the latest observation with that code"},
    BuiltinInfo{"active", Builtin::kActive, true, "active('code'): whether that condition is active"},
    BuiltinInfo{"active_among", Builtin::kActiveAmong, true, "active_among(list): the codes of the list that are active conditions"},
    BuiltinInfo{"recorded_among", Builtin::kRecordedAmong, true, "recorded_among(list): the codes of the list recorded as conditions, active or resolved (a history of)"},
    BuiltinInfo{"days_since", Builtin::kDaysSince, true, "days_since(x): the days from a date or an event to today"},
    BuiltinInfo{"after", Builtin::kAfter, false, "after(x, y): x comes later in the timeline than y (events or dates)"},
    BuiltinInfo{"min", Builtin::kMin, false, "min(a, b, …): the smallest"},
    BuiltinInfo{"max", Builtin::kMax, false, "max(a, b, …): the largest"},
    BuiltinInfo{"clamp", Builtin::kClamp, false, "clamp(x, lo, hi): x kept within [lo, hi]"},
    BuiltinInfo{"abs", Builtin::kAbs, false, "abs(x)"},
    BuiltinInfo{"round", Builtin::kRound, false, "round(x): the nearest whole number (halves away from zero)"},
    BuiltinInfo{"days", Builtin::kDays, false, "days(d): a duration as a number of days"},
    BuiltinInfo{"known", Builtin::kKnown, false, "known(x): whether x is known"},
    BuiltinInfo{"coalesce", Builtin::kCoalesce, false, "coalesce(x, y): x when known, else y"},
    BuiltinInfo{"count", Builtin::kCount, false, "count(list): the number of items"},
    BuiltinInfo{"join", Builtin::kJoin, false, "join(list, sep): the items as one text"},
    BuiltinInfo{"pct_change", Builtin::kPctChange, false, "pct_change(from, to): 100 × (to − from) / from"},
    BuiltinInfo{"date", Builtin::kDate, false, "date('YYYY-MM-DD'): a fixed date"},
    BuiltinInfo{"text", Builtin::kText, false, "text(x): x as a template shows it, as a text (unknown when x is)"},
};

}  // namespace

std::span<const BuiltinInfo> builtins() { return kBuiltins; }

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const BuiltinInfo& b : kBuiltins)
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace regimen
