#pragma once
// The evaluator: replays a patient's timeline through a compiled protocol and says what should
// happen next on a given day, and why. Pure and deterministic: the same plan, timeline and
// options give the same Evaluation (no clock, no global state).
//
// An Evaluation refers to strings of the Plan and the Timeline it was made from: keep both
// alive while it is used.

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regimen/common/date.h"
#include "regimen/compile/plan.h"
#include "regimen/evaluate/value.h"
#include "regimen/timeline/timeline.h"

namespace regimen {

struct CoverageSink;  // regimen/evaluate/coverage_sink.h

struct EvaluateOptions {
  Date as_of;
  /// Record every considered rule with the values it saw, and every fact (for explanations and
  /// audits). Without it only recommendations, flags and the phase are produced (batch speed).
  bool trace = true;
  /// With `trace`: also what comparing two protocol versions needs (`regimen diff`): the
  /// transitions passed over at each event. Off by default.
  bool comparison_detail = false;
  /// Keep in the replay's events those the plan never reads (observations, unless it reads them).
  /// Comparing two protocol versions needs it: their histories are matched by event position.
  bool all_events = false;
  /// Parameter overrides (what-if): parameter index → value, checked by the caller.
  std::vector<std::pair<uint32_t, Constant>> overrides;
  /// When set, what the evaluation exercised is recorded there (`regimen test --coverage`).
  CoverageSink* coverage = nullptr;
};

/// One event of the replay, in the order the replay reads them.
struct EventRef {
  EventKind kind = EventKind::kSession;
  Date date;
  int32_t seconds = -1;  ///< time of day, -1 when none
  uint32_t index = 0;    ///< into the timeline's (or the evaluation's merged) array of that kind
  const void* item = nullptr;  ///< the Session / Assessment / Observation / Decision
  uint64_t order = 0;          ///< the sort key of the reading order
  int32_t instrument = -1;     ///< for assessments: the protocol's instrument index (-1: undeclared)
};

struct RecommendedWindow {
  Date earliest, latest;  ///< clamped so that neither is before as_of
  bool overdue = false;   ///< the latest day, before clamping, was before as_of
  int32_t days_overdue = 0;  ///< as_of minus that latest day, when overdue
  int32_t days_open = 0;     ///< as_of minus the earliest day before clamping, when the window opened before as_of
};

struct Recommendation {
  Action action = Action::kReview;
  Priority priority = Priority::kRoutine;
  std::optional<RecommendedWindow> window;
  std::string summary;
  std::vector<std::string> instruments;
  std::vector<std::string> checklist;
  uint32_t rule = 0;             ///< index into Plan::rules
  std::vector<uint32_t> because;  ///< trace entry ids
};

enum class Outcome : uint8_t { kTrue, kFalse, kNotEvaluated };

struct NamedValue {
  std::string_view name;  ///< the plan's: "phq9.latest", "params.safety.high_score", "today"
  Value value;
  uint32_t node = 0;  ///< the plan node that names it
};

struct TraceEntry {
  uint32_t id = 0;  ///< 1-based
  uint32_t rule = 0;
  Outcome result = Outcome::kFalse;
  std::vector<NamedValue> values;    ///< every name the condition reads, with its value
  std::vector<std::string> missing;  ///< for kNotEvaluated: the unknown data, as people say them
  std::string explanation;           ///< the rule's `explain` sentence, when it fired
  std::vector<NamedValue> window_values;  ///< what its window read (a rule that fired, or whose window was unknown)
};

/// A transition taken during the replay: the chain of reasons that led to the phase.
struct HistoryEntry {
  uint32_t event = 0;  ///< index into Evaluation::events
  uint32_t transition = 0;
  uint32_t from_phase = 0, to_phase = 0;
  std::vector<NamedValue> values;  ///< the names its condition read
  std::string explanation;         ///< the transition's `explain` sentence, with the values of then
};

/// With comparison_detail: a transition whose phase and event matched but whose condition did
/// not hold (false, or unknown) when the replay read that event.
struct PassedOver {
  uint32_t event = 0;  ///< index into Evaluation::events
  uint32_t transition = 0;
  bool unknown = false;  ///< the condition was unknown rather than false
  std::vector<NamedValue> values;
};

struct EvaluationWarning {
  std::string code;
  std::string message;
  std::string pointer = {};  ///< the JSON pointer of the event it is about, when it is about one
};

struct Evaluation {
  std::string patient_id;
  Date as_of;
  uint32_t phase = 0;
  std::vector<Recommendation> recommendations;
  std::vector<std::string> flags;  ///< sorted
  std::vector<std::pair<uint32_t, Value>> facts;  ///< fact index → value at as_of (with trace)
  std::vector<TraceEntry> trace;
  std::vector<HistoryEntry> history;
  std::vector<PassedOver> passed_over;  ///< with comparison_detail, in replay order
  std::vector<EvaluationWarning> warnings;
  uint32_t ignored_events = 0;  ///< events (and condition onsets) after as_of
  std::vector<Value> parameters;  ///< the values used, overrides applied
  std::vector<bool> overridden;   ///< per parameter
  std::vector<EventRef> events;   ///< the replayed sequence, for event values and history

  // Storage for values made during evaluation (joined texts, lists, merged assessments): lists,
  // so that values can point into them and nothing is allocated until something is stored.
  std::list<std::string> texts;
  std::list<std::vector<std::string>> lists;
  std::list<Assessment> merged_assessments;

  /// Memory kept from one evaluation to the next (evaluate_into): emptied strings and vectors the
  /// last result held, and the evaluator's working tables. Not part of the result.
  struct Spare {
    std::vector<std::string> texts;               ///< for rendered sentences
    std::vector<std::vector<NamedValue>> values;  ///< for the values a condition read
    std::vector<Value> facts, state;
    std::vector<uint32_t> fact_status;
    std::vector<const Condition*> conditions;
  } spare;

  /// Empties every part, keeping the memory for the next evaluation.
  void clear();
};

Evaluation evaluate(const Plan& plan, const Timeline& timeline, const EvaluateOptions& options);

/// The same into `out`, whose memory is reused (a batch worker evaluates every patient into one):
/// `out` is emptied first, so the result is exactly evaluate()'s.
void evaluate_into(const Plan& plan, const Timeline& timeline, const EvaluateOptions& options, Evaluation& out);

/// An event as a person reads it: "the session of 2026-01-05", "the phq9 of 2026-01-26 (score 12)";
/// with " at 10:30:00" after the date when the event has a time of day.
std::string describe_event(const EventRef& e);

/// The time of day of an event as written ("10:30:00", "10:30:00+02:00"), or empty when it has
/// none: the time that ordered it among the events of its day, for explanations.
std::string_view event_time(const EventRef& e, char (&buffer)[Timestamp::kMaxChars]);

/// A value as a person reads it: 2026-01-05, 14 days, 59, unknown.
std::string format_value(const Value& v, const Evaluation& e);
/// The same, appended to `out`.
void append_value(std::string& out, const Value& v, const Evaluation& e);

/// "name = value, name = value" for the values a condition read.
std::string format_values(const std::vector<NamedValue>& values, const Evaluation& e);

}  // namespace regimen
