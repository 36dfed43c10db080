#include "regimen/audit/replay.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "regimen/common/json_writer.h"
#include "regimen/common/sha256.h"
#include "regimen/compile/compiler.h"
#include "regimen/evaluate/evaluator.h"
#include "regimen/evaluate/requests.h"
#include "regimen/explain/scenario_report.h"
#include "regimen/explain/report.h"
#include "regimen/load/timeline_reader.h"

namespace regimen {

std::string overrides_json(const Plan& plan, const std::vector<ParameterOverride>& overrides,
                           const std::vector<std::string>& texts) {
  JsonWriter w;
  w.begin_object();
  for (size_t i = 0; i < overrides.size(); ++i) w.key(plan.parameters[overrides[i].index].name).value(texts[i]);
  w.end_object();
  return w.take();
}

namespace {

// The first differing lines of two outputs.
std::vector<std::string> line_differences(const std::string& stored, const std::string& now) {
  std::vector<std::string> out;
  std::istringstream a(stored), b(now);
  std::string la, lb;
  int line = 0;
  while (out.size() < 10) {
    const bool more_a = static_cast<bool>(std::getline(a, la)), more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    ++line;
    if (la != lb || more_a != more_b)
      out.push_back(fmt::format("line {}: stored: {} / now: {}", line, more_a ? la : "(end)", more_b ? lb : "(end)"));
  }
  return out;
}

void compare(ReplayResult& r, const std::string& stored, const std::string& now) {
  r.identical = now == stored;
  if (!r.identical) r.differences = line_differences(stored, now);
}

/// The explanation as it was printed (explain, what-if, plan) is part of the decision too: a
/// person read it. Batch records keep none.
void compare_explanation(ReplayResult& r, const std::string& stored) {
  if (stored.empty() || stored == r.explanation) return;
  r.identical = false;
  for (const std::string& d : line_differences(stored, r.explanation)) r.differences.push_back("explanation, " + d);
}

ReplayResult replay_with_this_engine(const AuditEntry& e) {
  ReplayResult r;
  const bool evaluation = e.command == "evaluate" || e.command == "explain" || e.command == "batch";
  if (!evaluation && e.command != "whatif" && e.command != "plan") {
    r.error = fmt::format("a '{}' record cannot be replayed", e.command);
    return r;
  }
  const SourceFile protocol(e.protocol_file, e.protocol_text);
  const Result<Plan> plan = build_plan(protocol);
  if (!plan.ok()) {
    r.error = "the stored protocol no longer compiles with this engine";
    return r;
  }
  TimelineReadOptions read_options;
  read_options.instruments = &plan.value->instruments;
  const Result<Timeline> timeline = read_timeline(SourceFile(e.input_name, e.input_text), read_options);
  if (!timeline.ok()) {
    r.error = "the stored input can no longer be read";
    return r;
  }
  EvaluateOptions options;
  const DateParse day = parse_date(e.as_of);
  if (!day.value) {
    r.error = "the stored as_of is not a date";
    return r;
  }
  options.as_of = day.value->date;
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(e.protocol_text);
  info.input_warnings = timeline.diagnostics;
  if (e.command == "whatif") {
    WhatIfRequest request;
    if (!parse_whatif_request(e.request, request)) {
      r.error = "the stored what-if request cannot be read";
      return r;
    }
    const AlternativesRead alternatives = alternatives_of(*plan.value, request);
    if (!alternatives.error.empty()) {
      r.error = fmt::format("the stored what-if request is no longer valid: {}", alternatives.error);
      return r;
    }
    const WhatIf w = what_if(*plan.value, *timeline.value, options.as_of, alternatives.alternatives);
    compare(r, e.output, whatif_json(*plan.value, w, info));
    r.explanation = whatif_text(*plan.value, w, info);
    compare_explanation(r, e.explanation);
    return r;
  }
  if (e.command == "plan") {
    PlanRequest request;
    if (!parse_plan_request(e.request, request)) {
      r.error = "the stored plan request cannot be read";
      return r;
    }
    const PlanRun run = run_plan(*plan.value, *timeline.value, options.as_of, request);
    if (!run.error.empty()) {
      r.error = fmt::format("the stored plan request is no longer valid: {}", run.error);
      return r;
    }
    compare(r, e.output, plan_json(*plan.value, run.now, run.projections, info));
    r.explanation = plan_text(*plan.value, run.now, run.projections, info);
    compare_explanation(r, e.explanation);
    return r;
  }
  try {
    const nlohmann::json overrides = nlohmann::json::parse(e.overrides);  // alive for the loop
    for (const auto& [name, value] : overrides.items()) {
      OverrideResult o = parse_override(*plan.value, name, value.get<std::string>());
      if (!o.value) {
        r.error = fmt::format("a stored parameter override is no longer valid: {}", o.error);
        return r;
      }
      options.overrides.emplace_back(o.value->index, o.value->value);
    }
  } catch (const std::exception&) {
    r.error = "the stored overrides are not valid JSON";
    return r;
  }
  const Evaluation ev = evaluate(*plan.value, *timeline.value, options);
  const std::string now = to_json(*plan.value, ev, info, e.command == "batch" ? JsonWriter::Style::kCompact : JsonWriter::Style::kPretty);
  compare(r, e.output, now);
  r.explanation = explain_text(*plan.value, ev, info);
  compare_explanation(r, e.explanation);
  return r;
}

}  // namespace

ReplayResult replay(const AuditEntry& e) {
  ReplayResult r = replay_with_this_engine(e);
  // The engine's version changes whenever the same input may give other output (README).
  if ((!r.identical || !r.error.empty()) && e.engine_version != REGIMEN_VERSION)
    r.version_note = fmt::format("The decision was made by regimen {}; this is regimen {}, whose output may differ by design "
                                 "(see the README's version notes).",
                                 e.engine_version.empty() ? "(no version recorded)" : e.engine_version, REGIMEN_VERSION);
  return r;
}

}  // namespace regimen
