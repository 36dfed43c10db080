#pragma once
// Helpers for protocol tests: compile inline YAML and look at the diagnostics.

#include <catch2/catch.hpp>
#include <string>

#include "regimen/compile/compiler.h"

namespace regimen::testing {

/// A small valid protocol; `extra_facts` and `extra_rules` are YAML lines added to its sections.
inline std::string protocol_with(const std::string& extra_facts, const std::string& extra_rules = "") {
  return "protocol: {id: t, version: 1.0.0, title: T}\n"
         "sources: {s: {title: S}}\n"
         "instruments:\n  phq9: {range: [0, 27], items: 9}\n"
         "parameters:\n  gap: {type: days, default: 4, range: [1, 14]}\n  n: {type: int, default: 6, range: [1, 12]}\n"
         "state:\n  count: {type: int, initial: '0'}\n  first: {type: session}\n"
         "facts:\n  latest_score: latest(phq9).score\n" + extra_facts +
         "phases:\n  a: {start: true}\n  b: {terminal: true}\n"
         "transitions:\n  - {id: go, from: a, on: session, to: b, set: {count: count + 1, first: event}}\n"
         "rules:\n  - {id: r, phase: a, action: review, summary: 'x', cites: [s]}\n" + extra_rules;
}

inline Result<Plan> compile_text(const std::string& yaml) { return build_plan(SourceFile("t.yaml", yaml)); }

inline bool has_code(const Result<Plan>& r, std::string_view code) {
  for (const Diagnostic& d : r.diagnostics)
    if (d.code == code) return true;
  return false;
}

inline std::string first_error(const Result<Plan>& r) {
  for (const Diagnostic& d : r.diagnostics)
    if (d.severity == Severity::kError) return d.code + ": " + d.message;
  return "no error";
}

}  // namespace regimen::testing
