// `regimen test [PATH...]`: run protocol test cases; `N passed, M failed`; exit 1 on a failure.

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/testing/protocol_tests.h"

namespace regimen::cli {
namespace {

struct Options {
  std::vector<std::string> paths;
  bool verbose = false;
};

int run(const Options& o) {
  const Terminal terminal = detect_terminal();
  const std::vector<std::string> paths = o.paths.empty() ? std::vector<std::string>{"rules/tests"} : o.paths;
  const TestRun r = run_protocol_tests(paths);
  print_diagnostics(r.errors, nullptr, terminal);
  for (const TestCaseResult& c : r.cases) {
    if (c.passed) {
      if (o.verbose) std::cout << fmt::format("ok    {}:{}: {}\n", c.file, c.pos.line, c.name);
      continue;
    }
    std::cout << fmt::format("FAIL  {}:{}: {}\n", c.file, c.pos.line, c.name);
    for (const std::string& d : c.differences) std::cout << "      - " << d << "\n";
  }
  std::cout << fmt::format("{} passed, {} failed\n", r.passed, r.failed);
  return r.failed > 0 || r.errors.has_errors() ? kBadInput : kSuccess;
}

}  // namespace

Runner add_test_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("test", "Run protocol test cases (rules/tests/*.yaml by default)");
  cmd->add_option("paths", o->paths, "Test files or folders of them (default: rules/tests)");
  cmd->add_flag("-v,--verbose", o->verbose, "List the passing cases too");
  cmd->footer("Each failing case is printed with what was expected and what came out. Exit code 1 when any fails.\n"
              "The file format: docs/protocol-tests.md.");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
