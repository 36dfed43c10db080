// `regimen test [PATH...] [--coverage] [--format text|json] [--min-coverage PCT]`: run protocol
// test cases; `N passed, M failed`; exit 1 on a failure. With --coverage, what the cases
// exercised of each protocol (docs/protocol-tests.md).

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/common/json_writer.h"
#include "regimen/testing/protocol_tests.h"

namespace regimen::cli {
namespace {

struct Options {
  std::vector<std::string> paths;
  bool verbose = false;
  bool coverage = false;
  std::string format = "text";
  std::optional<double> min_coverage;
};

std::string text_report(const TestRun& r, bool verbose) {
  std::string out;
  for (const TestCaseResult& c : r.cases) {
    if (c.passed) {
      if (verbose) out += fmt::format("ok    {}:{}: {}\n", c.file, c.pos.line, c.name);
      continue;
    }
    out += fmt::format("FAIL  {}:{}: {}\n", c.file, c.pos.line, c.name);
    for (const std::string& d : c.differences) out += "      - " + d + "\n";
  }
  out += fmt::format("{} passed, {} failed\n", r.passed, r.failed);
  return out;
}

std::string json_report(const TestRun& r, bool coverage) {
  JsonWriter w(JsonWriter::Style::kPretty);
  w.begin_object();
  w.key("passed").value(static_cast<uint64_t>(r.passed)).key("failed").value(static_cast<uint64_t>(r.failed));
  w.key("failures").begin_array();
  for (const TestCaseResult& c : r.cases) {
    if (c.passed) continue;
    w.begin_object().key("file").value(c.file).key("line").value(c.pos.line).key("name").value(c.name);
    w.key("differences").begin_array();
    for (const std::string& d : c.differences) w.value(d);
    w.end_array().end_object();
  }
  w.end_array();
  w.key("errors").begin_array();
  for (const Diagnostic& d : r.errors) write_json(w, d);
  w.end_array();
  if (coverage) {
    w.key("coverage");
    write_coverage_json(r.coverage, w);
  }
  w.end_object();
  return w.take_line();
}

// The protocols whose rules, transitions or branches fall below `min` percent, said plainly, as
// errors `test.coverage` of the protocol's file.
Diagnostics below(const std::vector<ProtocolCoverage>& reports, double min) {
  Diagnostics out;
  for (const ProtocolCoverage& p : reports) {
    const std::pair<const char*, const CoverageCount*> counts[] = {
        {"rules", &p.rules_fired}, {"transitions", &p.transitions_taken}, {"branches", &p.branches}};
    for (const auto& [what, c] : counts)
      if (c->percent() < min)
        out.add(Diagnostic{Severity::kError, "test.coverage", p.file, {}, 1, "",
                           fmt::format("{} covered {:.1f}% ({}/{}), below --min-coverage {}", what, c->percent(),
                                       c->covered, c->total, min)});
  }
  return out;
}

int run(const Options& o) {
  if (!standard_input_once("test", {}, o.paths)) return kBadUsage;
  const Terminal terminal = detect_terminal();
  const std::vector<std::string> paths = o.paths.empty() ? std::vector<std::string>{"rules/tests"} : o.paths;
  TestRunOptions options;
  options.coverage = o.coverage || o.min_coverage.has_value();
  TestRun r = run_protocol_tests(paths, options);
  const bool json = o.format == "json";
  // Coverage below --min-coverage fails the run; in JSON it is among the report's errors.
  const Diagnostics low = o.min_coverage ? below(r.coverage, *o.min_coverage) : Diagnostics{};
  if (json) r.errors.append(low);
  std::string out;
  if (json) {
    // No case could run (a protocol that does not compile, a file that cannot be read): the
    // errors alone, as CONTRACT §6 prints them. Otherwise they are part of the run's report.
    out = r.cases.empty() && r.errors.has_errors() ? render_json(r.errors) : json_report(r, options.coverage);
  } else {
    print_diagnostics(r.errors, r.sources, terminal);
    out = text_report(r, o.verbose);
    if (options.coverage) out += "\n" + coverage_text(r.coverage);
  }
  if (const int rc = emit("-", out); rc != kSuccess) return rc;
  if (!json) print_diagnostics(low, nullptr, terminal);
  if (r.protocol_failed) return kBadProtocol;
  return r.failed > 0 || r.errors.has_errors() || low.has_errors() ? kBadInput : kSuccess;
}

}  // namespace

Runner add_test_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("test", "Run protocol test cases (rules/tests/*.yaml by default)");
  cmd->add_option("paths", o->paths, "Test files or folders of them (default: rules/tests)")->check(file_name());
  cmd->add_flag("-v,--verbose", o->verbose, "List the passing cases too");
  cmd->add_flag("--coverage", o->coverage,
                "Also report which rules fired, which transitions were taken and which branches were exercised, "
                "per protocol, with every uncovered one at its file:line:col");
  cmd->add_option("--format", o->format, "text (default) or json (one object: results, errors, coverage)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--min-coverage", o->min_coverage,
                  "Exit 1 when a protocol's rule, transition or branch coverage is below this percentage "
                  "(implies --coverage)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->footer("Each failing case is printed with what was expected and what came out. Exit code 1 when any fails.\n"
              "The file format and what coverage counts: docs/protocol-tests.md.");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
