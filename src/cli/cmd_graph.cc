// `regimen graph [-p P] [--format dot|svg]`: draw the protocol's phases and transitions.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "regimen/compile/compiler.h"
#include "regimen/load/protocol_loader.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string protocol;
  std::string format = "dot";
  std::string output = "-";
};

bool have_dot() {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string_view dirs(path);
  while (!dirs.empty()) {
    const size_t colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/dot").c_str(), X_OK) == 0) return true;
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
  }
  return false;
}

// Runs `dot -Tsvg` on the text; the SVG, or nothing when dot failed.
std::optional<std::string> render_svg(const std::string& dot) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path();
  const fs::path in = dir / ("regimen-graph-" + std::to_string(::getpid()) + ".dot");
  const fs::path out = dir / ("regimen-graph-" + std::to_string(::getpid()) + ".svg");
  std::ofstream(in) << dot;
  const std::string cmd = "dot -Tsvg '" + in.string() + "' -o '" + out.string() + "'";
  const int rc = std::system(cmd.c_str());
  std::error_code ec;
  fs::remove(in, ec);
  if (rc != 0) return std::nullopt;
  FileText svg = read_file_text(out.string());
  fs::remove(out, ec);
  if (!svg.ok()) return std::nullopt;
  return std::move(svg.text);
}

int run(const Options& o) {
  const Terminal terminal = detect_terminal();
  if (!outputs_not_inputs("graph", {o.output}, {o.protocol})) return kBadUsage;
  LoadedProtocol p = load_protocol_option(o.protocol);
  if (!protocol_compiles(p, terminal)) return kBadProtocol;
  // The drawing comes from the AST, which the plan was built from.
  Result<ast::Protocol> ast = load_protocol(p.source);
  std::string out = phase_graph_dot(*ast.value);
  if (o.format == "svg") {
    if (!have_dot()) {
      std::cerr << "regimen: --format svg needs Graphviz's 'dot', which is not installed "
                   "(apt-get install graphviz); use --format dot and render it elsewhere\n";
      return kBadUsage;
    }
    auto svg = render_svg(out);
    if (!svg) {
      std::cerr << "regimen: Graphviz's dot failed to render the graph\n";
      return kInternalError;
    }
    out = std::move(*svg);
  }
  if (const int rc = emit(o.output, out); rc != kSuccess) return rc;
  return kSuccess;
}

}  // namespace

Runner add_graph_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("graph", "Draw the protocol's phases and transitions (Graphviz dot or SVG)");
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in ketamine-depression protocol)")->check(file_name());
  cmd->add_option("--format", o->format, "dot (default) or svg (needs Graphviz's dot)")->check(CLI::IsMember({"dot", "svg"}));
  cmd->add_option("-o,--output", o->output, "Write to this file instead of standard output")->check(file_name());
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
