// CONTRACT §3 JSON. Key order is fixed here; new keys go at the end of their object.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <fmt/format.h>
#include <span>

#include "regimen/explain/report.h"

namespace regimen {

std::string cite(const Plan& plan, uint32_t source) { return plan.sources[source].citation; }

namespace {

/// What one result writes many times over, each formatted once: dates as JSON strings (a line
/// shows the same few dates, as_of, the last session, the baseline, many times over, and
/// formatting one is a calendar computation), and, in compact output, events as JSON objects (a
/// line names the same assessment in several facts and trace values: 10 events a patient of the
/// generated cohort, 5 of them different).
class Texts {
 public:
  std::string_view date(Date d) {
    Slot& slot = slots_[static_cast<uint32_t>(d.days) % kSlots];
    if (slot.days != d.days || slot.size == 0) {
      slot.text[0] = '"';
      const size_t n = d.write(slot.text + 1);
      slot.text[n + 1] = '"';
      slot.size = static_cast<uint8_t>(n + 2);
      slot.days = d.days;
    }
    return {slot.text, slot.size};
  }
  /// Where event `index` was written as a value in `w`, if it was: the bytes to copy again.
  std::optional<std::pair<size_t, size_t>> event(const JsonWriter& w, size_t index) const {
    const EventSlot& slot = events_[index % kSlots];
    if (w.pretty() || slot.index != index) return std::nullopt;  // (pretty: indents differ)
    return std::pair{slot.at, slot.size};
  }
  void written_event(size_t index, size_t at, size_t size) { events_[index % kSlots] = {index, at, size}; }

