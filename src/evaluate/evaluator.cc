// The replay through the phase machine, then the rules of the phase it ends in.

#include "regimen/evaluate/evaluator.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

#include "machine.h"
#include "regimen/common/utf8.h"

namespace regimen {
namespace engine {

void Machine::move_to(size_t cursor, Date today, std::optional<uint32_t> event) {
  cursor_ = cursor;
  today_ = today;
  event_ = event;
  ++epoch_;  // facts depend on the point of evaluation: none computed at the new one yet
}

namespace {

bool on_matches(const Plan::Transition& t, const EventRef& e) {
  if (t.on != e.kind) return false;
  if (t.detail < 0 && t.observation_code.empty()) return true;
  switch (e.kind) {
    case EventKind::kAssessment: return e.instrument == t.detail;
    case EventKind::kDecision: return static_cast<int32_t>(static_cast<const Decision*>(e.item)->kind) == t.detail;
    case EventKind::kObservation: return static_cast<const Observation*>(e.item)->code == t.observation_code;
    default: return true;
  }
}

}  // namespace

void Machine::replay() {
  uint32_t phase = plan_.start_phase;
  move_to(0, options_.as_of, std::nullopt);
  state_.clear();
  for (const Plan::StateVar& s : plan_.state) state_.push_back(s.initial ? eval(s.initial->root) : Value::unknown(s.type));

  std::vector<Value> assigned;
  assigned.reserve(8);
  if (options_.trace) out_.history.reserve(out_.events.size());
  for (uint32_t seq = 0; seq < out_.events.size(); ++seq) {
    const EventRef& e = out_.events[seq];
    move_to(seq + 1, e.date, seq);
    bool taken = false;
    for (const uint32_t ti : plan_.transitions_by_phase_and_event[phase * Plan::kEventKinds + static_cast<size_t>(e.kind)]) {
      const Plan::Transition& t = plan_.transitions[ti];
      if (!on_matches(t, e)) continue;
      if (t.when) {
        const Value when = eval(t.when->root);
        if (coverage_) [[unlikely]] coverage_->condition(t.when->root, when);
        if (!when.is_true()) {
          if (options_.trace && options_.comparison_detail)
            out_.passed_over.push_back(PassedOver{seq, ti, !when.known, values_read(*t.when)});
          continue;
        }
      }
      if (coverage_) [[unlikely]] coverage_->transition_taken(ti);
      HistoryEntry h{seq, ti, phase, t.to >= 0 ? static_cast<uint32_t>(t.to) : phase, {}, {}};
      if (options_.trace && t.when) h.values = values_read(*t.when);
      if (options_.trace && t.explain) h.explanation = render(*t.explain);
      // The warning too reads the moment the transition is taken: rendered after the assignments,
      // it showed new state beside facts computed before them.
      if (t.warn) out_.warnings.push_back({"replay.warning", render(*t.warn)});
      // All assignments see the state as it was before the transition.
      assigned.clear();
      for (const Plan::Assignment& a : t.set) assigned.push_back(eval(a.value.root));
      for (size_t i = 0; i < t.set.size(); ++i) {
        Value v = assigned[i];
        v.type = plan_.state[t.set[i].state].type;
        if (v.type == Type::kNumber && plan_.nodes[t.set[i].value.root].type == Type::kInt) v.d = static_cast<double>(v.i);
        state_[t.set[i].state] = v;
      }
      if (t.to >= 0) phase = static_cast<uint32_t>(t.to);
      if (options_.trace) out_.history.push_back(std::move(h));
      taken = true;
      break;
    }
    if (!taken && e.kind == EventKind::kDecision)
      out_.warnings.push_back({"replay.decision_ignored",
                               fmt::format("{} has no effect in phase {} and is ignored", describe_event(e),
                                           plan_.phases[phase].name)});
  }
  out_.phase = phase;
}

namespace {

int action_rank(Action a) {
  switch (a) {
    case Action::kSafetyAlert: return 0;
    case Action::kHold: return 1;
    case Action::kReassess: return 2;
    case Action::kReview: return 3;
    case Action::kCollectAssessment: return 4;
    case Action::kScheduleSession: return 5;
  }
  return 6;
}

}  // namespace

void Machine::evaluate_rules() {
  move_to(out_.events.size(), options_.as_of, std::nullopt);
  const int64_t as_of = options_.as_of.days;
  std::vector<bool> flags(plan_.flag_names.size(), false);
  if (options_.trace) out_.trace.reserve(plan_.rules.size());  // at most one entry a rule

  for (uint32_t ri = 0; ri < plan_.rules.size(); ++ri) {
    const Plan::Rule& r = plan_.rules[ri];
    if (!r.phases[out_.phase]) continue;
    Outcome result = Outcome::kTrue;
    if (r.when) {
      const Value v = eval(r.when->root);
      if (coverage_) [[unlikely]] coverage_->condition(r.when->root, v);
      result = !v.known ? Outcome::kNotEvaluated : (v.b ? Outcome::kTrue : Outcome::kFalse);
    }
    // A window that cannot be computed leaves the rule unable to recommend anything.
    std::optional<RecommendedWindow> window;
    bool window_unknown = false;
    std::string window_empty;  // an earliest day after the latest: no day is in the window
    if (result == Outcome::kTrue && r.window) {
      const Value lo = eval(r.window->earliest.root), hi = eval(r.window->latest.root);
      if (!lo.known || !hi.known) {
        window_unknown = true;
        result = Outcome::kNotEvaluated;
      } else if (lo.i > hi.i) [[unlikely]] {
        window_empty = fmt::format("the window is empty: its earliest day {} is after its latest day {}",
                                   Date{static_cast<int32_t>(lo.i)}.to_string(), Date{static_cast<int32_t>(hi.i)}.to_string());
        result = Outcome::kNotEvaluated;
      } else {
        window = RecommendedWindow{Date{static_cast<int32_t>(std::max(lo.i, as_of))},
                                   Date{static_cast<int32_t>(std::max(hi.i, as_of))}, hi.i < as_of,
                                   static_cast<int32_t>(std::max<int64_t>(0, as_of - hi.i)),
                                   static_cast<int32_t>(std::max<int64_t>(0, as_of - lo.i))};
      }
    }
    if (coverage_) [[unlikely]] coverage_->rule(ri, result);
    uint32_t trace_id = 0;
    if (options_.trace) {
      TraceEntry t;
      t.id = static_cast<uint32_t>(out_.trace.size() + 1);
      t.rule = ri;
      t.result = result;
      if (r.when) t.values = values_read(*r.when);
      if (result == Outcome::kNotEvaluated) {
        if (!window_empty.empty()) {
          t.missing.push_back(window_empty);
        } else if (window_unknown) {  // what the unknown end (or ends) of the window rests on
          for (const CompiledExpr* end : {&r.window->earliest, &r.window->latest}) {
            if (eval(end->root).known) continue;
            for (std::string& m : missing_data(*end))
              if (std::find(t.missing.begin(), t.missing.end(), m) == t.missing.end()) t.missing.push_back(std::move(m));
          }
        } else {
          t.missing = missing_data(*r.when);
        }
      }
      if (result == Outcome::kTrue && r.explain) t.explanation = render(*r.explain);
      // What the window read: with it the trace answers "why this window" (CONTRACT §3).
      if (r.window && (result == Outcome::kTrue || window_unknown || !window_empty.empty())) {
        t.window_values = values_read(r.window->reads);
      }
      trace_id = t.id;
      out_.trace.push_back(std::move(t));
    }
    if (result != Outcome::kTrue) continue;
    for (uint32_t f : r.flags) flags[f] = true;
    if (window && window->overdue && r.overdue_flag) flags[*r.overdue_flag] = true;
    if (!r.action) continue;
    Recommendation rec;
    rec.action = *r.action;
    rec.priority = r.priority;
    if (window && window->overdue && rec.priority < Priority::kSoon) rec.priority = Priority::kSoon;
    rec.window = window;
    if (r.summary) rec.summary = render(*r.summary);
    for (uint32_t i : r.instruments) rec.instruments.push_back(plan_.instruments.specs()[i].name);
    rec.checklist = r.checklist;
    rec.rule = ri;
    if (trace_id) rec.because.push_back(trace_id);
    out_.recommendations.push_back(std::move(rec));
  }
  std::stable_sort(out_.recommendations.begin(), out_.recommendations.end(),
                   [](const Recommendation& a, const Recommendation& b) {
                     if (a.priority != b.priority) return a.priority > b.priority;
                     return action_rank(a.action) < action_rank(b.action);
                   });
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i]) out_.flags.push_back(plan_.flag_names[i]);  // flag_names are sorted

