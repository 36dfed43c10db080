#pragma once
// Protocol tests: YAML files of cases, each a timeline, a day and what the protocol must answer.
// `regimen test` runs them; the format is documented in docs/protocol-tests.md.

#include <string>
#include <vector>

#include "regimen/common/diagnostic.h"
#include "regimen/testing/coverage.h"

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
  bool protocol_failed = false;  ///< a protocol the cases name does not compile (CONTRACT §5: exit 3)
  /// With TestRunOptions::coverage: one report per protocol the cases ran against, by file name.
  std::vector<ProtocolCoverage> coverage;
  /// The files read (test files, protocols): an error is shown with its line from these.
  std::vector<SourceFile> sources;
};

struct TestRunOptions {
  /// Run every file against this text instead of the protocol it names (used to check that the
  /// tests notice a changed protocol).
  const SourceFile* protocol = nullptr;
  /// Record what the cases exercise (TestRun::coverage).
  bool coverage = false;
};

/// The test files the paths name: a directory stands for the *.yaml files in it (sorted); each
/// file once, however often it is named.
std::vector<std::string> test_files(const std::vector<std::string>& paths);

/// Runs every case of the given files; a directory stands for the *.yaml files in it (sorted).
TestRun run_protocol_tests(const std::vector<std::string>& paths, const TestRunOptions& options);

inline TestRun run_protocol_tests(const std::vector<std::string>& paths, const SourceFile* protocol = nullptr) {
  TestRunOptions options;
  options.protocol = protocol;
  return run_protocol_tests(paths, options);
}

}  // namespace regimen
