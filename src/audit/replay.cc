#include "regimen/audit/replay.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "regimen/common/json_writer.h"
#include "regimen/common/sha256.h"
#include "regimen/compile/compiler.h"
#include "regimen/evaluate/evaluator.h"
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

ReplayResult replay(const AuditEntry& e) {
  ReplayResult r;
  if (e.command != "evaluate" && e.command != "explain" && e.command != "batch") {
    r.error = fmt::format("replaying a '{}' record is not supported yet: only evaluations (evaluate, explain, batch)", e.command);
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
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(e.protocol_text);
  info.input_warnings = timeline.diagnostics;
  const std::string now = to_json(*plan.value, ev, info, e.command == "batch" ? JsonWriter::Style::kCompact : JsonWriter::Style::kPretty);
  r.identical = now == e.output;
  r.explanation = explain_text(*plan.value, ev, info);
  if (!r.identical) {
    std::istringstream a(e.output), b(now);
    std::string la, lb;
    int line = 0;
    while (r.differences.size() < 10) {
      const bool more_a = static_cast<bool>(std::getline(a, la)), more_b = static_cast<bool>(std::getline(b, lb));
      if (!more_a && !more_b) break;
      ++line;
      if (la != lb || more_a != more_b)
        r.differences.push_back(fmt::format("line {}: stored: {} / now: {}", line, more_a ? la : "(end)", more_b ? lb : "(end)"));
    }
  }
  return r;
}

}  // namespace regimen
