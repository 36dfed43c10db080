// The timeline as the replay sees it: events up to as_of in reading order, and the built-in
// functions that query the events read so far.

#include <algorithm>
#include <iterator>
#include <cmath>
#include <cstdint>
#include <utility>
#include <fmt/format.h>

#include "machine.h"

namespace regimen::engine {
namespace {

// Untimed events sit at the start of their day (assessments, observations) or at its end
// (decisions, then sessions): a PHQ-9 on a session's day is read before the session. An untimed
// decision on a day with a session is read just before that session, whenever it was given (see
// build_events): the spec reads a decision before the day's sessions unless times order them.
int32_t slot(EventKind kind, int32_t seconds) {
  if (seconds >= 0) return seconds;
  switch (kind) {
    case EventKind::kAssessment:
    case EventKind::kObservation: return -1;
    case EventKind::kDecision: return 86400;
    default: return 86401;
  }
}

int rank(EventKind kind) {
  switch (kind) {
    case EventKind::kAssessment: return 0;
    case EventKind::kObservation: return 1;
    case EventKind::kDecision: return 2;
    default: return 3;
  }
}

Type type_of(EventKind k) {
  switch (k) {
    case EventKind::kAssessment: return Type::kAssessment;
    case EventKind::kObservation: return Type::kObservation;
    case EventKind::kDecision: return Type::kDecision;
    default: return Type::kSession;
  }
}

const Observation& observation(const EventRef& e) { return *static_cast<const Observation*>(e.item); }

/// Observations of one time (or of one day, untimed) are read in the order of their content, not
/// of the timeline's array (timeline_order.h): `first` is where they start in `ev`, consecutive
/// and in time order, a run of one time holding consecutive positions.
void order_observation_ties(std::vector<EventRef>& ev, size_t first) {
  for (size_t a = first; a < ev.size();) {
    size_t b = a + 1;
    while (b < ev.size() && ev[b].date == ev[a].date && ev[b].seconds == ev[a].seconds) ++b;
    if (b - a > 1) {
      const uint32_t base = ev[a].index;
      std::stable_sort(ev.begin() + static_cast<std::ptrdiff_t>(a), ev.begin() + static_cast<std::ptrdiff_t>(b),
                       [](const EventRef& x, const EventRef& y) { return content_order(observation(x), observation(y)) < 0; });
      for (size_t k = a; k < b; ++k) ev[k].index = base + static_cast<uint32_t>(k - a);  // the reading order
    }
    a = b;
  }
}

}  // namespace

Machine::Machine(const Plan& plan, const Timeline& timeline, const EvaluateOptions& options, Evaluation& out)
    : plan_(plan), timeline_(timeline), options_(options), out_(out) {
  // Parameters are read from the plan's defaults; a table of values is made only for overrides.
  if (!options.overrides.empty()) {
    for (const Plan::Parameter& p : plan.parameters)
      params_.push_back(p.default_value ? from_constant(*p.default_value, p.type) : Value::unknown(p.type));
    out_.overridden.assign(plan.parameters.size(), false);
    for (const auto& [index, c] : options.overrides) {
      Value v = from_constant(c, plan.parameters[index].type);
      // A text or list is copied into the evaluation: its parameters outlive the options (a plan
      // or what-if reports them after the options it evaluated with are gone).
      if (v.known && v.type == Type::kString) v = Value::string(out_.texts.emplace_back(v.s()));
      else if (v.known && v.type == Type::kStringList) v = Value::strings(&out_.lists.emplace_back(*v.list));
      params_[index] = v;
      out_.overridden[index] = true;
    }
  }
  facts_.swap(out.spare.facts);
  fact_status_.swap(out.spare.fact_status);
  conditions_.swap(out.spare.conditions);
  state_.swap(out.spare.state);
  state_.clear();
  facts_.assign(plan.facts.size(), Value{});
  fact_status_.assign(plan.facts.size(), 0);
  conditions_.clear();
}

Machine::~Machine() {
  facts_.swap(out_.spare.facts);
  fact_status_.swap(out_.spare.fact_status);
  conditions_.swap(out_.spare.conditions);
  state_.swap(out_.spare.state);
}

std::string Machine::spare_text() {
  std::vector<std::string>& texts = out_.spare.texts;
  if (texts.empty()) return {};
  std::string s = std::move(texts.back());
  texts.pop_back();
  return s;
}

std::vector<NamedValue> Machine::spare_values() {
  std::vector<std::vector<NamedValue>>& values = out_.spare.values;
  if (values.empty()) return {};
  std::vector<NamedValue> v = std::move(values.back());
  values.pop_back();
  return v;
}

void Machine::build_events() {
  const Date as_of = options_.as_of;
  std::vector<EventRef>& ev = out_.events;
  ev.reserve(timeline_.sessions.size() + timeline_.assessments.size() + timeline_.observations.size() +
             timeline_.decisions.size());
  uint32_t ignored = 0;

  // Of several completed sessions on one day, one counts (with a warning, below): the one at the
  // earliest time. An untimed session has no time to compare: it is read at the end of its day,
  // so a timed one on that day is the earliest (the timeline puts untimed events first).
  size_t kept = SIZE_MAX;  // the completed session kept for its day, in `ev`
  const Session* last_completed = nullptr;
  for (uint32_t i = 0; i < timeline_.sessions.size(); ++i) {
    const Session& s = timeline_.sessions[i];
    if (s.at.date > as_of) {
      ++ignored;
      continue;
    }
    if (s.status == SessionStatus::kCompleted) {
      const EventRef session{EventKind::kSession, s.at.date, s.at.seconds, i, &s, 0, -1};
      const Session* previous = std::exchange(last_completed, &s);
      if (kept != SIZE_MAX && ev[kept].date == s.at.date) {
        // CONTRACT §2's warning, raised here rather than on reading: sessions after as_of are
        // ignored, so the same timeline re-evaluated on an earlier day says what it said then.
        out_.warnings.push_back(
            {"timeline.same_day_sessions", same_day_sessions_message(*previous, s), fmt::format("/sessions/{}", s.index)});
        if (ev[kept].seconds < 0 && s.at.seconds >= 0) ev[kept] = session;
        continue;
      }
      kept = ev.size();
      ev.push_back(session);
    } else {
      ev.push_back(EventRef{EventKind::kMissedSession, s.at.date, s.at.seconds, i, &s, 0, -1});
    }
  }

  // Several assessments of one instrument on one day that no time orders count as one: the
  // highest score, and for each item the highest answer. The timeline is sorted by date and
  // time, so such duplicates sit in one run; a merged copy is made only when there is one.
  const size_t first_assessment = ev.size();
  bool untimed_beside_timed = false;  // an untimed assessment on a day with a timed one of its instrument
  for (uint32_t i = 0; i < timeline_.assessments.size(); ++i) {
    const Assessment& a = timeline_.assessments[i];
    if (a.at.date > as_of) {
      ++ignored;
      continue;
    }
    EventRef* twin = nullptr;
    for (size_t k = ev.size(); k-- > first_assessment;) {
      if (ev[k].date != a.at.date) break;
      if (static_cast<const Assessment*>(ev[k].item)->instrument != a.instrument) continue;
      if (ev[k].seconds == a.at.seconds) twin = &ev[k];
      else untimed_beside_timed = untimed_beside_timed || ev[k].seconds < 0 || a.at.seconds < 0;
    }
    if (!twin) {
      ev.push_back(EventRef{EventKind::kAssessment, a.at.date, a.at.seconds, a.index, &a, 0, -1});
      continue;
    }
    merge_assessment(*twin, a);
  }
  if (untimed_beside_timed) [[unlikely]]
    merge_untimed_assessments(first_assessment);
  // Observations the plan never reads are left out (they are still counted when ignored): no
  // transition could take them and no query could find them, and the replay reads fewer events.
  const bool keep_observations = plan_.reads_observations || options_.all_events;
  const size_t first_observation = ev.size();
  for (uint32_t i = 0; i < timeline_.observations.size(); ++i) {
    const Observation& o = timeline_.observations[i];
    if (o.at.date > as_of) ++ignored;
    else if (keep_observations) ev.push_back(EventRef{EventKind::kObservation, o.at.date, o.at.seconds, i, &o, 0, -1});
  }
  if (keep_observations) order_observation_ties(ev, first_observation);
  bool decisions_share_a_day = false;
  for (uint32_t i = 0; i < timeline_.decisions.size(); ++i) {
    const Decision& d = timeline_.decisions[i];
    if (d.at.date > as_of) {
      ++ignored;
      continue;
    }
    decisions_share_a_day = decisions_share_a_day || (i > 0 && timeline_.decisions[i - 1].at.date == d.at.date);
    ev.push_back(EventRef{EventKind::kDecision, d.at.date, d.at.seconds, i, &d, 0, -1});
  }
  for (const Condition& c : timeline_.conditions) {
    if (c.onset && c.onset->date > as_of) ++ignored;
    else conditions_.push_back(&c);
  }
  // An untimed decision takes the slot of its day's session, if any (rank puts it just before
  // the session): a timed session would otherwise be read before it. Decisions are few, and the
  // sessions come first in `ev`, one a day.
  auto decision_slot = [&](const EventRef& d) {
    for (const EventRef& s : ev) {
      if (s.kind != EventKind::kSession && s.kind != EventKind::kMissedSession) break;
      if (s.kind == EventKind::kSession && s.date == d.date) return slot(s.kind, s.seconds);
    }
    return slot(d.kind, d.seconds);
  };
  // One 64-bit key per event (day, slot in the day, kind, input index) makes the order total
  // and the sort cheap: no comparator tuples, no merge buffer.
  for (EventRef& e : ev) {
    if (e.kind == EventKind::kAssessment)
      e.instrument = plan_.instruments.index_of(static_cast<const Assessment*>(e.item)->instrument);
    const int32_t in_day = e.kind == EventKind::kDecision && e.seconds < 0 ? decision_slot(e) : slot(e.kind, e.seconds);
    e.order = (static_cast<uint64_t>(static_cast<int64_t>(e.date.days) + (int64_t{1} << 23)) << 40) |
              (static_cast<uint64_t>(in_day + 1) << 20) | (static_cast<uint64_t>(rank(e.kind)) << 18) |
              (e.index & 0x3FFFF);
  }
  std::sort(ev.begin(), ev.end(), [](const EventRef& a, const EventRef& b) { return a.order < b.order; });
  out_.ignored_events = ignored;
  if (decisions_share_a_day) [[unlikely]]
    warn_unordered_decisions();
}

// Two different decisions on one day that no time orders (one or both untimed, or at one time)
// are read in a fixed order (content_order, and an untimed decision at its day's end): say which,
// since the clinician may have meant the other.
void Machine::warn_unordered_decisions() {
  const EventRef* last = nullptr;
  for (const EventRef& e : out_.events) {
    if (e.kind != EventKind::kDecision) continue;
    const auto& d = *static_cast<const Decision*>(e.item);
    if (last && last->date == e.date) {
      const auto& before = *static_cast<const Decision*>(last->item);
      const bool timed_apart = before.at.seconds >= 0 && d.at.seconds >= 0 && before.at.seconds != d.at.seconds;
      if (!timed_apart && before.kind != d.kind)
        out_.warnings.push_back({"replay.unordered_decisions",
                                 fmt::format("the {} and {} decisions on {} have no times that order them: {} is read first; "
                                             "give each a time to say which came last",
                                             to_string(before.kind), to_string(d.kind), d.at.date.to_string(), to_string(before.kind)),
                                 fmt::format("/decisions/{}", d.index)});
    }
    last = &e;
  }
}

void Machine::merge_assessment(EventRef& into, const Assessment& a) {
  // `into` reads either the timeline's own assessment (copied once) or a merged copy already.
  auto merged = std::find_if(out_.merged_assessments.begin(), out_.merged_assessments.end(),
                             [&](const Assessment& x) { return &x == into.item; });
  if (merged == out_.merged_assessments.end()) {
    out_.merged_assessments.push_back(*static_cast<const Assessment*>(into.item));
    merged = std::prev(out_.merged_assessments.end());
    into.item = &*merged;
  }
  Assessment& m = *merged;
  m.score = std::max(m.score, a.score);
  for (const ItemAnswer& item : a.items) {
    auto existing = std::find_if(m.items.begin(), m.items.end(), [&](const ItemAnswer& x) { return x.item == item.item; });
    if (existing == m.items.end()) m.items.push_back(item);
    else existing->answer = std::max(existing->answer, item.answer);
  }
  std::sort(m.items.begin(), m.items.end(), [](const ItemAnswer& x, const ItemAnswer& y) { return x.item < y.item; });
}

// An untimed assessment and a timed one of its instrument on one day: the spec orders two events
// of a day by their times only when both carry one, so no time orders these two, and the highest
// score counts. The untimed one is read at the start of its day, before the day's sessions and
// decisions, so it is merged into the last timed one read before the first of those that a time
// places (a timed one read after such a session or decision is ordered after the untimed one, by
// it). The merged assessment is read at the timed one's time.
void Machine::merge_untimed_assessments(size_t first_assessment) {
  std::vector<EventRef>& ev = out_.events;
  for (size_t u = first_assessment; u < ev.size(); ++u) {
    if (ev[u].seconds >= 0) continue;
    const Date day = ev[u].date;
    // The day's first session (of any status: a missed one is read at its time too) or decision
    // that a time places.
    int32_t first_placed = 86400;
    for (size_t k = 0; k < first_assessment; ++k)
      if (ev[k].date == day && ev[k].seconds >= 0) first_placed = std::min(first_placed, ev[k].seconds);
    for (const Decision& d : timeline_.decisions)
      if (d.at.date == day && d.at.seconds >= 0) first_placed = std::min(first_placed, d.at.seconds);
    // The day's assessments sit together (the timeline is in date order; a plan's projected ones
    // come after the given ones of their day, so an untimed one may follow a timed one). Of the
    // timed ones of the instrument read before first_placed (at its very time too: the
    // assessment is read first), the last.
    size_t lo = u, hi = u + 1;
    while (lo > first_assessment && ev[lo - 1].date == day) --lo;
    while (hi < ev.size() && ev[hi].date == day) ++hi;
    const auto& instrument = static_cast<const Assessment*>(ev[u].item)->instrument;
    size_t target = u;
    for (size_t k = lo; k < hi; ++k)
      if (ev[k].seconds >= 0 && ev[k].seconds <= first_placed &&
          static_cast<const Assessment*>(ev[k].item)->instrument == instrument &&
          (target == u || ev[k].seconds >= ev[target].seconds))
        target = k;
    if (target == u) continue;
    merge_assessment(ev[target], *static_cast<const Assessment*>(ev[u].item));
    ev.erase(ev.begin() + static_cast<std::ptrdiff_t>(u));
    --u;
  }
}

Value Machine::event_value(uint32_t seq) const { return Value::event(type_of(out_.events[seq].kind), seq); }

const Assessment& Machine::assessment(const Value& v) const {
  return *static_cast<const Assessment*>(out_.events[static_cast<size_t>(v.i)].item);
}

// Event `seq` comes before x: an event earlier in the reading order, or a day on or before a date.
bool Machine::before(const Value& x, uint32_t seq) const {
  if (x.type == Type::kDate) return out_.events[seq].date.days <= x.i;
  return seq < static_cast<uint64_t>(x.i);
}

bool Machine::after_value(uint32_t seq, const Value& x) const {
  if (x.type == Type::kDate) return out_.events[seq].date.days > x.i;
  return seq > static_cast<uint64_t>(x.i);
}

Value Machine::call(const PlanNode& n) {
  const auto& ev = out_.events;
  auto instrument_matches = [&](uint32_t seq, int64_t instrument) {
    return ev[seq].kind == EventKind::kAssessment && ev[seq].instrument == instrument;
  };
  auto completed = [&](uint32_t seq) { return ev[seq].kind == EventKind::kSession; };
  const uint32_t end = static_cast<uint32_t>(cursor_);

  switch (n.fn) {
    case Builtin::kLatest: {
      const int64_t instrument = plan_.constants[plan_.nodes[plan_.args[n.first_arg]].index].int_value;
      Value bound;
      if (n.arg_count == 2) {
        bound = arg(n, 1);
        if (!bound.known) return Value::unknown(Type::kAssessment);
      }
      for (uint32_t seq = end; seq-- > 0;)
        if (instrument_matches(seq, instrument) && (n.arg_count == 1 || before(bound, seq))) return event_value(seq);
      return Value::unknown(Type::kAssessment);
    }
    case Builtin::kFirstAfter: {
      const int64_t instrument = plan_.constants[plan_.nodes[plan_.args[n.first_arg]].index].int_value;
      const Value x = arg(n, 1);
      if (!x.known) return Value::unknown(Type::kAssessment);
      for (uint32_t seq = 0; seq < end; ++seq)
        if (instrument_matches(seq, instrument) && after_value(seq, x)) return event_value(seq);
      return Value::unknown(Type::kAssessment);
    }
    case Builtin::kAssessmentCount: {
      const int64_t instrument = plan_.constants[plan_.nodes[plan_.args[n.first_arg]].index].int_value;
      int64_t count = 0;
      for (uint32_t seq = 0; seq < end; ++seq) count += instrument_matches(seq, instrument);
      return Value::integer(count);
    }
    case Builtin::kItem: {
      const Value a = arg(n, 0), item = arg(n, 1);
      if (!a.known || !item.known) return Value::unknown(Type::kInt);
      if (auto answer = assessment(a).item(static_cast<int>(item.i))) return Value::integer(*answer);
      return Value::unknown(Type::kInt);
    }
    case Builtin::kLatestItem:
    case Builtin::kLatestAnswering: {
      const bool answer_wanted = n.fn == Builtin::kLatestItem;
      const int64_t instrument = plan_.constants[plan_.nodes[plan_.args[n.first_arg]].index].int_value;
      const Value item = arg(n, 1);
      if (!item.known) return Value::unknown(answer_wanted ? Type::kInt : Type::kAssessment);
      // The latest answer; of several on that day (timed or not), the highest: for a safety
      // item, the worst answer of the day is the one that counts. latest_answering gives the
      // assessment it comes from (the latest of the day's that gave it).
      std::optional<int> best;
      uint32_t from = 0;
      Date day;
      for (uint32_t seq = end; seq-- > 0;) {
        if (!instrument_matches(seq, instrument)) continue;
        if (best && ev[seq].date != day) break;
        if (auto answer = static_cast<const Assessment*>(ev[seq].item)->item(static_cast<int>(item.i))) {
          day = ev[seq].date;
          if (!best || *answer > *best) from = seq;
          best = std::max(best.value_or(*answer), *answer);
        }
      }
      if (!best) return Value::unknown(answer_wanted ? Type::kInt : Type::kAssessment);
      return answer_wanted ? Value::integer(*best) : Value::event(Type::kAssessment, from);
    }
    case Builtin::kSessionCount: {
      Value x;
      if (n.arg_count == 1) {
        x = arg(n, 0);
        if (!x.known) return Value::unknown(Type::kInt);
      }
      int64_t count = 0;
      for (uint32_t seq = 0; seq < end; ++seq) count += completed(seq) && (n.arg_count == 0 || after_value(seq, x));
      return Value::integer(count);
    }
    case Builtin::kFirstSession:
      for (uint32_t seq = 0; seq < end; ++seq)
        if (completed(seq)) return event_value(seq);
      return Value::unknown(Type::kSession);
    case Builtin::kLastSession:
    case Builtin::kPreviousSession: {
      int skip = n.fn == Builtin::kPreviousSession ? 1 : 0;
      for (uint32_t seq = end; seq-- > 0;)
        if (completed(seq) && skip-- == 0) return event_value(seq);
      return Value::unknown(Type::kSession);
    }
    case Builtin::kMissedCount: {
      const Value x = arg(n, 0);
      if (!x.known) return Value::unknown(Type::kInt);
      int64_t count = 0;
      for (uint32_t seq = 0; seq < end; ++seq) count += ev[seq].kind == EventKind::kMissedSession && after_value(seq, x);
      return Value::integer(count);
    }
    case Builtin::kLatestObservation: {
      const Value code = arg(n, 0);
      if (!code.known) return Value::unknown(Type::kObservation);
      for (uint32_t seq = end; seq-- > 0;)
        if (ev[seq].kind == EventKind::kObservation && static_cast<const Observation*>(ev[seq].item)->code == code.s())
          return event_value(seq);
      return Value::unknown(Type::kObservation);
    }
    case Builtin::kActive:
    case Builtin::kActiveAmong:
    case Builtin::kRecordedAmong: {
      const Value x = arg(n, 0);
      if (!x.known) return Value::unknown(n.type);
      const bool any_status = n.fn == Builtin::kRecordedAmong;
      auto active = [&](std::string_view code) {
        return std::any_of(conditions_.begin(), conditions_.end(), [&](const Condition* c) {
          return c->code == code && (any_status || c->status == ConditionStatus::kActive) &&
                 (!c->onset || c->onset->date <= today_);
        });
      };
      if (n.fn == Builtin::kActive) return Value::boolean(active(x.s()));
      std::vector<std::string> found;
      for (const std::string& code : *x.list)
        if (active(code)) found.push_back(code);
      out_.lists.push_back(std::move(found));
      return Value::strings(&out_.lists.back());
    }
    case Builtin::kDaysSince: {
      const Value x = arg(n, 0);
      if (!x.known) return Value::unknown(Type::kDuration);
      const int64_t day = x.type == Type::kDate ? x.i : ev[static_cast<size_t>(x.i)].date.days;
      return Value::duration(today_.days - day);
    }
    case Builtin::kAfter: {
      const Value x = arg(n, 0), y = arg(n, 1);
      if (!x.known || !y.known) return Value::unknown(Type::kBool);
      if (x.type != Type::kDate && y.type != Type::kDate) return Value::boolean(x.i > y.i);
      const int64_t xd = x.type == Type::kDate ? x.i : ev[static_cast<size_t>(x.i)].date.days;
      const int64_t yd = y.type == Type::kDate ? y.i : ev[static_cast<size_t>(y.i)].date.days;
      return Value::boolean(xd > yd);
    }
    default: break;
  }
  return Value::unknown(n.type);  // pure functions are in interpreter.cc
}

Value Machine::field(const PlanNode& n, const Value& base) {
  if (!base.known) return Value::unknown(n.type);
  const EventRef& e = out_.events[static_cast<size_t>(base.i)];
  auto text = [&](const std::string& s) { return s.empty() ? Value::unknown(Type::kString) : Value::string(s); };
  switch (n.field) {
    case Field::kDate: return Value::date(e.date.days);
    case Field::kRoute: return text(static_cast<const Session*>(e.item)->route);
    case Field::kDose: {
      const std::string& name = plan_.constants[n.index].string_value;
      for (const Dose& d : static_cast<const Session*>(e.item)->doses)
        if (d.name == name) return Value::number(d.value);
      return Value::unknown(Type::kNumber);
    }
    case Field::kScore: return Value::integer(static_cast<const Assessment*>(e.item)->score);
    case Field::kInstrument: return Value::string(static_cast<const Assessment*>(e.item)->instrument);
    case Field::kValue: return Value::number(static_cast<const Observation*>(e.item)->value);
    case Field::kUnit: return text(static_cast<const Observation*>(e.item)->unit);
    case Field::kCode: return Value::string(static_cast<const Observation*>(e.item)->code);
    case Field::kKind: return Value::string(to_string(static_cast<const Decision*>(e.item)->kind));
    case Field::kBy: return text(static_cast<const Decision*>(e.item)->by);
    case Field::kNote: return text(static_cast<const Decision*>(e.item)->note);
    case Field::kNone: break;
  }
  return Value::unknown(n.type);
}

}  // namespace regimen::engine
