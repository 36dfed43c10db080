// The generated patient and its JSON line, written by hand into a reused buffer (speed: a million
// lines are about 3 GB). Only the fields CONTRACT §2 defines are written, so a good line raises
// no unknown-field warning.

#include "patient.h"

#include <charconv>

namespace cohort {
namespace {

struct MeasureInfo {
  const char* code;
  const char* unit;
  int decimals;
};

constexpr MeasureInfo kMeasures[] = {
    {"bp_systolic", "mmHg", 0}, {"bp_diastolic", "mmHg", 0}, {"heart_rate", "bpm", 0},  {"spo2", "%", 0},
    {"respiratory_rate", "/min", 0}, {"cadss", "points", 0}, {"weight", "kg", 1},      {"height", "cm", 0},
    {"tsh", "mIU/L", 2},        {"alt", "U/L", 0},          {"creatinine", "mg/dL", 2},
};

void append_int(std::string& out, long value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// value / 10^decimals, without trailing zeros: 50 with 2 decimals is "0.5", 700 is "7".
void append_scaled(std::string& out, long value, int decimals) {
  long scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  if (value < 0) {
    out += '-';
    value = -value;
  }
  append_int(out, value / scale);
  long fraction = value % scale;
  if (fraction == 0) return;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --decimals;
  }
  out += '.';
  append_digits(out, static_cast<int>(fraction), decimals);
}

void append_quoted_date(std::string& out, int day, int minute) {
  out += '"';
  append_date(out, day, minute);
  out += '"';
}

// The impossible date of a --bad-every line: the event's year with a month and day that do not exist.
void append_impossible_date(std::string& out, int day, const char* month_day) {
  out += '"';
  append_digits(out, civil_from_days(day).year, 4);
  out += '-';
  out += month_day;
  out += '"';
}

template <class T>
void insertion_sort_by_date(std::vector<T>& v) {  // stable, and no allocation for these short arrays
  for (size_t i = 1; i < v.size(); ++i) {
    T x = v[i];
    size_t j = i;
    while (j > 0 && (v[j - 1].day > x.day || (v[j - 1].day == x.day && v[j - 1].minute > x.minute))) {
      v[j] = v[j - 1];
      --j;
    }
    v[j] = x;
  }
}

const char* to_string(SessionStatus s) {
  switch (s) {
    case SessionStatus::kCompleted: return "completed";
    case SessionStatus::kMissed: return "missed";
    case SessionStatus::kCancelled: return "cancelled";
  }
  return "completed";
}

const char* to_string(DecisionKind k) {
  switch (k) {
    case DecisionKind::kStartSeries: return "start_series";
    case DecisionKind::kStartMaintenance: return "start_maintenance";
    case DecisionKind::kEndTreatment: return "end_treatment";
  }
  return "start_series";
}

}  // namespace

void Patient::clear() {
  sessions.clear();
  assessments.clear();
  observations.clear();
  conditions.clear();
  decisions.clear();
  defect = Defect::kNone;
}

size_t Patient::events() const {
  return sessions.size() + assessments.size() + observations.size() + conditions.size() + decisions.size();
}

void Patient::shift(int days) {
  for (Session& s : sessions) s.day += days;
  for (Assessment& a : assessments) a.day += days;
  for (Observation& o : observations) o.day += days;
  for (Condition& c : conditions) c.onset += days;
  for (Decision& d : decisions) d.day += days;
}

void Patient::sort_by_date() {
  insertion_sort_by_date(sessions);
  insertion_sort_by_date(assessments);
  insertion_sort_by_date(observations);
  insertion_sort_by_date(decisions);
}

void append_json_line(std::string& out, const Patient& p, std::string_view id, int as_of) {
  bool impossible_date_due = p.defect == Defect::kImpossibleDate;
  auto date_field = [&](int day, int minute) {
    out += "{\"date\":";
    if (impossible_date_due) {
      append_impossible_date(out, day, p.impossible_month_day);
      impossible_date_due = false;
    } else {
      append_quoted_date(out, day, minute);
    }
  };

  out += "{\"patient\":{";
  if (p.defect != Defect::kMissingId) {
    out += "\"id\":\"";
    out += id;
    out += '"';
  }
  out += "},\"as_of\":";
  append_quoted_date(out, as_of, kNoTime);

  out += ",\"sessions\":[";
  for (size_t i = 0; i < p.sessions.size(); ++i) {
    const Session& s = p.sessions[i];
    if (i) out += ',';
    date_field(s.day, s.minute);
    if (s.status_written) {
      out += ",\"status\":\"";
      out += to_string(s.status);
      out += '"';
    }
    out += s.intramuscular ? ",\"route\":\"im\"" : ",\"route\":\"iv\"";
    if (s.status == SessionStatus::kCompleted) {
      out += ",\"dose_mg_per_kg\":";
      append_scaled(out, s.dose_centi_mg_per_kg, 2);
      out += ",\"dose_mg\":";  // rounded to 0.1 mg, as a pump is set
      append_scaled(out, (static_cast<long>(s.dose_centi_mg_per_kg) * p.weight_deci_kg + 50) / 100, 1);
    }
    out += '}';
  }

  out += "],\"assessments\":[";
  for (size_t i = 0; i < p.assessments.size(); ++i) {
    const Assessment& a = p.assessments[i];
    if (i) out += ',';
    date_field(a.day, a.minute);
    out += a.gad7 ? ",\"instrument\":\"gad7\",\"score\":" : ",\"instrument\":\"phq9\",\"score\":";
    append_int(out, a.score);
    if (a.answered != Answered::kNone) {
      out += ",\"items\":{";
      const int count = a.gad7 ? 7 : 9;
      const int first = a.answered == Answered::kItem9Only ? 9 : 1;
      for (int item = first; item <= count; ++item) {
        if (item != first) out += ',';
        out += '"';
        out += static_cast<char>('0' + item);
        out += "\":";
        out += static_cast<char>('0' + a.items[item - 1]);
      }
      out += '}';
    }
    out += '}';
  }

  out += "],\"observations\":[";
  for (size_t i = 0; i < p.observations.size(); ++i) {
    const Observation& o = p.observations[i];
    const MeasureInfo& m = kMeasures[static_cast<int>(o.measure)];
    if (i) out += ',';
    date_field(o.day, o.minute);
    out += ",\"code\":\"";
    out += m.code;
    out += "\",\"value\":";
    append_scaled(out, o.value, m.decimals);
    out += ",\"unit\":\"";
    out += m.unit;
    out += "\"}";
  }
  out += ']';

  if (!p.conditions.empty()) {
    out += ",\"conditions\":[";
    for (size_t i = 0; i < p.conditions.size(); ++i) {
      const Condition& c = p.conditions[i];
      if (i) out += ',';
      out += "{\"code\":\"";
      out += c.code;
      out += '"';
      if (c.onset_known) {
        out += ",\"onset\":";
        append_quoted_date(out, c.onset, kNoTime);
      }
      if (c.status != Condition::kUnwritten) out += c.status == Condition::kActive ? ",\"status\":\"active\"" : ",\"status\":\"resolved\"";
      out += '}';
    }
    out += ']';
  }

  if (!p.decisions.empty()) {
    out += ",\"decisions\":[";
    for (size_t i = 0; i < p.decisions.size(); ++i) {
      const Decision& d = p.decisions[i];
      if (i) out += ',';
      date_field(d.day, d.minute);
      out += ",\"kind\":\"";
      out += to_string(d.kind);
      out += "\",\"by\":\"";
      out += d.by;
      out += "\",\"note\":\"";
      out += d.note;
      out += "\"}";
    }
    out += ']';
  }
  out += "}\n";
}

}  // namespace cohort
