// `regimen whatif`: the same patient as the timeline is and as changed, side by side.

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/common/json_writer.h"
#include "regimen/common/sha256.h"
#include "regimen/evaluate/requests.h"
#include "regimen/explain/scenario_report.h"
#include "regimen/explain/svg.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string timeline, protocol, as_of, format = "text", output = "-", svg, scenario;
  std::vector<std::string> add_session, miss_session, add_score, items, set;
  AuditOptions audit;
};

// A usage error: the message, then the hint, exit 2.
struct UsageError {
  std::string message;
};

// The alternative the command-line flags describe, as a scenario document of one alternative
// (empty when no flag changes anything); --item applies to the --add-score before it. Values are
// checked when the document is read, by the same code that reads scenario files and replays.
std::string flags_document(const Options& o) {
  std::string doc;
  JsonWriter w(doc, JsonWriter::Style::kCompact);
  std::vector<std::string> parts;
  w.begin_object().key("alternatives").begin_array().begin_object();
  w.key("miss_session").begin_array();
  for (const std::string& d : o.miss_session) {
    w.value(d);
    parts.push_back("misses " + d);
  }
  w.end_array().key("add_session").begin_array();
  for (const std::string& d : o.add_session) {
    w.value(d);
    parts.push_back("a session on " + d);
  }
  w.end_array().key("add_score").begin_array();
  const auto& args = raw_arguments();
  bool open_score = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--add-score") {
      if (i + 3 >= args.size()) throw UsageError{"--add-score needs DATE INSTRUMENT SCORE"};
      if (open_score) w.end_object().end_object();
      w.begin_object().key("date").value(args[i + 1]).key("instrument").value(args[i + 2]).key("score").value(args[i + 3]);
      w.key("items").begin_object();
      parts.push_back(fmt::format("{} {} on {}", args[i + 2], args[i + 3], args[i + 1]));
      open_score = true;
      i += 3;
    } else if (args[i] == "--item" || args[i].starts_with("--item=")) {
      const std::string value = args[i] == "--item" ? (i + 1 < args.size() ? args[++i] : "") : args[i].substr(7);
      if (!open_score) throw UsageError{"--item must follow the --add-score it belongs to"};
      const size_t eq = value.find('=');
      if (eq == std::string::npos) throw UsageError{fmt::format("--item '{}' must be N=V, e.g. 9=1", value)};
      w.key(value.substr(0, eq)).value(value.substr(eq + 1));
    }
  }
  if (open_score) w.end_object().end_object();
  w.end_array().key("set").begin_object();
  std::vector<std::string_view> names;  // each parameter once: which of two values was meant?
  for (const std::string& s : o.set) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos) throw UsageError{fmt::format("--set '{}' must be PARAM=VALUE", s)};
    const std::string_view name = std::string_view(s).substr(0, eq);
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw UsageError{fmt::format("--set {} is given twice: give each parameter once", name)};
    names.push_back(name);
    w.key(s.substr(0, eq)).value(s.substr(eq + 1));
    parts.push_back(s);
  }
  w.end_object();
  if (parts.empty()) return "";
  std::string name;
  for (const std::string& p : parts) name += (name.empty() ? "" : "; ") + p;
  w.key("name").value(name).end_object().end_array().end_object();
  return doc;
}

