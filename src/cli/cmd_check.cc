// `regimen check PROTOCOL...`: compile and lint protocol files; print every error and warning.

#include <fmt/format.h>
#include <iostream>
#include <memory>

#include "cli.h"
#include "regimen/compile/compiler.h"

namespace regimen::cli {
namespace {

struct Options {
  std::vector<std::string> files;
  std::string format = "text";
};

int run(const Options& o) {
  if (!standard_input_once("check", {}, o.files)) return kBadUsage;
  const Terminal terminal = detect_terminal();
  Diagnostics all;
  size_t errors = 0, warnings = 0;
  std::string summary;
  for (const std::string& path : o.files) {
    SourceFile source;
    Result<Plan> plan;
    if (FileText file = read_file_text(path); file.ok()) {
      source = SourceFile(input_name(path), std::move(file.text));
    } else {
      plan.diagnostics.add(Diagnostic{Severity::kError, "load.io", path, {}, 1, "", "cannot read the protocol file: " + file.problem});
    }
    if (plan.diagnostics.empty()) plan = build_plan(source);
    const size_t e = plan.diagnostics.error_count();
    errors += e;
    warnings += plan.diagnostics.size() - e;
    if (o.format == "json") {
      all.append(plan.diagnostics);
      continue;
    }
    print_diagnostics(plan.diagnostics, &source, terminal);
    if (plan.ok())
      summary += fmt::format("{}: ok: {} {} ({} phases, {} transitions, {} rules, {} facts, {} parameters)\n", source.name(),
                             plan.value->id, plan.value->version, plan.value->phases.size(),
                             plan.value->transitions.size(), plan.value->rules.size(), plan.value->facts.size(),
                             plan.value->parameters.size());
  }
  if (o.format == "json") {
    std::cout << render_json(all);
  } else {
    std::cout << summary;
    if (errors + warnings > 0)
      std::cerr << fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                               warnings == 1 ? "" : "s");
  }
  return errors > 0 ? kBadProtocol : kSuccess;
}

}  // namespace

Runner add_check_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("check", "Compile and lint protocol files; print every error and warning");
  cmd->add_option("protocols", o->files, "Protocol files (YAML); '-' for standard input")->required()->check(file_name());
  cmd->add_option("--format", o->format, "text (default): compiler-style messages on stderr; json: {\"errors\":[…]} on stdout")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->footer("Exit codes: 0 no errors (warnings allowed), 3 a protocol does not compile.");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