  if (options_.trace) {
    out_.facts.reserve(plan_.facts.size());
    for (uint32_t f = 0; f < plan_.facts.size(); ++f) out_.facts.emplace_back(f, fact(f));
  }
  if (options_.trace || !options_.overrides.empty()) {
    out_.parameters.clear();
    out_.parameters.reserve(plan_.parameters.size());
    for (uint32_t i = 0; i < plan_.parameters.size(); ++i) out_.parameters.push_back(param(i));
    out_.overridden.resize(plan_.parameters.size(), false);
  }
}

}  // namespace engine

std::string_view event_time(const EventRef& e, char (&buffer)[Timestamp::kMaxChars]) {
  if (e.seconds < 0) return {};
  const Timestamp* at = nullptr;
  switch (e.kind) {
    case EventKind::kSession:
    case EventKind::kMissedSession: at = &static_cast<const Session*>(e.item)->at; break;
    case EventKind::kAssessment: at = &static_cast<const Assessment*>(e.item)->at; break;
    case EventKind::kObservation: at = &static_cast<const Observation*>(e.item)->at; break;
    case EventKind::kDecision: at = &static_cast<const Decision*>(e.item)->at; break;
  }
  return {buffer, at->write_time(buffer)};
}

namespace {
// "2026-01-05", or "2026-01-05 at 10:30:00" for an event with a time of day.
std::string day_and_time(const EventRef& e) {
  char buffer[Timestamp::kMaxChars];
  const std::string_view time = event_time(e, buffer);
  return time.empty() ? e.date.to_string() : fmt::format("{} at {}", e.date.to_string(), time);
}
}  // namespace

