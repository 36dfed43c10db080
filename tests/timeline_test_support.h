#pragma once
// Helpers for timeline reader tests: read inline text and find diagnostics by code.

#include <catch2/catch.hpp>
#include <string>

#include "regimen/load/timeline_reader.h"

namespace regimen::testing {

inline Result<Timeline> read_json(const std::string& text) {
  return read_timeline(SourceFile("t.json", text), {InputFormat::kJson});
}

inline Result<Timeline> read_yaml(const std::string& text) {
  return read_timeline(SourceFile("t.yaml", text), {InputFormat::kYaml});
}

/// The first diagnostic with this code, or nullptr.
inline const Diagnostic* find(const Result<Timeline>& r, std::string_view code) {
  for (const Diagnostic& d : r.diagnostics)
    if (d.code == code) return &d;
  return nullptr;
}

/// "line:column", for readable assertions on positions.
inline std::string at(const SourcePos& p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

}  // namespace regimen::testing

