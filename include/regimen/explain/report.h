#pragma once
// Turning an Evaluation into what people and programs read: the CONTRACT §3 JSON, a short text
// answer (`regimen evaluate`) and the full reasoning (`regimen explain`).

#include <string>

#include "regimen/common/diagnostic.h"
#include "regimen/common/json_writer.h"
#include "regimen/compile/plan.h"
#include "regimen/evaluate/evaluator.h"

namespace regimen {

struct ReportInfo {
  std::string protocol_sha256;  ///< of the protocol's text
  Diagnostics input_warnings;   ///< from reading the timeline
  bool color = false;           ///< ANSI colour (text only; only on a terminal, never with NO_COLOR)
  /// JSON: write the result as an evaluation without the trace gives it (no facts, trace, history
  /// or `because`), whatever `e` holds. An audited batch records the full output and writes this one
  /// when asked for results without the trace.
  bool omit_trace = false;
};

/// CONTRACT §3: one JSON object. Keys in a fixed order; the same input gives the same bytes.
void write_json(JsonWriter& w, const Plan& plan, const Evaluation& e, const ReportInfo& info);
std::string to_json(const Plan& plan, const Evaluation& e, const ReportInfo& info,
                    JsonWriter::Style style = JsonWriter::Style::kPretty);

/// The "protocol" (id, version, sha256) and "engine" (name, version) members of every output.
void write_protocol_and_engine(JsonWriter& w, const Plan& plan, const ReportInfo& info);
/// The parameters an evaluation ran with overridden, as a JSON object of name → value.
void write_overrides(JsonWriter& w, const Plan& plan, const Evaluation& e);

/// The values a condition read, as a JSON object of name → value (as in a trace entry).
void write_values(JsonWriter& w, const std::vector<NamedValue>& values, const Evaluation& e);

/// The answer for a person, fitting an 80-column terminal.
std::string to_text(const Plan& plan, const Evaluation& e, const ReportInfo& info);

/// The answer, then the reasons as a chain in plain words, what was missing, the rules that did
/// not fire, and the sources.
std::string explain_text(const Plan& plan, const Evaluation& e, const ReportInfo& info);

/// "Protocol ketamine-iv-depression 1.0.0, rules/ketamine-depression.yaml, sha256 e7b9c2d41f0a…":
/// which file, by name and by content (the first 12 hex digits of its SHA-256; JSON has them all).
std::string protocol_line(const Plan& plan, const ReportInfo& info);

/// "seed: How Many Ketamine Treatments Do You Need?" (with "(unchecked)" when the source is).
std::string cite(const Plan& plan, uint32_t source);

}  // namespace regimen
