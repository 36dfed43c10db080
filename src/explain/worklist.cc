// The worklist: which patients need something by as_of, and in what order to see them.

#include "regimen/common/utf8.h"
#include "regimen/explain/worklist.h"

#include <algorithm>
#include <fmt/format.h>

#include "regimen/common/json_writer.h"
#include "regimen/common/source.h"

namespace regimen {

std::string_view to_string(WorklistCategory c) {
  switch (c) {
    case WorklistCategory::kSafety: return "safety";
    case WorklistCategory::kOverdue: return "overdue";
    case WorklistCategory::kReassess: return "reassess";
    case WorklistCategory::kReview: return "review";
    case WorklistCategory::kDue: return "due";
  }
  return "due";
}

namespace {

std::optional<WorklistCategory> category_of(const Recommendation& r, Date as_of) {
  if (r.action == Action::kSafetyAlert || r.action == Action::kHold || r.priority == Priority::kEmergency)
    return WorklistCategory::kSafety;
  if (r.window && r.window->overdue) return WorklistCategory::kOverdue;
  if (r.action == Action::kReassess) return WorklistCategory::kReassess;
  if (r.action == Action::kReview) return WorklistCategory::kReview;
  // Windows are clamped to as_of, so an open window starts on as_of.
  if (!r.window || r.window->earliest <= as_of) return WorklistCategory::kDue;
  return std::nullopt;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string actions_of(const WorklistEntry& e) {
  std::string out(to_string(e.action));
  for (Action a : e.others) out.append("+").append(to_string(a));
  return out;
}

}  // namespace

std::optional<WorklistEntry> worklist_entry(const Evaluation& e, uint64_t line) {
  std::optional<WorklistEntry> out;
  for (const Recommendation& r : e.recommendations) {
    const std::optional<WorklistCategory> c = category_of(r, e.as_of);
    if (!c) continue;
    // Recommendations come most urgent first (priority, then action), so the first of the
    // most urgent category decides.
    if (!out || *c < out->category) {
      WorklistEntry entry;
      entry.category = *c;
      entry.priority = r.priority;
      entry.rule = r.rule;
      entry.action = r.action;
      out = std::move(entry);
    }
  }
  if (!out) return out;
  // The patient's windows open by as_of, whichever recommendation decides the row: a safety alert
  // leads, but the session overdue beside it is still overdue (and how long, and since when).
  for (const Recommendation& r : e.recommendations) {
    if (!r.window) {
      out->for_now = out->for_now || category_of(r, e.as_of).has_value();
      continue;
    }
    if (r.window->earliest > e.as_of) continue;
    out->days_overdue = std::max(out->days_overdue, r.window->days_overdue);
    // An overdue window is clamped to as_of; the day it was due by is the unclamped one.
    const Date due{r.window->latest.days - r.window->days_overdue};
    if (!out->due_by || due < *out->due_by) out->due_by = due;
  }
  out->patient_id = e.patient_id;
  out->phase = e.phase;
  out->line = line;
  out->as_of = e.as_of;
  for (const Recommendation& r : e.recommendations)
    if (r.rule != out->rule) out->others.push_back(r.action);
  return out;
}

void sort_worklist(std::vector<WorklistEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const WorklistEntry& a, const WorklistEntry& b) {
    if (a.category != b.category) return a.category < b.category;
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
    // A recommendation with no window is for now: due on the patient's as_of, not after every day.
    const Date a_due = a.for_now ? a.as_of : a.due_by.value_or(a.as_of);
    const Date b_due = b.for_now ? b.as_of : b.due_by.value_or(b.as_of);
    if (a_due != b_due) return a_due < b_due;
    if (a.patient_id != b.patient_id) return a.patient_id < b.patient_id;
    return a.line < b.line;
  });
}

