#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>
#include <fmt/format.h>

#include "cli.h"
#include "regimen/common/utf8.h"
#include "regimen/compile/compiler.h"

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

bool write_via_temporary(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(path, ec);
  return ec || !std::filesystem::exists(status) || std::filesystem::is_regular_file(status);
}

namespace {

bool is_standard_output(const std::string& path) { return path.empty() || path == "-"; }

std::string write_in_place(const std::string& path, std::string_view content) {
  if (is_standard_output(path)) {
    std::cout << content;
    std::cout.flush();
    return std::cout ? "" : "cannot write to standard output";
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  return out ? "" : "cannot write " + path;
}

std::filesystem::path temporary_for(const std::string& path) {
  std::filesystem::path temp(path);
  temp += ".tmp-" + std::to_string(::getpid());
  return temp;
}

}  // namespace

void keep_permissions(const std::string& temporary, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const fs::file_status old = fs::status(path, ec); !ec && fs::is_regular_file(old))
    fs::permissions(temporary, old.permissions(), ec);  // best effort: the content matters more
}

std::string write_outputs(std::span<const Output> outputs, size_t* failed) {
  namespace fs = std::filesystem;
  // 1. Every file that can be is written to its temporary. 2. The others (a device, a pipe, a
  // link), then standard output, are written in place. 3. Only then are the temporaries renamed
  // into place: a failure before that leaves no output file at all. (A rename that fails after
  // another succeeded leaves the first in place: renames in one directory do not fail but for a
  // full disk or a target made a directory meanwhile.)
  std::vector<size_t> staged;
  auto unstage = [&] {
    std::error_code ignored;
    for (size_t i : staged) fs::remove(temporary_for(outputs[i].path), ignored);
  };
  auto fail = [&](size_t i, std::string problem) {
    unstage();
    if (failed) *failed = i;
    return problem;
  };
  auto staging = [&](const Output& o) { return !is_standard_output(o.path) && write_via_temporary(o.path); };
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Output& o = outputs[i];
    if (!staging(o)) continue;
    // A file that may not be written (read-only, another user's) is not replaced by renaming.
    if (std::string problem = cannot_write(o.path); !problem.empty()) return fail(i, std::move(problem));
    std::ofstream out(temporary_for(o.path), std::ios::binary | std::ios::trunc);
    if (!out) return fail(i, "cannot write " + o.path + ": " + std::strerror(errno));
    staged.push_back(i);
    out.write(o.content.data(), static_cast<std::streamsize>(o.content.size()));
    out.close();
    if (!out) return fail(i, "cannot write " + o.path);
  }
  for (const bool standard : {false, true})
    for (size_t i = 0; i < outputs.size(); ++i)
      if (!staging(outputs[i]) && is_standard_output(outputs[i].path) == standard)
        if (std::string problem = write_in_place(outputs[i].path, outputs[i].content); !problem.empty())
          return fail(i, problem);
  for (size_t k = 0; k < staged.size(); ++k) {
    const std::string& path = outputs[staged[k]].path;
    keep_permissions(temporary_for(path).string(), path);
    std::error_code ec;
    fs::rename(temporary_for(path), path, ec);
    if (ec) {
      const size_t i = staged[k];
      staged.erase(staged.begin(), staged.begin() + static_cast<std::ptrdiff_t>(k));
      return fail(i, "cannot write " + path + ": " + ec.message());
    }
  }
  return "";
}

std::string cannot_write(const std::string& path) {
  if (is_standard_output(path)) return "";
  const std::filesystem::path p(path);
  const bool exists = ::access(path.c_str(), F_OK) == 0;
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  if (::access(exists ? path.c_str() : dir.c_str(), exists ? W_OK : W_OK | X_OK) == 0) return "";
  return "cannot write " + path + ": " + std::strerror(errno);
}

std::string write_output(const std::string& path, std::string_view content) {
  const Output one{path, content};
  return write_outputs({&one, 1});
}

bool protocol_compiles(const LoadedProtocol& p, const Terminal& terminal) {
  if (p.plan.ok()) return true;
  if (json_errors_requested()) std::cout << render_json(p.plan.diagnostics) << std::flush;
  else print_diagnostics(p.plan.diagnostics, &p.source, terminal);
  return false;
}

LoadedProtocol load_protocol_option(const std::string& path) {
  LoadedProtocol out;
  if (path.empty()) {
    out.source = default_protocol_source();
  } else if (FileText file = read_file_text(path); file.ok()) {
    out.source = SourceFile(input_name(path), std::move(file.text));
  } else {
    out.source = SourceFile(path, "");
    out.plan.diagnostics.add(Diagnostic{Severity::kError, "load.io", path, {}, 1, "", "cannot read the protocol file: " + file.problem});
    return out;
  }
  out.plan = build_plan(out.source);
  return out;
}