std::string describe_event(const EventRef& e) {
  switch (e.kind) {
    case EventKind::kSession: return fmt::format("the session of {}", day_and_time(e));
    case EventKind::kMissedSession: return fmt::format("the missed session of {}", day_and_time(e));
    case EventKind::kAssessment: {
      const auto* a = static_cast<const Assessment*>(e.item);
      return fmt::format("the {} of {} (score {})", a->instrument, day_and_time(e), a->score);
    }
    case EventKind::kObservation: {
      const auto* o = static_cast<const Observation*>(e.item);
      return fmt::format("the {} observation of {}", o->code, day_and_time(e));
    }
    case EventKind::kDecision: {
      const auto* d = static_cast<const Decision*>(e.item);
      return fmt::format("the {} decision of {}", to_string(d->kind), day_and_time(e));
    }
  }
  return "an event";
}

namespace {

void keep(std::vector<NamedValue>& v, Evaluation::Spare& spare) {
  if (v.capacity() == 0) return;
  v.clear();
  spare.values.push_back(std::move(v));
}

void keep(std::string& s, Evaluation::Spare& spare) {
  if (s.capacity() <= std::string().capacity()) return;  // short: nothing on the heap to keep
  s.clear();
  spare.texts.push_back(std::move(s));
}

}  // namespace

void Evaluation::clear() {
  // What the last result's entries hold on the heap serves the next one.
  for (TraceEntry& t : trace) {
    keep(t.values, spare);
    keep(t.window_values, spare);
    keep(t.explanation, spare);
  }
  for (HistoryEntry& h : history) {
    keep(h.values, spare);
    keep(h.explanation, spare);
  }
  for (PassedOver& p : passed_over) keep(p.values, spare);
  for (Recommendation& r : recommendations) keep(r.summary, spare);
  patient_id.clear();
  as_of = Date{};
  phase = 0;
  recommendations.clear();
  flags.clear();
  facts.clear();
  trace.clear();
  history.clear();
  passed_over.clear();
  warnings.clear();
  ignored_events = 0;
  parameters.clear();
  overridden.clear();
  events.clear();
  texts.clear();
  lists.clear();
  merged_assessments.clear();
}

void evaluate_into(const Plan& plan, const Timeline& timeline, const EvaluateOptions& options, Evaluation& out) {
  out.clear();
  out.patient_id = timeline.patient_id;
  out.as_of = options.as_of;
  engine::Machine machine(plan, timeline, options, out);
  machine.build_events();
  machine.replay();
  machine.evaluate_rules();
}

Evaluation evaluate(const Plan& plan, const Timeline& timeline, const EvaluateOptions& options) {
  Evaluation out;
  evaluate_into(plan, timeline, options, out);
  return out;
}

