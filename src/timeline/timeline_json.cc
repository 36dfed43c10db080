#include "regimen/timeline/timeline_json.h"

#include <algorithm>

#include "regimen/common/json_writer.h"

namespace regimen {
namespace {

template <class T>
std::vector<const T*> in_input_order(const std::vector<T>& items) {
  std::vector<const T*> out;
  for (const T& x : items) out.push_back(&x);
  std::stable_sort(out.begin(), out.end(), [](const T* a, const T* b) { return a->index < b->index; });
  return out;
}

}  // namespace

std::string to_canonical_json(const Timeline& t) {
  std::string out;
  write_canonical_json(t, out);
  return out;
}

void write_canonical_json(const Timeline& t, std::string& out) {
  out.clear();
  JsonWriter w(out, JsonWriter::Style::kCompact);
  w.begin_object();
  w.key("patient").begin_object().key("id").value(t.patient_id).end_object();
  if (t.as_of) w.key("as_of").value(t.as_of->to_string());
  w.key("sessions").begin_array();
  for (const Session* s : in_input_order(t.sessions)) {
    w.begin_object().key("date").value(s->at.to_string()).key("status").value(to_string(s->status));
    if (!s->route.empty()) w.key("route").value(s->route);
    for (const Dose& d : s->doses) w.key(d.name).value(d.value);
    w.end_object();
  }
  w.end_array();
  w.key("assessments").begin_array();
  for (const Assessment* a : in_input_order(t.assessments)) {
    w.begin_object().key("date").value(a->at.to_string()).key("instrument").value(a->instrument).key("score").value(a->score);
    if (!a->items.empty()) {
      w.key("items").begin_object();
      for (const ItemAnswer& i : a->items) w.key(std::to_string(i.item)).value(i.answer);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.key("observations").begin_array();
  for (const Observation* o : in_input_order(t.observations)) {
    w.begin_object().key("date").value(o->at.to_string()).key("code").value(o->code).key("value").value(o->value);
    if (!o->unit.empty()) w.key("unit").value(o->unit);
    w.end_object();
  }
  w.end_array();
  w.key("conditions").begin_array();
  for (const Condition* c : in_input_order(t.conditions)) {
    w.begin_object().key("code").value(c->code);
    if (c->onset) w.key("onset").value(c->onset->to_string());
    w.key("status").value(to_string(c->status)).end_object();
  }
  w.end_array();
  w.key("decisions").begin_array();
  for (const Decision* d : in_input_order(t.decisions)) {
    w.begin_object().key("date").value(d->at.to_string()).key("kind").value(to_string(d->kind));
    if (!d->by.empty()) w.key("by").value(d->by);
    if (!d->note.empty()) w.key("note").value(d->note);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace regimen