std::string render_worklist(const Plan& plan, const std::vector<WorklistEntry>& entries, std::optional<Date> as_of,
                            WorklistFormat format, const Diagnostics& errors) {
  std::string out;
  auto due = [](const WorklistEntry& e) { return e.due_by ? e.due_by->to_string() : std::string(); };
  switch (format) {
    case WorklistFormat::kCsv:
      out = "rank,category,patient_id,phase,action,priority,due_by,days_overdue,rule,line,as_of\n";
      for (size_t i = 0; i < entries.size(); ++i) {
        const WorklistEntry& e = entries[i];
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", i + 1, to_string(e.category), csv_field(e.patient_id),
                           plan.phases[e.phase].name, actions_of(e), to_string(e.priority), due(e), e.days_overdue,
                           plan.rules[e.rule].id, e.line, e.as_of.to_string());
      }
      return out;
    case WorklistFormat::kJson: {
      JsonWriter w(out, JsonWriter::Style::kPretty);
      w.begin_object().key("as_of");
      if (as_of) w.value(as_of->to_string());
      else w.null();
      w.key("patients").value(static_cast<uint64_t>(entries.size()));
      w.key("worklist").begin_array();
      for (size_t i = 0; i < entries.size(); ++i) {
        const WorklistEntry& e = entries[i];
        w.begin_object().key("rank").value(static_cast<uint64_t>(i + 1)).key("category").value(to_string(e.category));
        w.key("patient_id").value(e.patient_id).key("phase").value(plan.phases[e.phase].name);
        w.key("action").value(to_string(e.action)).key("also").begin_array();
        for (Action a : e.others) w.value(to_string(a));
        w.end_array();
        w.key("priority").value(to_string(e.priority));
        if (e.due_by) w.key("due_by").value(e.due_by->to_string());
        w.key("days_overdue").value(e.days_overdue).key("rule").value(plan.rules[e.rule].id).key("line").value(e.line);
        w.key("as_of").value(e.as_of.to_string());
        w.end_object();
      }
      w.end_array().key("errors").begin_array();
      for (const Diagnostic& d : errors) write_json(w, d);
      w.end_array().end_object();
      out += '\n';
      return out;
    }
    case WorklistFormat::kTable: break;
  }
  out = fmt::format("Worklist {}: {} patient{} need{} something\n\n",
                    as_of ? fmt::format("for {}", as_of->to_string()) : std::string("as of each timeline's as_of"), entries.size(),
                    entries.size() == 1 ? "" : "s", entries.size() == 1 ? "s" : "");
  if (entries.empty()) return out;
  // Columns as wide as their widest entry, so that long ids and action lists keep the table in
  // line. Each patient's own day is shown when the list has no single one.
  size_t patient_width = 7, action_width = 6;
  for (const WorklistEntry& e : entries) {
    patient_width = std::max(patient_width, count_code_points(printable(e.patient_id)));
    action_width = std::max(action_width, actions_of(e).size());
  }
  auto line = [&](std::string_view rank, std::string_view category, std::string_view patient, std::string_view phase,
                  std::string_view action, std::string_view priority, std::string_view due_by, std::string_view overdue,
                  std::string_view day, std::string_view rule) {
    const size_t pad = patient_width - std::min(patient_width, count_code_points(patient));
    out += fmt::format("{:>5}  {:<9} {}{} {:<19} {:<{}} {:<9} {:<10} {:>7}{}  {}\n", rank, category, patient,
                       std::string(pad, ' '), phase, action, action_width, priority, due_by, overdue, day, rule);
  };
  line("#", "category", "patient", "phase", "action", "priority", "due by", "overdue", as_of ? "" : "  as of     ", "rule");
  for (size_t i = 0; i < entries.size(); ++i) {
    const WorklistEntry& e = entries[i];
    const std::string overdue = e.days_overdue > 0 ? fmt::format("{}d", e.days_overdue) : "";
    // An id is the clinic's text: its control characters must not reach the terminal.
    line(std::to_string(i + 1), to_string(e.category), printable(e.patient_id), plan.phases[e.phase].name, actions_of(e),
         to_string(e.priority), due(e), overdue, as_of ? std::string() : "  " + e.as_of.to_string(), plan.rules[e.rule].id);
  }
  return out;
}

}  // namespace regimen
