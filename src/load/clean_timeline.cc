#include "clean_timeline.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "regimen/common/source.h"
#include "timeline_order.h"

namespace regimen::load {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Each reader returns false when the walker must look at the document instead.

bool is_null(element v) { return v.type() == element_type::NULL_VALUE; }

/// key == literal, with the literal's length known when compiling: the comparison is inlined
/// (string_view's operator== calls memcmp, and keys are compared for every field of every event).
template <size_t N>
bool is(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

bool string(element v, std::string_view& out) {
  if (v.type() != element_type::STRING) return false;
  out = v.get_string().value_unsafe();
  return true;
}

/// The two digits at s[i], or -1.
int two_digits(std::string_view s, size_t i) {
  const unsigned a = static_cast<unsigned>(s[i] - '0'), b = static_cast<unsigned>(s[i + 1] - '0');
  return a < 10 && b < 10 ? static_cast<int>(a * 10 + b) : -1;
}

bool date(element v, Timestamp& out) {
  std::string_view s;
  if (!string(v, s)) return false;
  // The two forms cohorts use, YYYY-MM-DD and YYYY-MM-DDTHH:MM, by hand (dates are a fifth of the
  // reading otherwise); any other form goes to the general parser. Both accept exactly the same.
  if ((s.size() == 10 || (s.size() == 16 && s[10] == 'T' && s[13] == ':')) && s[4] == '-' && s[7] == '-') {
    const int century = two_digits(s, 0), year = two_digits(s, 2), month = two_digits(s, 5), day = two_digits(s, 8);
    if (century < 0 || year < 0 || month < 0 || day < 0) return false;
    const std::optional<Date> d = Date::from_ymd(century * 100 + year, month, day);  // checks the calendar
    if (!d) return false;
    int32_t seconds = -1;
    if (s.size() == 16) {
      const int hh = two_digits(s, 11), mm = two_digits(s, 14);
      if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return false;
      seconds = hh * 3600 + mm * 60;
    }
    // Field by field: a whole Timestamp built on the stack and copied stalled on store forwarding
    // (perf annotate: a third of this function's time on two moves).
    out.date = *d;
    out.seconds = seconds;
    out.zone_minutes = 0;
    out.has_zone = false;
    return true;
  }
  DateParse p = parse_date_or_datetime(s);
  if (!p.value) return false;
  out = *p.value;
  return true;
}

bool number(element v, double& out) {
  switch (v.type()) {
    case element_type::DOUBLE: out = v.get_double().value_unsafe(); return true;
    case element_type::INT64: out = static_cast<double>(v.get_int64().value_unsafe()); return true;
    case element_type::UINT64: out = static_cast<double>(v.get_uint64().value_unsafe()); return true;
    default: return false;
  }
}

/// Only a plain integer: 22.0, which the walker reads as 22, is left to it.
bool integer(element v, int64_t& out) {
  if (v.type() != element_type::INT64) return false;
  out = v.get_int64().value_unsafe();
  return true;
}

/// The field's bit in `seen`, or false when it was seen before (a duplicate: the walker's error).
bool first_time(uint32_t& seen, int bit) {
  if (seen & (1u << bit)) return false;
  seen |= 1u << bit;
  return true;
}

template <class Enum, size_t N>
bool choice(element v, const std::string_view (&names)[N], const Enum (&values)[N], Enum& out) {
  std::string_view s;
  if (!string(v, s)) return false;
  for (size_t i = 0; i < N; ++i)
    if (s == names[i]) return out = values[i], true;
  return false;
}

/// Calls f(index, object) for each element of an array field (null: none); false if f does,
/// or the field is not an array of objects.
template <class T, class F>
bool each(element v, std::vector<T>& into, F&& f) {
  if (is_null(v)) {
    into.clear();
    return true;
  }
  if (v.type() != element_type::ARRAY) return false;
  const simdjson::dom::array array = v.get_array().value_unsafe();
  into.resize(array.size());  // elements kept from the last timeline are written over
  uint32_t i = 0;
  for (element e : array) {
    if (e.type() != element_type::OBJECT) return false;
    into[i].index = i;
    const simdjson::dom::object object = e.get_object().value_unsafe();
    if (!f(into[i], object)) return false;
    ++i;
  }
  return i == into.size();
}

bool read_patient(element v, Timeline& t) {
  if (v.type() != element_type::OBJECT) return false;
  bool has_id = false;
  const simdjson::dom::object object = v.get_object().value_unsafe();  // a handle: keep it alive
  for (auto field : object) {
    std::string_view id;
    if (!is(field.key, "id") || has_id || !string(field.value, id)) return false;
    const size_t n = count_code_points(id);
    if (n < 1 || n > 128) return false;
    t.patient_id.assign(id);
    has_id = true;
  }
  return has_id;
}

bool read_session(Session& s, const simdjson::dom::object& o) {
  static constexpr std::string_view kNames[] = {"completed", "missed", "cancelled"};
  static constexpr SessionStatus kValues[] = {SessionStatus::kCompleted, SessionStatus::kMissed, SessionStatus::kCancelled};
  s.status = SessionStatus::kCompleted;
  s.route.clear();
  s.doses.clear();
  uint32_t seen = 0;
  for (auto field : o) {
    const std::string_view key = field.key;
    if (is(key, "date")) {
      if (!first_time(seen, 0) || !date(field.value, s.at)) return false;
    } else if (is(key, "status")) {
      if (!first_time(seen, 1)) return false;
      if (!is_null(field.value) && !choice(field.value, kNames, kValues, s.status)) return false;
    } else if (is(key, "route")) {
      std::string_view route;
      if (!first_time(seen, 2)) return false;
      if (!is_null(field.value)) {
        if (!string(field.value, route)) return false;
        s.route.assign(route);
      }
    } else if (key.starts_with("dose_")) {
      for (const Dose& d : s.doses)
        if (d.name == key) return false;
      double value = 0;  // a null dose is left to the walker (it skips it, but remembers its name)
      if (!number(field.value, value) || value < 0) return false;
      s.doses.push_back(Dose{std::string(key), value});
    } else {
      return false;
    }
  }
  return seen & 1u;
}

bool read_items(element v, const InstrumentSpec& spec, Assessment& a) {
  if (is_null(v)) return true;
  if (v.type() != element_type::OBJECT) return false;
  uint64_t seen = 0;
  const simdjson::dom::object object = v.get_object().value_unsafe();
  for (auto field : object) {
    const std::string_view key = field.key;
    int item = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), item);
    if (ec != std::errc{} || end != key.data() + key.size() || item < 1 || item > spec.item_count || item > 63) return false;
    if (seen & (uint64_t{1} << item)) return false;
    seen |= uint64_t{1} << item;
    int64_t answer = 0;
    if (!integer(field.value, answer) || answer < spec.item_min || answer > spec.item_max) return false;
    a.items.push_back(ItemAnswer{item, static_cast<int>(answer)});
  }
  std::sort(a.items.begin(), a.items.end(), [](const ItemAnswer& x, const ItemAnswer& y) { return x.item < y.item; });
  return true;
}

