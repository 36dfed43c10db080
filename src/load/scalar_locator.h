#pragma once
// Maps each byte of a YAML scalar's value back to its place in the file, so an error inside
// an expression written in a YAML string points at the right column, whatever the scalar's
// style (plain, quoted, block).

#include <yaml-cpp/yaml.h>

#include "regimen/common/source.h"
#include "regimen/protocol/expr.h"

namespace regimen::load {

EmbeddedText locate_scalar(const SourceFile& source, const YAML::Node& scalar);

}  // namespace regimen::load
