// `regimen evaluate` and `regimen explain`: one patient, one day, the recommendation and why.

#include <ctime>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/common/sha256.h"
#include "regimen/explain/report.h"
#include "regimen/load/timeline_reader.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string timeline;
  std::string protocol;
  std::string as_of;
  std::string format;  // text | json; default: text on a terminal, json otherwise
  std::string output = "-";
  bool explain = false;
};

// CONTRACT §4: --as-of, else the timeline's own as_of, else today (the only clock read).
Date evaluation_day(const std::optional<Date>& flag, const Timeline& t) {
  if (flag) return *flag;
  if (t.as_of) return t.as_of->date;
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return *Date::from_ymd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

int run(const Options& o) {
  const Terminal terminal = detect_terminal();
  const bool to_file = !o.output.empty() && o.output != "-";
  const bool json = o.format == "json" || (o.format.empty() && !o.explain && !terminal.stdout_is_tty && !to_file);

  std::optional<Date> as_of;
  if (!o.as_of.empty()) {
    DateParse p = parse_date(o.as_of);
    if (!p.value) {
      std::cerr << "regimen: --as-of '" << o.as_of << "' is not a date: " << p.problem
                << "\nRun 'regimen " << (o.explain ? "explain" : "evaluate") << " --help' for usage.\n";
      return kBadUsage;
    }
    as_of = p.value->date;
  }

  LoadedProtocol protocol = load_protocol_option(o.protocol);
  if (!protocol.plan.ok()) {
    if (json) std::cout << render_json(protocol.plan.diagnostics);
    else print_diagnostics(protocol.plan.diagnostics, &protocol.source, terminal);
    return kBadProtocol;
  }
  const Plan& plan = *protocol.plan.value;

  TimelineReadOptions read_options;
  read_options.instruments = &plan.instruments;
  LoadedTimeline input = read_timeline_file(o.timeline, read_options);
  if (!input.result.ok()) {
    if (json) std::cout << render_json(input.result.diagnostics);
    else print_diagnostics(input.result.diagnostics, &input.source, terminal);
    return kBadInput;
  }
  if (!json) print_diagnostics(input.result.diagnostics, &input.source, terminal);  // warnings

  EvaluateOptions options;
  options.as_of = evaluation_day(as_of, *input.result.value);
  const Evaluation e = evaluate(plan, *input.result.value, options);

  ReportInfo info;
  info.protocol_sha256 = sha256_hex(protocol.source.text());
  info.input_warnings = input.result.diagnostics;
  info.color = terminal.stdout_color && !to_file;
  const std::string out = json ? to_json(plan, e, info) : (o.explain ? explain_text(plan, e, info) : to_text(plan, e, info));
  if (const std::string problem = write_output(o.output, out); !problem.empty()) {
    std::cerr << "regimen: " << problem << "\n";
    return kBadInput;
  }
  return kSuccess;
}

Runner add(CLI::App& app, bool explain) {
  auto o = std::make_shared<Options>();
  o->explain = explain;
  CLI::App* cmd = explain
                      ? app.add_subcommand("explain", "The recommendation with the full reasoning, for a person")
                      : app.add_subcommand("evaluate", "What should happen next for one patient, and why");
  cmd->add_option("-t,--timeline", o->timeline, "The patient's timeline, JSON or YAML ('-' for standard input)")->required();
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in ketamine-depression protocol)");
  cmd->add_option("--as-of", o->as_of, "The day to evaluate for, YYYY-MM-DD (default: the timeline's as_of, else today)");
  if (!explain)
    cmd->add_option("--format", o->format, "text or json (default: text on a terminal, json otherwise)")
        ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to this file (written only when the run succeeds)");
  cmd->footer("Exit codes: 0 success, 1 bad timeline, 2 bad command line, 3 protocol does not compile.");
  return [o] { return run(*o); };
}

}  // namespace

Runner add_evaluate_command(CLI::App& app) { return add(app, false); }
Runner add_explain_command(CLI::App& app) { return add(app, true); }

}  // namespace regimen::cli