bool read_assessment(Assessment& a, const simdjson::dom::object& o, const InstrumentCatalog& instruments) {
  a.items.clear();
  uint32_t seen = 0;
  std::string_view instrument;
  int64_t score = 0;
  element items;
  bool has_items = false;
  for (auto field : o) {
    const std::string_view key = field.key;
    if (is(key, "date")) {
      if (!first_time(seen, 0) || !date(field.value, a.at)) return false;
    } else if (is(key, "instrument")) {
      if (!first_time(seen, 1) || !string(field.value, instrument) || instrument.empty()) return false;
    } else if (is(key, "score")) {
      if (!first_time(seen, 2) || !integer(field.value, score)) return false;
    } else if (is(key, "items")) {
      if (!first_time(seen, 3)) return false;
      items = field.value;
      has_items = true;
    } else {
      return false;
    }
  }
  if ((seen & 7u) != 7u) return false;
  const InstrumentSpec* spec = instruments.find(instrument);  // undeclared: the walker warns
  if (!spec || score < spec->min_score || score > spec->max_score) return false;
  if (has_items && !read_items(items, *spec, a)) return false;
  a.instrument.assign(instrument);
  a.score = static_cast<int>(score);
  if (static_cast<int>(a.items.size()) == spec->item_count) {  // items that do not add up: a warning
    int sum = 0;
    for (const ItemAnswer& i : a.items) sum += i.answer;
    if (sum != a.score) return false;
  }
  return true;
}

bool read_observation(Observation& ob, const simdjson::dom::object& o) {
  ob.unit.clear();
  uint32_t seen = 0;
  for (auto field : o) {
    const std::string_view key = field.key;
    std::string_view text;
    if (is(key, "date")) {
      if (!first_time(seen, 0) || !date(field.value, ob.at)) return false;
    } else if (is(key, "code")) {
      if (!first_time(seen, 1) || !string(field.value, text) || text.empty()) return false;
      ob.code.assign(text);
    } else if (is(key, "value")) {
      if (!first_time(seen, 2) || !number(field.value, ob.value)) return false;
    } else if (is(key, "unit")) {
      if (!first_time(seen, 3)) return false;
      if (!is_null(field.value)) {
        if (!string(field.value, text)) return false;
        ob.unit.assign(text);
      }
    } else {
      return false;
    }
  }
  return (seen & 7u) == 7u;
}