int run(const Options& o) {
  const bool json = o.format == "json";
  if (!standard_input_once("whatif", {o.timeline, o.protocol, o.scenario})) return kBadUsage;
  if (!outputs_apart("whatif", o.output, o.svg)) return kBadUsage;
  if (!outputs_not_inputs("whatif", {o.output, o.svg}, {o.protocol, o.timeline, o.scenario, audit_path(o.audit)}))
    return kBadUsage;
  Inputs in = load_inputs(o.protocol, o.timeline, o.as_of, json, "whatif");
  if (in.exit_code != kSuccess) return in.exit_code;
  const Plan& plan = *in.protocol.plan.value;
  WhatIfRequest request;
  try {
    request.flags = flags_document(o);
  } catch (const UsageError& e) {
    return usage_error("whatif", e.message);
  }
  if (!o.scenario.empty()) {
    FileText file = read_file_text(o.scenario);
    if (!file.ok()) {
      const std::string message = "cannot read the scenario file: " + file.problem;
      return input_error(Diagnostic{Severity::kError, "whatif.io", o.scenario, {}, 1, "", message}, nullptr);
    }
    request.scenario = std::move(file.text);
    request.scenario_name = input_name(o.scenario);
  }
  if (request.flags.empty() && request.scenario_name.empty()) {
    return usage_error("whatif", "no change given: add --miss-session, --add-session, --add-score, --set or --scenario");
  }
  const AlternativesRead alternatives = alternatives_of(plan, request);
  if (!alternatives.error.empty()) {
    // A problem in the scenario file is bad input, shown at its place in the file; one in the
    // flags is a wrong command line.
    if (alternatives.problem.code.starts_with("whatif.")) {
      const SourceFile scenario(request.scenario_name, request.scenario);
      return input_error(alternatives.problems, &scenario);
    }
    return usage_error("whatif", alternatives.error);
  }
  const WhatIf w = what_if(plan, *in.timeline.result.value, in.as_of, alternatives.alternatives);
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(in.protocol.source.text());
  info.input_warnings = in.timeline.result.diagnostics;
  std::string svg;
  if (!o.svg.empty()) {
    std::vector<CourseChart> panels{{"as it is", in.as_of, &w.timeline, &w.evaluation}};
    for (const Comparison& c : w.alternatives) panels.push_back({c.name, in.as_of, &c.timeline, &c.evaluation});
    svg = render_svg(plan, panels);
  }
  std::string out = json ? whatif_json(plan, w, info) : whatif_text(plan, w, info);
  if (!audit_path(o.audit).empty()) {
    AuditEntry entry = audit_entry("whatif", in, in.as_of, "{}", whatif_json(plan, w, info), whatif_text(plan, w, info), o.audit);
    entry.request = to_json(request);
    if (const int rc = record_decision(o.audit, std::move(entry), json, out, {o.output, o.svg}); rc != kSuccess) return rc;
  }
  if (o.svg.empty()) return emit(o.output, out);
  const Output outputs[] = {{o.svg, svg}, {o.output, out}};
  return emit_all(outputs);
}

}  // namespace

Runner add_whatif_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("whatif", "Evaluate a changed copy of the timeline or parameters and show what differs");
  cmd->add_option("-t,--timeline", o->timeline, "The patient's timeline, JSON or YAML")->check(file_name())->required();
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in one)")->check(file_name());
  cmd->add_option("--as-of", o->as_of, "The day to compare on, YYYY-MM-DD or a date-time (its date counts) (default: the timeline's as_of, else today)")->check(as_of_text());
  cmd->add_option("--miss-session", o->miss_session,
                  "DATE: the session that day does not happen (a planned one: it is compared with the timeline with it given, \"as planned\")")
      ->take_all();
  cmd->add_option("--add-session", o->add_session, "DATE: a completed session that day")->take_all();
  cmd->add_option("--add-score", o->add_score, "DATE INSTRUMENT SCORE: an assessment, e.g. --add-score 2026-04-21 phq9 12")
      ->expected(3)
      ->take_all();
  cmd->add_option("--item", o->items, "N=V: an item answer of the --add-score before it, e.g. --item 9=1")->take_all();
  cmd->add_option("--set", o->set, "PARAM=VALUE: a parameter changed, checked against its range, e.g. --set maintenance.initial_interval_days=28")
      ->take_all();
  cmd->add_option("--scenario", o->scenario, "A YAML file of several named alternatives, compared in one table")->check(file_name());
  cmd->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to this file (written only when the run succeeds)")->check(file_name());
  cmd->add_option("--svg", o->svg, "Also draw each alternative's course, one above the other, to this SVG file")->check(file_name());
  add_audit_options(cmd, o->audit);
  cmd->footer(
      "Example, two changes at once:\n"
      "  regimen whatif -t patient.json --miss-session 2026-04-16 --add-score 2026-04-21 phq9 12 --item 9=0\n"
      "A scenario file:\n"
      "  alternatives:\n"
      "    - {name: misses Thursday, miss_session: [2026-04-16]}\n"
      "    - {name: four-week gaps, set: {maintenance.initial_interval_days: 28}}\n"
      "    - name: PHQ-9 of 12\n"
      "      add_score: [{date: 2026-04-21, instrument: phq9, score: 12, items: {9: 0}}]");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
