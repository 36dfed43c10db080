// `regimen evaluate` and `regimen explain`: one patient, one day, the recommendation and why.

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/common/sha256.h"
#include "regimen/explain/report.h"
#include "regimen/explain/svg.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string timeline;
  std::string protocol;
  std::string as_of;
  std::string format;  // text | json; default: text on a terminal, json otherwise
  std::string output = "-";
  std::string svg;
  bool explain = false;
  AuditOptions audit;
};

int run(const Options& o) {
  const Terminal terminal = detect_terminal();
  const bool to_file = !o.output.empty() && o.output != "-";
  // As --help says: text on a terminal, JSON otherwise (an output file is not a terminal).
  const bool json = o.format == "json" || (o.format.empty() && !o.explain && (to_file || !terminal.stdout_is_tty));
  // Errors go where the result would have gone: as JSON on standard output when the JSON result
  // was to go there (CONTRACT §6), for a person on stderr when the result goes to a file.
  const bool json_errors = o.format == "json" || (json && !to_file);
  const char* command = o.explain ? "explain" : "evaluate";
  if (!outputs_apart(command, o.output, o.svg)) return kBadUsage;
  if (!outputs_not_inputs(command, {o.output, o.svg}, {o.protocol, o.timeline, audit_path(o.audit)})) return kBadUsage;
  Inputs in = load_inputs(o.protocol, o.timeline, o.as_of, json_errors, command);
  if (in.exit_code != kSuccess) return in.exit_code;
  const Plan& plan = *in.protocol.plan.value;

  EvaluateOptions options;
  options.as_of = in.as_of;
  const Evaluation e = evaluate(plan, *in.timeline.result.value, options);

  ReportInfo info;
  info.protocol_sha256 = sha256_hex(in.protocol.source.text());
  info.input_warnings = in.timeline.result.diagnostics;
  info.color = terminal.stdout_color && !to_file;
  std::string out = json ? to_json(plan, e, info) : (o.explain ? explain_text(plan, e, info) : to_text(plan, e, info));
  if (!audit_path(o.audit).empty()) {
    ReportInfo plain = info;
    plain.color = false;
    AuditEntry entry = audit_entry(o.explain ? "explain" : "evaluate", in, in.as_of, "{}", to_json(plan, e, plain),
                                   explain_text(plan, e, plain), o.audit);
    if (const int rc = record_decision(o.audit, std::move(entry), json_errors, out, {o.output, o.svg}); rc != kSuccess) return rc;
  }
  if (o.svg.empty()) return emit(o.output, out);
  const std::string svg = render_svg(plan, {CourseChart{e.patient_id, in.as_of, &*in.timeline.result.value, &e}});
  const Output outputs[] = {{o.svg, svg}, {o.output, out}};
  return emit_all(outputs);
}

Runner add(CLI::App& app, bool explain) {
  auto o = std::make_shared<Options>();
  o->explain = explain;
  CLI::App* cmd = explain
                      ? app.add_subcommand("explain", "The recommendation with the full reasoning, for a person")
                      : app.add_subcommand("evaluate", "What should happen next for one patient, and why");
  cmd->add_option("-t,--timeline", o->timeline, "The patient's timeline, JSON or YAML ('-' for standard input)")->check(file_name())->required();
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in ketamine-depression protocol)")->check(file_name());
  cmd->add_option("--as-of", o->as_of, "The day to evaluate for, YYYY-MM-DD or a date-time (its date counts) (default: the timeline's as_of, else today)")->check(as_of_text());
  if (!explain)
    cmd->add_option("--format", o->format, "text or json (default: text on a terminal, json otherwise)")
        ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to this file (written only when the run succeeds)")->check(file_name());
  cmd->add_option("--svg", o->svg, "Also draw the course (scores, sessions, phases, the next window) to this SVG file")->check(file_name());
  add_audit_options(cmd, o->audit);
  cmd->footer("Exit codes: 0 success, 1 bad timeline, 2 bad command line, 3 protocol does not compile.");
  return [o] { return run(*o); };
}

}  // namespace

Runner add_evaluate_command(CLI::App& app) { return add(app, false); }
Runner add_explain_command(CLI::App& app) { return add(app, true); }

}  // namespace regimen::cli