bool read_condition(Condition& c, const simdjson::dom::object& o) {
  static constexpr std::string_view kNames[] = {"active", "resolved"};
  static constexpr ConditionStatus kValues[] = {ConditionStatus::kActive, ConditionStatus::kResolved};
  c.onset.reset();
  c.status = ConditionStatus::kActive;
  uint32_t seen = 0;
  for (auto field : o) {
    const std::string_view key = field.key;
    if (is(key, "code")) {
      std::string_view code;
      if (!first_time(seen, 0) || !string(field.value, code) || code.empty()) return false;
      c.code.assign(code);
    } else if (is(key, "onset")) {
      if (!first_time(seen, 1)) return false;
      if (!is_null(field.value)) {
        Timestamp onset;
        if (!date(field.value, onset)) return false;
        c.onset = onset;
      }
    } else if (is(key, "status")) {
      if (!first_time(seen, 2)) return false;
      if (!is_null(field.value) && !choice(field.value, kNames, kValues, c.status)) return false;
    } else {
      return false;
    }
  }
  return seen & 1u;
}

bool read_decision(Decision& d, const simdjson::dom::object& o) {
  static constexpr std::string_view kNames[] = {"start_series", "start_maintenance", "end_treatment"};
  static constexpr DecisionKind kValues[] = {DecisionKind::kStartSeries, DecisionKind::kStartMaintenance,
                                             DecisionKind::kEndTreatment};
  d.by.clear();
  d.note.clear();
  uint32_t seen = 0;
  for (auto field : o) {
    const std::string_view key = field.key;
    std::string_view text;
    if (is(key, "date")) {
      if (!first_time(seen, 0) || !date(field.value, d.at)) return false;
    } else if (is(key, "kind")) {
      if (!first_time(seen, 1) || !choice(field.value, kNames, kValues, d.kind)) return false;
    } else if (is(key, "by") || is(key, "note")) {
      std::string& into = is(key, "by") ? d.by : d.note;
      if (!first_time(seen, is(key, "by") ? 2 : 3)) return false;
      if (!is_null(field.value)) {
        if (!string(field.value, text)) return false;
        into.assign(text);
      }
    } else {
      return false;
    }
  }
  return (seen & 3u) == 3u;
}

}  // namespace

bool read_clean_timeline(element root, const InstrumentCatalog& instruments, Timeline& t) {
  if (root.type() != element_type::OBJECT) return false;
  t.as_of.reset();
  uint32_t seen = 0;
  const simdjson::dom::object object = root.get_object().value_unsafe();
  for (auto field : object) {
    const std::string_view key = field.key;
    const element v = field.value;
    bool ok = false;
    if (is(key, "patient")) {
      ok = first_time(seen, 0) && read_patient(v, t);
    } else if (is(key, "as_of")) {
      Timestamp as_of;
      ok = first_time(seen, 1) && (is_null(v) || date(v, as_of));
      if (ok && !is_null(v)) t.as_of = as_of;
    } else if (is(key, "sessions")) {
      ok = first_time(seen, 2) && each(v, t.sessions, read_session);
    } else if (is(key, "assessments")) {
      ok = first_time(seen, 3) && each(v, t.assessments, [&](Assessment& a, const simdjson::dom::object& o) {
             return read_assessment(a, o, instruments);
           });
    } else if (is(key, "observations")) {
      ok = first_time(seen, 4) && each(v, t.observations, read_observation);
    } else if (is(key, "conditions")) {
      ok = first_time(seen, 5) && each(v, t.conditions, read_condition);
    } else if (is(key, "decisions")) {
      ok = first_time(seen, 6) && each(v, t.decisions, read_decision);
    }
    if (!ok) return false;
  }
  if (!(seen & 1u)) return false;
  // The arrays given were written over, element by element (each keeps its strings' and vectors'
  // memory from the last timeline); one left out is empty.
  if (!(seen & (1u << 2))) t.sessions.clear();
  if (!(seen & (1u << 3))) t.assessments.clear();
  if (!(seen & (1u << 4))) t.observations.clear();
  if (!(seen & (1u << 5))) t.conditions.clear();
  if (!(seen & (1u << 6))) t.decisions.clear();
  sort_events(t);
  return !has_same_day_sessions(t);
}

}  // namespace regimen::load
