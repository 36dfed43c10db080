#include "regimen/timeline/timeline_json.h"

#include <algorithm>
#include <charconv>
#include <span>

#include "regimen/common/json_writer.h"

namespace regimen {
namespace {

/// The items in input order (by `index`). Arrays usually come in order already, and then no
/// list is made; otherwise each item is placed at its index (a reader keeps every index from 0 to
/// n-1), with a sort only for anything else.
template <class T>
std::span<const T* const> in_input_order(const std::vector<T>& items, std::vector<const T*>& order) {
  order.clear();
  order.reserve(items.size());
  for (const T& x : items) order.push_back(&x);
  bool placed = true;
  for (size_t i = 0; i < items.size() && placed; ++i) placed = items[i].index < items.size();
  if (placed) {
    for (const T& x : items) order[x.index] = &x;
    for (size_t i = 0; i < order.size() && placed; ++i) placed = order[i]->index == i;  // no index twice
  }
  if (!placed) {
    for (size_t i = 0; i < items.size(); ++i) order[i] = &items[i];
    std::stable_sort(order.begin(), order.end(), [](const T* a, const T* b) { return a->index < b->index; });
  }
  return order;
}

/// A date or date-time as a JSON string, without making a std::string.
void write_time(JsonWriter& w, const Timestamp& t) {
  char text[Timestamp::kMaxChars];
  w.value(std::string_view(text, t.write(text)));
}

}  // namespace

std::string to_canonical_json(const Timeline& t) {
  std::string out;
  write_canonical_json(t, out);
  return out;
}

void write_canonical_json(const Timeline& t, std::string& out) {
  out.clear();
  append_canonical_json(t, out);
}

void append_canonical_json(const Timeline& t, std::string& out) {
  JsonWriter w(out, JsonWriter::Style::kCompact);
  // Lists reused for the order of each array (a batch writes one of these per audited record).
  thread_local std::vector<const Session*> sessions;
  thread_local std::vector<const Assessment*> assessments;
  thread_local std::vector<const Observation*> observations;
  thread_local std::vector<const Condition*> conditions;
  thread_local std::vector<const Decision*> decisions;
  w.begin_object();
  w.key("patient").begin_object().key("id").value(t.patient_id).end_object();
  if (t.as_of) {
    w.key("as_of");
    write_time(w, *t.as_of);
  }
  w.key("sessions").begin_array();
  for (const Session* s : in_input_order(t.sessions, sessions)) {
    w.begin_object().key("date");
    write_time(w, s->at);
    w.key("status").value(to_string(s->status));
    if (!s->route.empty()) w.key("route").value(s->route);
    for (const Dose& d : s->doses) w.key(d.name).value(d.value);
    w.end_object();
  }
  w.end_array();
  w.key("assessments").begin_array();
  for (const Assessment* a : in_input_order(t.assessments, assessments)) {
    w.begin_object().key("date");
    write_time(w, a->at);
    w.key("instrument").value(a->instrument).key("score").value(a->score);
    if (!a->items.empty()) {
      w.key("items").begin_object();
      for (const ItemAnswer& i : a->items) {
        char number[12];
        w.key(std::string_view(number, static_cast<size_t>(std::to_chars(number, number + sizeof number, i.item).ptr - number)))
            .value(i.answer);
      }
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.key("observations").begin_array();
  for (const Observation* o : in_input_order(t.observations, observations)) {
    w.begin_object().key("date");
    write_time(w, o->at);
    w.key("code").value(o->code).key("value").value(o->value);
    if (!o->unit.empty()) w.key("unit").value(o->unit);
    w.end_object();
  }
  w.end_array();
  w.key("conditions").begin_array();
  for (const Condition* c : in_input_order(t.conditions, conditions)) {
    w.begin_object().key("code").value(c->code);
    if (c->onset) {
      w.key("onset");
      write_time(w, *c->onset);
    }
    w.key("status").value(to_string(c->status)).end_object();
  }
  w.end_array();
  w.key("decisions").begin_array();
  for (const Decision* d : in_input_order(t.decisions, decisions)) {
    w.begin_object().key("date");
    write_time(w, d->at);
    w.key("kind").value(to_string(d->kind));
    if (!d->by.empty()) w.key("by").value(d->by);
    if (!d->note.empty()) w.key("note").value(d->note);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace regimen
