// `regimen trace-matrix [-p P] [--tests PATH...] [--format md|csv|json] [-o FILE]`: for each rule
// of a protocol, the sources it cites, the protocol test cases that exercise it and its branch
// coverage (docs/protocol-tests.md).

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/common/sha256.h"
#include "regimen/testing/protocol_tests.h"
#include "regimen/testing/trace_matrix.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string protocol;
  std::vector<std::string> tests;
  std::string format = "md";
  std::string output = "-";
};

int run(const Options& o) {
  if (!standard_input_once("trace-matrix", {o.protocol}, o.tests)) return kBadUsage;
  const std::vector<std::string> tests = o.tests.empty() ? std::vector<std::string>{"rules/tests"} : o.tests;
  if (!outputs_not_inputs("trace-matrix", {o.output}, {o.protocol}, test_files(tests))) return kBadUsage;
  const Terminal terminal = detect_terminal();
  LoadedProtocol p = load_protocol_option(o.protocol);
  if (!protocol_compiles(p, terminal)) return kBadProtocol;
  TestRunOptions options;
  options.coverage = true;
  const TestRun run = run_protocol_tests(tests, options);
  // Test files that cannot be read or hold invalid cases leave the matrix without their
  // evidence: an error, and no matrix (CONTRACT §6: with --format json, only the errors).
  if (run.errors.has_errors()) {
    if (json_errors_requested()) std::cout << render_json(run.errors) << std::flush;
    else print_diagnostics(run.errors, run.sources, terminal);
    return kBadInput;
  }
  print_diagnostics(run.errors, run.sources, terminal);  // warnings

  // The cases whose protocol is this one: the same text, whatever the file is called.
  const std::string hash = sha256_hex(p.source.text());
  ProtocolCoverage coverage;
  bool found = false;
  for (const ProtocolCoverage& c : run.coverage)
    if (c.sha256 == hash) {
      coverage = c;
      found = true;
    }
  if (!found) {
    std::cerr << "regimen: warning: no test case in " << tests.front() << (tests.size() > 1 ? " …" : "")
              << " runs against " << p.source.name() << "\n";
    coverage = coverage_report(*p.plan.value, p.source, CoverageSink(*p.plan.value), {});
  }
  coverage.file = p.source.name();

  std::string tests_label;
  for (const std::string& t : tests) tests_label += (tests_label.empty() ? "" : ", ") + t;
  std::string out;
  if (o.format == "csv") out = trace_matrix_csv(coverage);
  else if (o.format == "json") out = trace_matrix_json(coverage);
  else out = trace_matrix_markdown(coverage, tests_label);
  // A trace to failing tests is no evidence: the matrix marks them, the exit code says so, and
  // no output file is written for a run that failed (CONTRACT §6); on standard output it is shown.
  const auto failing = std::count_if(coverage.cases.begin(), coverage.cases.end(), [](const CoverageCase& c) { return !c.passed; });
  if (failing > 0 && o.output != "-" && !o.output.empty()) {
    report_error({"test.failing", o.output,
                  fmt::format("{} test case{} of this protocol fail{}: the matrix is not written to {} (`regimen test` says "
                              "why; without -o the matrix shows which)",
                              failing, failing == 1 ? "" : "s", failing == 1 ? "s" : "", o.output)});
    return kBadInput;
  }
  if (const int rc = emit(o.output, out); rc != kSuccess) return rc;
  return failing > 0 ? kBadInput : kSuccess;
}

}  // namespace

Runner add_trace_matrix_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "trace-matrix", "Traceability matrix: each rule, the sources it cites, the tests that exercise it, its branch coverage");
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in one)")->check(file_name());
  cmd->add_option("--tests", o->tests,
                  "Protocol test files or folders (default: rules/tests); only the cases whose protocol is this one count")->check(file_name())
      ->expected(1, -1);
  cmd->add_option("--format", o->format, "md (default: a Markdown table), csv or json")
      ->check(CLI::IsMember({"md", "csv", "json"}));
  cmd->add_option("-o,--output", o->output, "Where to write it ('-', the default: standard output)")->check(file_name());
  cmd->footer("A case exercises a rule when the rule fires in it. Exit code 1 when one of those cases fails.\n"
              "What the columns mean: docs/protocol-tests.md.");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
