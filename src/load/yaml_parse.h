#pragma once
// Parsing YAML text with yaml-cpp, turning its exceptions into diagnostics (one place for the
// protocol loader, the timeline reader and the test runner).

#include <optional>
#include <string_view>
#include <yaml-cpp/yaml.h>

#include "regimen/common/diagnostic.h"
#include "regimen/common/source.h"

namespace regimen::load {

/// A yaml-cpp mark (0-based) as a SourcePos (1-based); unknown when the mark is.
inline SourcePos position_of(const YAML::Mark& m) {
  if (m.line < 0) return {};
  return SourcePos{static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
}

/// The document, or nothing with a `code` diagnostic at the syntax error.
std::optional<YAML::Node> parse_yaml(const SourceFile& source, std::string_view code, Diagnostics& diagnostics);

}  // namespace regimen::load
