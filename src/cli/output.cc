#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "cli.h"

namespace regimen::cli {

Terminal detect_terminal() {
  Terminal t;
  const char* no_color = std::getenv("NO_COLOR");
  const bool color_allowed = !(no_color && *no_color);
  t.stdout_is_tty = isatty(STDOUT_FILENO) != 0;
  t.stdout_color = color_allowed && t.stdout_is_tty;
  t.stderr_color = color_allowed && isatty(STDERR_FILENO) != 0;
  return t;
}

std::string write_output(const std::string& path, std::string_view content) {
  if (path.empty() || path == "-") {
    std::cout << content;
    std::cout.flush();
    return std::cout ? "" : "cannot write to standard output";
  }
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path temp = target;
  temp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot create " + temp.string() + ": " + std::strerror(errno);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      return "cannot write " + temp.string();
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    return "cannot write " + path + ": " + ec.message();
  }
  return "";
}

void print_diagnostics(const Diagnostics& diagnostics, const SourceFile* source, const Terminal& terminal) {
  for (const Diagnostic& d : diagnostics)
    std::cerr << render_text(d, source, terminal.stderr_color ? Color::kYes : Color::kNo);
}

}  // namespace regimen::cli
