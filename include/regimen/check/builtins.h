#pragma once
// The protocol language's built-in functions: their names, signatures and result types.
// The checker resolves calls against this table; the evaluator switches on Builtin.

#include <span>
#include <string_view>

#include "regimen/protocol/types.h"

namespace regimen {

enum class Builtin : uint8_t {
  // timeline: assessments
  kLatest,           ///< latest(I) | latest(I, before): the latest assessment (taken before an event / on or before a date)
  kFirstAfter,       ///< first_after(I, x): the first assessment after an event or a date
  kAssessmentCount,  ///< assessment_count(I)
  kItem,             ///< item(a, n): the answer to item n of assessment a
  kLatestItem,       ///< latest_item(I, n): the latest answer to item n
  kLatestAnswering,  ///< latest_answering(I, n): the assessment latest_item(I, n) comes from
  // timeline: sessions
  kSessionCount,     ///< session_count() | session_count(after): completed sessions (after an event / date)
  kFirstSession,     ///< first_session()
  kLastSession,      ///< last_session()
  kPreviousSession,  ///< previous_session(): the one before the last
  kMissedCount,      ///< missed_count(after): missed or cancelled sessions after an event / date
  // timeline: other
  kLatestObservation,  ///< latest_observation('code')
  kActive,             ///< active('code'): the condition is active
  kActiveAmong,        ///< active_among(list): the codes in list that are active conditions
  kRecordedAmong,      ///< recorded_among(list): the codes in list recorded at all, active or resolved (a history of)
  kDaysSince,          ///< days_since(x): today - x, for a date or an event
  kAfter,              ///< after(x, y): x comes later in the timeline than y (events or dates)
  // pure
  kMin, kMax, kClamp, kAbs, kRound, kDays, kKnown, kCoalesce, kCount, kJoin, kPctChange, kDate,
  kText,  ///< text(x): x as a template shows it, as a string (unknown when x is)
};

struct BuiltinInfo {
  std::string_view name;
  Builtin id;
  bool reads_timeline;  ///< depends on the timeline (not only on its arguments)
  std::string_view help;  ///< one line for docs and did-you-mean messages
};

std::span<const BuiltinInfo> builtins();
const BuiltinInfo* find_builtin(std::string_view name);

}  // namespace regimen
