// `regimen summarize TIMELINE...`: reads and validates timelines and prints what each holds.
// A quick check of input files before evaluating them (and the demo until `evaluate` exists).

#include <fmt/format.h>
#include <map>
#include <memory>

#include "regimen/common/utf8.h"
#include "cli.h"
#include "regimen/common/json_writer.h"
#include "regimen/load/timeline_reader.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string protocol;  // whose instruments the timelines are checked against
  std::vector<std::string> files;
  std::string format;  // text | json; default: text
  std::string output = "-";
};

struct InstrumentSummary {
  int count = 0;
  const Assessment* first = nullptr;
  const Assessment* latest = nullptr;
};

struct Summary {
  std::string file;
  const Timeline* timeline = nullptr;
  int completed = 0, missed = 0, cancelled = 0;
  int active_conditions = 0;
  std::map<std::string, InstrumentSummary> instruments;  // sorted by name: deterministic
  std::optional<Date> first_event, last_event;
};

Summary summarize(const std::string& file, const Timeline& t) {
  Summary s;
  s.file = file;
  s.timeline = &t;
  auto note_date = [&](Date d) {
    if (!s.first_event || d < *s.first_event) s.first_event = d;
    if (!s.last_event || d > *s.last_event) s.last_event = d;
  };
  for (const Session& x : t.sessions) {
    note_date(x.at.date);
    if (x.status == SessionStatus::kCompleted) ++s.completed;
    else if (x.status == SessionStatus::kMissed) ++s.missed;
    else ++s.cancelled;
  }
  for (const Assessment& a : t.assessments) {  // sorted by date: the last one seen is the latest
    note_date(a.at.date);
    InstrumentSummary& i = s.instruments[a.instrument];
    if (!i.first) i.first = &a;
    i.latest = &a;
    ++i.count;
  }
  for (const Observation& o : t.observations) note_date(o.at.date);
  for (const Decision& d : t.decisions) note_date(d.at.date);
  for (const Condition& c : t.conditions) s.active_conditions += c.status == ConditionStatus::kActive;
  return s;
}

std::string to_text(const Summary& s) {
  const Timeline& t = *s.timeline;
  std::string out = fmt::format("{}\n", s.file);
  auto row = [&](std::string_view label, const std::string& value) { out += fmt::format("  {:<13}{}\n", label, value); };
  row("patient", printable(t.patient_id));
  row("as_of", t.as_of ? t.as_of->date.to_string() : "not given (use --as-of when evaluating)");
  if (s.first_event) row("events", fmt::format("{} to {}", s.first_event->to_string(), s.last_event->to_string()));
  row("sessions", fmt::format("{} completed, {} missed, {} cancelled", s.completed, s.missed, s.cancelled));
  for (const auto& [name, i] : s.instruments)
    row(name, fmt::format("{} assessment{}: first {} on {}, latest {} on {}", i.count, i.count == 1 ? "" : "s",
                          i.first->score, i.first->at.date.to_string(), i.latest->score, i.latest->at.date.to_string()));
  row("observations", std::to_string(t.observations.size()));
  std::string conditions = fmt::format("{} active", s.active_conditions);
  for (const Condition& c : t.conditions)
    if (c.status == ConditionStatus::kActive) conditions += fmt::format(", {}", c.code);
  row("conditions", conditions);
  row("decisions", std::to_string(t.decisions.size()));
  return out;
}

void to_json(JsonWriter& w, const Summary& s) {
  const Timeline& t = *s.timeline;
  w.begin_object();
  w.key("file").value(s.file);
  w.key("patient_id").value(t.patient_id);
  w.key("as_of");
  t.as_of ? w.value(t.as_of->date.to_string()) : w.null();
  w.key("sessions").begin_object();
  w.key("completed").value(s.completed).key("missed").value(s.missed).key("cancelled").value(s.cancelled);
  w.end_object();
  w.key("assessments").begin_object();
  for (const auto& [name, i] : s.instruments) {
    w.key(name).begin_object();
    w.key("count").value(i.count);
    w.key("first").begin_object().key("date").value(i.first->at.date.to_string()).key("score").value(i.first->score).end_object();
    w.key("latest").begin_object().key("date").value(i.latest->at.date.to_string()).key("score").value(i.latest->score).end_object();
    w.end_object();
  }
  w.end_object();
  w.key("observations").value(static_cast<uint64_t>(t.observations.size()));
  w.key("active_conditions").begin_array();
  for (const Condition& c : t.conditions)
    if (c.status == ConditionStatus::kActive) w.value(c.code);
  w.end_array();
  w.key("decisions").value(static_cast<uint64_t>(t.decisions.size()));
  w.end_object();
}

int run(const Options& o) {
  if (!standard_input_once("summarize", {o.protocol}, o.files)) return kBadUsage;
  if (!outputs_not_inputs("summarize", {o.output}, {o.protocol}, o.files)) return kBadUsage;
  const Terminal terminal = detect_terminal();
  const bool json = o.format == "json";
  const LoadedProtocol protocol = load_protocol_option(o.protocol);
  if (!protocol_compiles(protocol, terminal)) return kBadProtocol;
  TimelineReadOptions read_options;
  read_options.instruments = &protocol.plan.value->instruments;
  std::vector<LoadedTimeline> loaded;
  loaded.reserve(o.files.size());
  Diagnostics all_errors;
  bool bad = false;
  for (const std::string& f : o.files) {
    loaded.push_back(read_timeline_file(f, read_options));
    const LoadedTimeline& l = loaded.back();
    bad = bad || !l.result.ok();
    if (json) all_errors.append(l.result.diagnostics);
    else print_diagnostics(l.result.diagnostics, &l.source, terminal);
    // No as_of here: every pair of completed sessions on one day is named.
    if (!json && l.result.ok())
      print_diagnostics(same_day_session_warnings(*l.result.value, Date{INT32_MAX}, l.source), &l.source, terminal);
  }
  if (json && bad) {  // CONTRACT §6: errors alone on stdout
    std::cout << render_json(all_errors);
    return kBadInput;
  }

  std::string out;
  JsonWriter w(JsonWriter::Style::kPretty);
  if (json) w.begin_array();
  for (const LoadedTimeline& l : loaded) {
    if (!l.result.ok()) continue;
    const Summary s = summarize(l.source.name(), *l.result.value);
    if (json) to_json(w, s);
    else out += (out.empty() ? "" : "\n") + to_text(s);
  }
  if (json) out = w.end_array().take_line();
  const bool to_file = !o.output.empty() && o.output != "-";
  if (bad && to_file) return kBadInput;  // CONTRACT §6: no output file unless the run succeeded
  if (const int rc = emit(o.output, out); rc != kSuccess) return rc;
  return bad ? kBadInput : kSuccess;
}

}  // namespace

Runner add_summarize_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("summarize", "Read and validate patient timelines and summarise each one");
  cmd->add_option("-p,--protocol", o->protocol,
                  "Protocol whose instruments the assessments are checked against (default: the built-in one)")->check(file_name());
  cmd->add_option("timelines", o->files, "Timeline files, JSON or YAML ('-' for standard input)")->required()->check(file_name());
  cmd->add_option("--format", o->format, "Output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--output", o->output, "Write the summary to this file instead of standard output")->check(file_name());
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