namespace {
std::vector<std::string>& raw() {
  static std::vector<std::string> args;
  return args;
}

// One error as CONTRACT §6's JSON on standard output.
void print_json_error(const Diagnostic& d) {
  Diagnostics errors;
  errors.add(d);
  std::cout << render_json(errors) << std::flush;
}

}  // namespace

void report_error(const RunError& e) {
  if (json_errors_requested()) print_json_error(e.diagnostic());
  else std::cerr << "regimen: " << e.message << "\n";
}

int input_error(const Diagnostic& d, const SourceFile* source) {
  Diagnostics one;
  one.add(d);
  return input_error(one, source);
}

int input_error(const Diagnostics& ds, const SourceFile* source) {
  if (json_errors_requested()) std::cout << render_json(ds) << std::flush;
  else print_diagnostics(ds, source, detect_terminal());
  return kBadInput;
}

int emit(const std::string& path, std::string_view content) {
  const Output one{path, content};
  return emit_all({&one, 1});
}

int emit_all(std::span<const Output> outputs) {
  size_t failed = 0;
  const std::string problem = write_outputs(outputs, &failed);
  if (problem.empty()) return kSuccess;
  // When standard output itself failed, the JSON error could not be read there either.
  const std::string& path = outputs[failed].path;
  if (json_errors_requested() && !is_standard_output(path)) print_json_error(RunError{"output.io", path, problem}.diagnostic());
  else std::cerr << "regimen: " << problem << "\n";
  return kBadInput;
}

bool outputs_apart(std::string_view command, const std::string& output, const std::string& drawing) {
  if (drawing.empty()) return true;
  // Standard output named as a file (/dev/stdout, /proc/self/fd/1) counts as standard output: the
  // two would interleave there. A device that keeps nothing (/dev/null) may take both.
  auto is_stdout = [](const std::string& path) {
    if (path == "-") return true;
    struct stat named {}, out {};
    if (::stat(path.c_str(), &named) != 0 || ::fstat(STDOUT_FILENO, &out) != 0) return false;
    if (named.st_dev != out.st_dev || named.st_ino != out.st_ino) return false;
    return !S_ISCHR(out.st_mode) || isatty(STDOUT_FILENO) != 0;
  };
  if ((is_standard_output(output) || is_stdout(output)) && is_stdout(drawing)) {
    usage_error(command, "the drawing (--svg) and the output both go to standard output: give one of them a file");
    return false;
  }
  // One file however it is named (out.json, ./out.json, a link to it), whether it exists or not.
  auto normal = [](const std::string& path) {
    std::error_code ec;
    const std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
    return ec ? std::filesystem::path(path).lexically_normal() : p;
  };
  if (drawing == output || (!is_standard_output(output) && drawing != "-" && normal(drawing) == normal(output))) {
    usage_error(command, "--svg and -o name the same file: give them two");
    return false;
  }
  return true;
}

bool outputs_not_inputs(std::string_view command, std::initializer_list<std::string_view> outputs,
                        std::initializer_list<std::string_view> inputs, const std::vector<std::string>& more_inputs) {
  // The same file is the same device and inode; an output that does not exist yet is no input,
  // and a device (/dev/null, a terminal) or a pipe may be named on both sides.
  auto file_of = [](std::string_view path, struct stat& st) {
    return !path.empty() && path != "-" && ::stat(std::string(path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  };
  for (std::string_view output : outputs) {
    struct stat out {};
    if (!file_of(output, out)) continue;
    auto same = [&](std::string_view input) {
      struct stat in {};
      return file_of(input, in) && in.st_dev == out.st_dev && in.st_ino == out.st_ino;
    };
    std::string_view hit;
    for (std::string_view input : inputs)
      if (same(input)) hit = input;
    for (const std::string& input : more_inputs)
      if (same(input)) hit = input;
    if (!hit.empty()) {
      // (The audit database counts as an input: commands pass it with their inputs.)
      usage_error(command, fmt::format("the output '{}' is the input '{}': the result would replace it; give the output another file",
                                       output, hit));
      return false;
    }
  }
  return true;
}

void set_raw_arguments(int argc, char** argv) { raw().assign(argv, argv + argc); }
const std::vector<std::string>& raw_arguments() { return raw(); }

CLI::Validator decimal() {
  return CLI::Validator(
      [](std::string& s) {
        if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
          return std::string("expected a whole number in decimal digits");
        // CLI11 reads a leading 0 as octal and 0x as hexadecimal: "010" would be 8 days.
        s.erase(0, std::min(s.find_first_not_of('0'), s.size() - 1));
        return std::string();
      },
      "N");
}

CLI::Validator file_name() {
  return CLI::Validator([](std::string& s) { return s.empty() ? std::string("expected a file name") : std::string(); },
                        "FILE");
}

CLI::Validator one_line_text() {
  return CLI::Validator(
      [](std::string& s) {
        if (first_invalid_utf8(s)) return std::string("expected UTF-8 text");
        for (const char c : s)
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::string("expected one line of text, without control characters");
        return std::string();
      },
      "TEXT");
}

CLI::Validator as_of_text() {
  return CLI::Validator([](std::string& s) { return s.empty() ? std::string("expected a date, YYYY-MM-DD") : std::string(); }, "DATE");
}

bool json_errors_requested() {
  const std::vector<std::string>& args = raw();
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--format=json" || (args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json")) return true;
  }
  return false;
}

