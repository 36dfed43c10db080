// regimen: the command-line entry point. Parses the command line, runs one subcommand, and
// maps every outcome to CONTRACT §5's exit codes; nothing escapes as a crash.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli.h"
#include "regimen/common/utf8.h"

namespace regimen::cli {
namespace {

// Diagnostic logs go to stderr and never carry patient data.
void set_up_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("regimen");
  logger->set_pattern("regimen: [%l] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

int run(int argc, char** argv) {
  set_raw_arguments(argc, argv);
  CLI::App app{
      "regimen: an explainable, rule-based treatment-plan engine.\n"
      "It checks clinical protocols written in YAML and evaluates patient timelines against them.",
      "regimen"};
  app.set_version_flag("--version", std::string("regimen ") + REGIMEN_VERSION);
  app.require_subcommand(0, 1);
  app.fallthrough();  // --log-level after the command name too: subcommands created below inherit it
  const std::vector<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
  std::string log_level = "warn";
  // The environment's level, when it names one; a misspelt one is said, not silently dropped.
  if (const char* env = std::getenv("REGIMEN_LOG_LEVEL"); env && *env) {
    if (std::find(levels.begin(), levels.end(), env) != levels.end()) log_level = env;
    else std::cerr << "regimen: warning: REGIMEN_LOG_LEVEL='" << printable(env)
                   << "' is not a log level (trace, debug, info, warn, error, off): warn is used\n";
  }
  app.add_option("--log-level", log_level, "Diagnostic logging on stderr: trace, debug, info, warn, error, off "
                                           "(default warn, or $REGIMEN_LOG_LEVEL)")
      ->check(CLI::IsMember(levels));
  app.footer(
      "Exit codes: 0 success, 1 bad input, 2 bad command line, 3 protocol does not compile, 4 internal error.\n"
      "Run 'regimen COMMAND --help' for a command's options.");

  const Runner evaluate = add_evaluate_command(app);
  const Runner whatif = add_whatif_command(app);
  const Runner plan = add_plan_command(app);
  const Runner batch = add_batch_command(app);
  const Runner diff = add_diff_command(app);
  const Runner audit = add_audit_command(app);
  const Runner explain = add_explain_command(app);
  const Runner test = add_test_command(app);
  const Runner trace_matrix = add_trace_matrix_command(app);
  const Runner check = add_check_command(app);
  const Runner graph = add_graph_command(app);
  const Runner summarize = add_summarize_command(app);
  // --log-level belongs to the whole program but may follow the command name: each command's help
  // says so, since CLI11 lists only the command's own options there. (A command without a footer of
  // its own inherited the program's, whose last line is not for it.)
  const std::string program_footer = app.get_footer();
  const std::function<void(CLI::App&)> mention_log_level = [&](CLI::App& parent) {
    for (CLI::App* cmd : parent.get_subcommands({})) {
      std::string footer = cmd->get_footer();
      if (footer == program_footer) footer = footer.substr(0, footer.find('\n'));
      cmd->footer((footer.empty() ? "" : footer + "\n") +
                  "Also: --log-level LEVEL (trace, debug, info, warn, error, off; default warn, or $REGIMEN_LOG_LEVEL): "
                  "diagnostic logging on stderr.");
      mention_log_level(*cmd);
    }
  };
  mention_log_level(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error("", e.what());
  }
  set_up_logging(log_level);

  if (app.got_subcommand("evaluate")) return evaluate();
  if (app.got_subcommand("explain")) return explain();
  if (app.got_subcommand("whatif")) return whatif();
  if (app.got_subcommand("plan")) return plan();
  if (app.got_subcommand("batch")) return batch();
  if (app.got_subcommand("diff")) return diff();
  if (app.got_subcommand("audit")) return audit();
  if (app.got_subcommand("test")) return test();
  if (app.got_subcommand("trace-matrix")) return trace_matrix();
  if (app.got_subcommand("check")) return check();
  if (app.got_subcommand("graph")) return graph();
  if (app.got_subcommand("summarize")) return summarize();
  return usage_error("", "no command given");
}

}  // namespace
}  // namespace regimen::cli

int main(int argc, char** argv) {
  try {
    const int rc = regimen::cli::run(argc, argv);
    // What was printed must have reached standard output (`> /dev/full`, a closed pipe): a run
    // whose result was lost did not succeed.
    std::cout.flush();
    if (rc == regimen::cli::kSuccess && (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout))) {
      std::cerr << "regimen: cannot write to standard output\n";
      return regimen::cli::kBadInput;
    }
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "regimen: internal error: " << e.what()
              << "\nThis is a bug in regimen; please report it with the command that caused it.\n";
  } catch (...) {
    std::cerr << "regimen: internal error\nThis is a bug in regimen; please report it with the command that caused it.\n";
  }
  return regimen::cli::kInternalError;
}
