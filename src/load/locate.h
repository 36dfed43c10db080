#pragma once
// Finding the line and column of a JSON pointer in a document, for diagnostics.
// Only used on the error path: the fast reader does not keep positions.

#include <optional>
#include <string_view>
#include <yaml-cpp/yaml.h>

#include "regimen/common/source.h"

namespace regimen::load {

/// The value a pointer names, or the name of the field holding it.
enum class Target { kValue, kKey };

std::optional<SourcePos> locate_json_pointer(std::string_view json, std::string_view pointer,
                                             const SourceFile& source, Target target = Target::kValue);
std::optional<SourcePos> locate_yaml_pointer(const YAML::Node& root, std::string_view pointer,
                                             Target target = Target::kValue);

}  // namespace regimen::load
