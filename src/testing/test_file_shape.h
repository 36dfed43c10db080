#pragma once
// The shape of a protocol test file (docs/protocol-tests.md), checked before any case runs: a
// misspelt key (`flag:` for `flags:`) or a value of the wrong kind would otherwise be ignored,
// and the case would pass without checking what its author meant.

#include <yaml-cpp/yaml.h>

#include "regimen/common/diagnostic.h"
#include "regimen/common/source.h"

namespace regimen::testing_shape {

/// The file's top level: a map of `protocol` and a non-empty list of `cases`. Reports each
/// problem as `test.schema` at its place; true when the cases can be read.
bool check_file(const YAML::Node& root, const SourceFile& file, Diagnostics& out);

/// One case: its keys, `set`, and `expect` with its recommendations. True when it can run.
bool check_case(const YAML::Node& c, const SourceFile& file, Diagnostics& out);

}  // namespace regimen::testing_shape
