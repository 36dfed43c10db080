// `regimen plan`: the course projected forward under an assumed response, with its cost.

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/common/sha256.h"
#include "regimen/evaluate/requests.h"
#include "regimen/explain/scenario_report.h"
#include "regimen/explain/svg.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string timeline, protocol, as_of, scenario = "all", format = "text", output = "-", svg;
  int horizon = 120;
  std::vector<std::string> set;
  AuditOptions audit;
};

int run(const Options& o) {
  const bool json = o.format == "json";
  if (!outputs_apart("plan", o.output, o.svg)) return kBadUsage;
  if (!outputs_not_inputs("plan", {o.output, o.svg}, {o.protocol, o.timeline, audit_path(o.audit)})) return kBadUsage;
  Inputs in = load_inputs(o.protocol, o.timeline, o.as_of, json, "plan");
  if (in.exit_code != kSuccess) return in.exit_code;
  const Plan& plan = *in.protocol.plan.value;

  const PlanRequest request{o.scenario, o.horizon, o.set};
  PlanRun run = run_plan(plan, *in.timeline.result.value, in.as_of, request);
  if (!run.error.empty()) {
    return usage_error("plan", run.error);
  }
  const std::vector<Projection>& projections = run.projections;
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(in.protocol.source.text());
  std::string svg;
  if (!o.svg.empty()) {
    std::vector<Evaluation> ends;
    ends.reserve(projections.size());
    std::vector<CourseChart> panels;
    for (const Projection& p : projections) {
      EvaluateOptions e;
      e.as_of = std::max(p.until, p.steps.empty() ? p.as_of : p.steps.back().date);
      for (const ParameterOverride& ov : run.overrides) e.overrides.emplace_back(ov.index, ov.value);
      ends.push_back(evaluate(plan, p.timeline, e));
      panels.push_back({fmt::format("scenario {}: {} sessions in {} days{}", to_string(p.scenario), p.sessions_in_horizon, o.horizon,
                                    p.cost_per_session ? fmt::format(", cost {:g}", p.sessions_in_horizon * *p.cost_per_session) : ""),
                        in.as_of, &p.timeline, &ends.back()});
    }
    svg = render_svg(plan, panels);
  }
  const Evaluation& now = run.now;
  std::string out = json ? plan_json(plan, now, projections, info) : plan_text(plan, now, projections, info);
  if (!audit_path(o.audit).empty()) {
    AuditEntry entry = audit_entry("plan", in, in.as_of, "{}", plan_json(plan, now, projections, info),
                                   plan_text(plan, now, projections, info), o.audit);
    entry.request = to_json(request);
    if (const int rc = record_decision(o.audit, std::move(entry), json, out, {o.output, o.svg}); rc != kSuccess) return rc;
  }
  if (o.svg.empty()) return emit(o.output, out);
  const Output outputs[] = {{o.svg, svg}, {o.output, out}};
  return emit_all(outputs);
}

}  // namespace

Runner add_plan_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("plan", "Project the schedule forward under an assumed course, with its cost");
  cmd->add_option("-t,--timeline", o->timeline, "The patient's timeline, JSON or YAML")->check(file_name())->required();
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in one)")->check(file_name());
  cmd->add_option("--as-of", o->as_of, "The day the plan starts from (default: the timeline's as_of, else today)")->check(as_of_text());
  cmd->add_option("--scenario", o->scenario,
                  "responder (scores fall to 40 % of their baseline by the end of the series), partial (70 %), nonresponder (90 %), "
                  "or all (default: the three side by side)")
      ->check(CLI::IsMember({"responder", "partial", "nonresponder", "all"}));
  cmd->add_option("--horizon", o->horizon, "How many days ahead to plan (default 120)")->transform(decimal())->check(CLI::Range(1, 3650));
  cmd->add_option("--set", o->set, "PARAM=VALUE, e.g. --set cost.per_session=450 to price the plan")->take_all();
  cmd->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to this file (written only when the run succeeds)")->check(file_name());
  cmd->add_option("--svg", o->svg, "Also draw each scenario's projected course to this SVG file")->check(file_name());
  add_audit_options(cmd, o->audit);
  cmd->footer("Example: regimen plan -t patient.json --scenario all --horizon 90 --set cost.per_session=450");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
