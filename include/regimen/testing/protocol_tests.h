#pragma once
// Protocol tests: YAML files of cases, each a timeline, a day and what the protocol must answer.
// `regimen test` runs them; the format is documented in docs/protocol-tests.md.

#include <string>
#include <vector>

#include "regimen/common/diagnostic.h"

namespace regimen {

struct TestCaseResult {
  std::string file;
  SourcePos pos;
  std::string name;
  bool passed = false;
  std::vector<std::string> differences;  ///< "phase: expected maintenance, got series_evaluation"
};

struct TestRun {
  std::vector<TestCaseResult> cases;
  Diagnostics errors;  ///< files or cases that could not be run (bad YAML, bad protocol, bad timeline)
  size_t passed = 0, failed = 0;
};

/// Runs every case of the given files; a directory stands for the *.yaml files in it (sorted).
/// With `protocol`, every file is run against that text instead of the protocol it names (used
/// to check that the tests notice a changed protocol).
TestRun run_protocol_tests(const std::vector<std::string>& paths, const SourceFile* protocol = nullptr);

}  // namespace regimen