int usage_error(std::string_view command, std::string_view message) {
  if (json_errors_requested()) {
    print_json_error(Diagnostic{Severity::kError, "usage.command_line", "", {}, 1, "", std::string(message)});
  } else {
    std::cerr << "regimen: " << message << "\nRun 'regimen " << command << (command.empty() ? "" : " ")
              << "--help' for usage.\n";
  }
  return kBadUsage;
}

bool standard_input_once(std::string_view command, std::initializer_list<std::string_view> inputs,
                         const std::vector<std::string>& more) {
  const auto count = std::count(inputs.begin(), inputs.end(), "-") + std::count(more.begin(), more.end(), "-");
  if (count <= 1) return true;
  usage_error(command, "standard input ('-') can be read once: give all but one of these inputs as files");
  return false;
}

bool read_as_of_option(const std::string& text, std::string_view command, std::optional<Date>& day) {
  day.reset();
  if (text.empty()) return true;
  // A date-time is accepted wherever a date is (CONTRACT §1); the day is its calendar date.
  DateParse p = parse_date_or_datetime(text);
  if (!p.value) {
    usage_error(command, "--as-of '" + text + "' is not a date: " + p.problem);
    return false;
  }
  day = p.value->date;
  return true;
}

Inputs load_inputs(const std::string& protocol, const std::string& timeline, const std::string& as_of, bool json,
                   std::string_view command) {
  const Terminal terminal = detect_terminal();
  Inputs in;
  std::optional<Date> day;
  if (!standard_input_once(command, {protocol, timeline})) {
    in.exit_code = kBadUsage;
    return in;
  }
  if (!read_as_of_option(as_of, command, day)) {
    in.exit_code = kBadUsage;
    return in;
  }
  in.protocol = load_protocol_option(protocol);
  if (!in.protocol.plan.ok()) {
    if (json) std::cout << render_json(in.protocol.plan.diagnostics);
    else print_diagnostics(in.protocol.plan.diagnostics, &in.protocol.source, terminal);
    in.exit_code = kBadProtocol;
    return in;
  }
  TimelineReadOptions read_options;
  read_options.instruments = &in.protocol.plan.value->instruments;
  in.timeline = read_timeline_file(timeline, read_options);
  if (!in.timeline.result.ok()) {
    if (json) std::cout << render_json(in.timeline.result.diagnostics);
    else print_diagnostics(in.timeline.result.diagnostics, &in.timeline.source, terminal);
    in.exit_code = kBadInput;
    return in;
  }
  if (!json) print_diagnostics(in.timeline.result.diagnostics, &in.timeline.source, terminal);  // warnings
  if (day) {
    in.as_of = *day;
  } else if (in.timeline.result.value->as_of) {
    in.as_of = in.timeline.result.value->as_of->date;
  } else {  // the only clock read
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    in.as_of = *Date::from_ymd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
  }
  // Same-day sessions are warned about up to as_of, which is known only now (the evaluation's
  // own warnings carry them into its output).
  if (!json)
    print_diagnostics(same_day_session_warnings(*in.timeline.result.value, in.as_of, in.timeline.source), &in.timeline.source,
                      terminal);
  return in;
}

void print_diagnostics(const Diagnostics& diagnostics, const SourceFile* source, const Terminal& terminal) {
  for (const Diagnostic& d : diagnostics)
    std::cerr << render_text(d, source, terminal.stderr_color ? Color::kYes : Color::kNo);
}

void print_diagnostics(const Diagnostics& diagnostics, std::span<const SourceFile> sources, const Terminal& terminal) {
  for (const Diagnostic& d : diagnostics) {
    const auto source = std::find_if(sources.begin(), sources.end(), [&](const SourceFile& s) { return s.name() == d.file; });
    std::cerr << render_text(d, source == sources.end() ? nullptr : &*source, terminal.stderr_color ? Color::kYes : Color::kNo);
  }
}

}  // namespace regimen::cli
