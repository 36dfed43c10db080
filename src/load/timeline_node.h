#pragma once
// Reading a timeline that is part of a larger YAML document (a protocol test case), keeping
// the positions of the enclosing file.

#include <yaml-cpp/yaml.h>

#include "regimen/load/timeline_reader.h"

namespace regimen::load {

Result<Timeline> read_timeline_node(const YAML::Node& node, const SourceFile& file, const TimelineReadOptions& options);

}  // namespace regimen::load