std::string format_values(const std::vector<NamedValue>& values, const Evaluation& e) {
  std::string out;
  for (const NamedValue& v : values) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} = {}", v.name, format_value(v.value, e));
  }
  return out;
}

std::string format_value(const Value& v, const Evaluation& e) {
  std::string out;
  append_value(out, v, e);
  return out;
}

void append_value(std::string& out, const Value& v, const Evaluation& e) {
  auto to = std::back_inserter(out);
  if (!v.known) {
    out += "unknown";
    return;
  }
  switch (v.type) {
    case Type::kBool: out += v.b ? "true" : "false"; return;
    case Type::kInt: fmt::format_to(to, "{}", v.i); return;
    case Type::kNumber: {
      char text[64];
      std::string_view s(text, static_cast<size_t>(fmt::format_to_n(text, sizeof text, "{:.2f}", v.d).out - text));
      while (s.back() == '0') s.remove_suffix(1);
      if (s.back() == '.') s.remove_suffix(1);
      out += s == "-0" ? "0" : s;
      return;
    }
    case Type::kString: out += v.s(); return;
    case Type::kDate: {
      char text[Date::kMaxChars];
      out.append(text, Date{static_cast<int32_t>(v.i)}.write(text));
      return;
    }
    case Type::kDuration: fmt::format_to(to, "{} day{}", v.i, v.i == 1 || v.i == -1 ? "" : "s"); return;
    case Type::kStringList: {
      if (v.list->empty()) out += "none";
      for (size_t i = 0; i < v.list->size(); ++i) {
        if (i) out += ", ";
        out += (*v.list)[i];
      }
      return;
    }
    case Type::kSession:
    case Type::kAssessment:
    case Type::kObservation:
    case Type::kDecision: {
      const EventRef& ev = e.events[static_cast<size_t>(v.i)];
      // The day, and the time of day when the event has one: it orders the events of a day.
      char day[Timestamp::kMaxChars + 4];
      size_t n = ev.date.write(day);
      if (ev.seconds >= 0) {
        char buffer[Timestamp::kMaxChars];
        const std::string_view time = event_time(ev, buffer);
        std::memcpy(day + n, " at ", 4);
        std::memcpy(day + n + 4, time.data(), time.size());
        n += 4 + time.size();
      }
      const std::string_view date(day, n);
      switch (ev.kind) {
        case EventKind::kAssessment: {
          const auto* a = static_cast<const Assessment*>(ev.item);
          fmt::format_to(to, "{} {} on {}", a->instrument, a->score, date);
          return;
        }
        case EventKind::kObservation: {
          const auto* o = static_cast<const Observation*>(ev.item);
          fmt::format_to(to, "{} {}{}{} on {}", o->code, o->value, o->unit.empty() ? "" : " ", o->unit, date);
          return;
        }
        case EventKind::kDecision: {
          // Who decided and why, as recorded: the clinician's reason belongs in the explanation.
          // Free text, shown as a terminal can show it (no escape sequences, one line).
          const auto* d = static_cast<const Decision*>(ev.item);
          fmt::format_to(to, "{} on {}", to_string(d->kind), date);
          if (!d->by.empty() || !d->note.empty())
            fmt::format_to(to, " ({}{}{})", d->by.empty() ? "" : "by " + printable(d->by), !d->by.empty() && !d->note.empty() ? ": " : "",
                           d->note.empty() ? "" : "\"" + printable(d->note) + "\"");
          return;
        }
        default: {
          // The route and doses as recorded (CONTRACT §2: carried into the explanation), e.g.
          // "session on 2026-04-06 (iv, 0.5 mg/kg)".
          const auto* s = static_cast<const Session*>(ev.item);
          fmt::format_to(to, "session on {}", date);
          if (s->route.empty() && s->doses.empty()) return;
          out += " (";
          out += s->route;
          for (const Dose& d : s->doses) {
            if (out.back() != '(') out += ", ";
            const std::string_view unit = std::string_view(d.name).substr(d.name.starts_with("dose_") ? 5 : 0);
            const size_t per = unit.find("_per_");  // dose_mg_per_kg: mg/kg
            if (per == std::string_view::npos) fmt::format_to(to, "{} {}", d.value, unit);
            else fmt::format_to(to, "{} {}/{}", d.value, unit.substr(0, per), unit.substr(per + 5));
          }
          out += ')';
          return;
        }
      }
    }
    default: out += "?"; return;
  }
}

}  // namespace regimen