 private:
  static constexpr uint32_t kSlots = 16;
  struct EventSlot {
    size_t index = SIZE_MAX;
    size_t at = 0, size = 0;
  };
  EventSlot events_[kSlots];
  struct Slot {
    int32_t days = 0;
    uint8_t size = 0;  ///< 0: empty
    char text[Date::kMaxChars + 2];
  };
  Slot slots_[kSlots];
};

void write_date(JsonWriter& w, Date d, Texts& texts) { w.json_value(texts.date(d)); }
// An event's time of day as written, after its date, when it has one (it orders the day's events).
void write_time(JsonWriter& w, const EventRef& ev) {
  if (ev.seconds < 0) return;
  char buffer[Timestamp::kMaxChars];
  w.key("time").value(event_time(ev, buffer));
}

void write_value(JsonWriter& w, const Value& v, const Evaluation& e, Texts& texts) {
  if (!v.known) {
    w.null();
    return;
  }
  switch (v.type) {
    case Type::kBool: w.value(v.b); return;
    case Type::kInt:
    case Type::kDuration: w.value(v.i); return;
    case Type::kNumber: w.value(v.d); return;
    case Type::kString: w.value(v.s()); return;
    case Type::kDate: write_date(w, Date{static_cast<int32_t>(v.i)}, texts); return;
    case Type::kStringList:
      w.begin_array();
      for (const std::string& s : *v.list) w.value(s);
      w.end_array();
      return;
    case Type::kSession:
    case Type::kAssessment:
    case Type::kObservation:
    case Type::kDecision: {
      const auto index = static_cast<size_t>(v.i);
      if (const auto again = texts.event(w, index)) {
        w.json_value_again(again->first, again->second);
        return;
      }
      const EventRef& ev = e.events[index];
      w.begin_object();
      const size_t start = w.position() - 1;  // at the '{'
      w.key("date");
      write_date(w, ev.date, texts);
      write_time(w, ev);
      if (ev.kind == EventKind::kAssessment) {
        const auto* a = static_cast<const Assessment*>(ev.item);
        w.key("instrument").value(a->instrument).key("score").value(a->score);
      } else if (ev.kind == EventKind::kObservation) {
        const auto* o = static_cast<const Observation*>(ev.item);
        w.key("code").value(o->code).key("value").value(o->value);
      } else if (ev.kind == EventKind::kDecision) {
        const auto* d = static_cast<const Decision*>(ev.item);
        w.key("kind").value(to_string(d->kind));
        if (!d->by.empty()) w.key("by").value(d->by);
        if (!d->note.empty()) w.key("note").value(d->note);
      } else if (ev.kind == EventKind::kSession) {  // the route and doses as recorded (CONTRACT §2)
        const auto* s = static_cast<const Session*>(ev.item);
        if (!s->route.empty()) w.key("route").value(s->route);
        for (const Dose& d : s->doses) w.key(d.name).value(d.value);
      }
      w.end_object();
      texts.written_event(index, start, w.position() - start);
      return;
    }
    default: w.null(); return;
  }
}

void write_values(JsonWriter& w, const std::vector<NamedValue>& values, const Evaluation& e, const Plan& plan,
                  Texts& texts) {
  w.begin_object();
  for (const NamedValue& nv : values) {
    w.json_key(plan.quoted.name_of(plan.nodes[nv.node]));
    write_value(w, nv.value, e, texts);
  }
  w.end_object();
}

}  // namespace

void write_values(JsonWriter& w, const std::vector<NamedValue>& values, const Evaluation& e) {
  Texts texts;
  w.begin_object();
  for (const NamedValue& nv : values) {
    w.key(nv.name);
    write_value(w, nv.value, e, texts);
  }
  w.end_object();
}

void write_protocol_and_engine(JsonWriter& w, const Plan& plan, const ReportInfo& info) {
  w.key("protocol").begin_object();
  w.key("id").value(plan.id).key("version").value(plan.version).key("sha256").value(info.protocol_sha256);
  w.end_object();
  w.key("engine").begin_object().key("name").value("regimen").key("version").value(REGIMEN_VERSION).end_object();
}

void write_overrides(JsonWriter& w, const Plan& plan, const Evaluation& e) {
  w.begin_object();
  if (std::find(e.overridden.begin(), e.overridden.end(), true) == e.overridden.end()) {  // most runs: none
    w.end_object();
    return;
  }
  Texts texts;
  for (size_t i = 0; i < e.overridden.size(); ++i)
    if (e.overridden[i]) {
      w.key(plan.parameters[i].name);
      write_value(w, e.parameters[i], e, texts);
    }
  w.end_object();
}

void write_json(JsonWriter& w, const Plan& plan, const Evaluation& e, const ReportInfo& info) {
  const QuotedTexts& q = plan.quoted;
  Texts texts;
  w.begin_object();
  w.key("patient_id").value(e.patient_id);
  w.key("as_of");
  write_date(w, e.as_of, texts);
  write_protocol_and_engine(w, plan, info);
  w.key("phase").json_value(q.phase_name[e.phase]);

  w.key("recommendations").begin_array();
  for (const Recommendation& r : e.recommendations) {
    w.begin_object();
    w.key("action").value(to_string(r.action));
    w.key("priority").value(to_string(r.priority));
    if (r.window) {
      w.key("window").begin_object();
      w.key("earliest");
      write_date(w, r.window->earliest, texts);
      w.key("latest");
      write_date(w, r.window->latest, texts);
      if (r.window->overdue) w.key("overdue").value(true);
      w.end_object();
    }
    w.key("summary").value(r.summary);
    if (!r.instruments.empty()) {
      w.key("instruments").begin_array();
      for (const std::string& i : r.instruments) w.value(i);
      w.end_array();
    }
    if (!r.checklist.empty()) {
      w.key("checklist").begin_array();
      for (const std::string& c : r.checklist) w.value(c);
      w.end_array();
    }
    w.key("rule").json_value(q.rule_id[r.rule]);
    w.key("because").begin_array();
    if (!info.omit_trace)
      for (uint32_t id : r.because) w.value(id);
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("flags").begin_array();
  for (const std::string& f : e.flags) w.value(f);
  w.end_array();

  w.key("facts").begin_object();
  const auto facts = info.omit_trace ? std::span(e.facts.begin(), 0) : std::span(e.facts);
  for (const auto& [index, value] : facts) {
    w.json_key(q.fact_name[index]);
    write_value(w, value, e, texts);
  }
  w.end_object();

  w.key("trace").begin_array();
  for (const TraceEntry& t : info.omit_trace ? std::span(e.trace.begin(), 0) : std::span(e.trace)) {
    const Plan::Rule& r = plan.rules[t.rule];
    w.begin_object();
    w.key("id").value(t.id);
    w.key("rule").json_value(q.rule_id[t.rule]);
    w.key("source").json_value(q.rule_location[t.rule]);
    w.key("when").json_value(q.rule_when[t.rule]);
    w.key("values");
    write_values(w, t.values, e, plan, texts);
    w.key("result");
    if (t.result == Outcome::kNotEvaluated) w.value("not_evaluated");
    else w.value(t.result == Outcome::kTrue);
    if (t.result == Outcome::kNotEvaluated) {
      w.key("missing").begin_array();
      for (const std::string& m : t.missing) w.value(m);
      w.end_array();
    }
    if (r.window && !t.window_values.empty()) {  // why this window: its two ends as written, and what they read
      w.key("window").begin_object().key("earliest").value(r.window->earliest.text).key("latest").value(r.window->latest.text);
      w.key("values");
      write_values(w, t.window_values, e, plan, texts);
      w.end_object();
    }
    w.key("cites").begin_array();
    for (uint32_t c : r.cites) w.json_value(q.citation[c]);
    w.end_array();
    if (!t.explanation.empty()) w.key("explanation").value(t.explanation);
    w.end_object();
  }
  w.end_array();

  w.key("warnings").begin_array();
  for (const Diagnostic& d : info.input_warnings) {
    w.begin_object().key("code").value(d.code).key("message").value(d.message);
    if (!d.pointer.empty()) w.key("pointer").value(d.pointer);
    w.end_object();
  }
  for (const EvaluationWarning& x : e.warnings) {
    w.begin_object().key("code").value(x.code).key("message").value(x.message);
    if (!x.pointer.empty()) w.key("pointer").value(x.pointer);
    w.end_object();
  }
  w.end_array();

  // Additions to the contract's example, at the end.
  w.key("ignored_events").value(e.ignored_events);
  w.key("overrides");
  write_overrides(w, plan, e);
  w.key("history").begin_array();
  for (const HistoryEntry& h : info.omit_trace ? std::span(e.history.begin(), 0) : std::span(e.history)) {
    const Plan::Transition& t = plan.transitions[h.transition];
    const EventRef& ev = e.events[h.event];
    w.begin_object();
    w.key("date");
    write_date(w, ev.date, texts);
    write_time(w, ev);
    w.key("event").value(to_string(ev.kind));
    if (ev.kind == EventKind::kDecision) {  // the clinician's decision, with who and why when recorded
      const auto* d = static_cast<const Decision*>(ev.item);
      w.key("decision").value(to_string(d->kind));
      if (!d->by.empty()) w.key("by").value(d->by);
      if (!d->note.empty()) w.key("note").value(d->note);
    }
    w.key("transition").json_value(q.transition_id[h.transition]);
    w.key("source").json_value(q.transition_location[h.transition]);
    w.key("from").json_value(q.phase_name[h.from_phase]);
    w.key("to").json_value(q.phase_name[h.to_phase]);
    if (t.when) {
      w.key("when").json_value(q.transition_when[h.transition]);
      w.key("values");
      write_values(w, h.values, e, plan, texts);
    }
    if (!h.explanation.empty()) w.key("explanation").value(h.explanation);
    // What the transition rests on, by source id (the titles are in the protocol and, for the
    // sources the rules cite, in the trace): a history has many entries, and the full citation in
    // each made the traced output 13 % larger.
    w.key("cites").begin_array();
    for (uint32_t c : t.cites) w.value(plan.sources[c].id);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

std::string to_json(const Plan& plan, const Evaluation& e, const ReportInfo& info, JsonWriter::Style style) {
  JsonWriter w(style);
  write_json(w, plan, e, info);
  return w.take_line();
}

}  // namespace regimen
