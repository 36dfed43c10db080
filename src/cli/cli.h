#pragma once
// The command line: a thin layer over the library. Each subcommand lives in its own
// cmd_*.cc file and registers itself with add_*_command().

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "regimen/common/diagnostic.h"
#include "regimen/common/file_text.h"
#include "regimen/audit/audit_log.h"
#include "regimen/compile/plan.h"
#include "regimen/load/timeline_reader.h"
#include "run_error.h"

namespace regimen::cli {

/// CONTRACT §5.
enum ExitCode : int { kSuccess = 0, kBadInput = 1, kBadUsage = 2, kBadProtocol = 3, kInternalError = 4 };

/// What main() runs once the command line has been parsed.
using Runner = std::function<int()>;

struct Terminal {
  bool stdout_color = false;  ///< stdout is a terminal and NO_COLOR is not set
  bool stderr_color = false;
  bool stdout_is_tty = false;
};
Terminal detect_terminal();

/// Writes `content` to `path` ("-" or empty: standard output). A file is written to a temporary
/// name beside it and renamed, so a failed run never leaves a half-written file.
/// Returns an empty string on success, else what went wrong.
std::string write_output(const std::string& path, std::string_view content);
/// Whether output to `path` goes through a temporary file renamed over it at the end, so that a
/// failed run leaves no half-written file: yes for a regular file or a new path; no for a device
/// (`-o /dev/null`), a pipe or a symbolic link, which renaming would replace: those are written
/// in place.
bool write_via_temporary(const std::string& path);
/// Gives the temporary file that will be renamed over `path` the permissions `path` has, if it
/// is a file already: a result written over a file keeps its mode (the temporary has the umask's).
void keep_permissions(const std::string& temporary, const std::string& path);

/// write_output(), reporting a failure on stderr: kSuccess, or kBadInput when it could not write.
int emit(const std::string& path, std::string_view content);

/// One output of a run: a path as write_output() takes it, and what goes there.
struct Output {
  std::string path;
  std::string_view content;
};
/// Several outputs of one run (the result and its drawing): every file is written to its
/// temporary, and what cannot be (a device, a pipe, standard output, last) is written, before any
/// temporary is renamed into place, so a run that fails to write one leaves none (CONTRACT §6).
/// Empty string, or what went wrong (and in `failed`, which output).
std::string write_outputs(std::span<const Output> outputs, size_t* failed = nullptr);
/// write_outputs(), reporting a failure as emit() does.
int emit_all(std::span<const Output> outputs);
/// Why `path` (an -o or --svg file, not standard output) could not be written now (its directory
/// missing or read-only), or empty: checked before a decision is recorded.
std::string cannot_write(const std::string& path);
/// --svg and -o go to different places (not both standard output, not one file): true; else the
/// usage error is reported for `command` (the caller exits with kBadUsage).
bool outputs_apart(std::string_view command, const std::string& output, const std::string& drawing);

/// No output names one of the inputs (however it is named: a link, ./x, the same file), which
/// the result would replace, or, for a link written in place, empty before it is read: true;
/// else the usage error is reported for `command` (the caller exits with kBadUsage).
bool outputs_not_inputs(std::string_view command, std::initializer_list<std::string_view> outputs,
                        std::initializer_list<std::string_view> inputs, const std::vector<std::string>& more_inputs = {});

/// Prints diagnostics to stderr for a person (with the source line when `source` is given).
void print_diagnostics(const Diagnostics& diagnostics, const SourceFile* source, const Terminal& terminal);
/// The same for diagnostics about several files: each is shown with its line from the source of
/// its name, when one of `sources` is.
void print_diagnostics(const Diagnostics& diagnostics, std::span<const SourceFile> sources, const Terminal& terminal);

/// Standard input can be read once: true when at most one of `inputs` is "-"; else the usage
/// error is reported for `command` (and the caller exits with kBadUsage).
bool standard_input_once(std::string_view command, std::initializer_list<std::string_view> inputs,
                         const std::vector<std::string>& more = {});

/// The protocol named by -p (a file), or the built-in default when the option is empty,
/// compiled; with the source kept for diagnostics.
struct LoadedProtocol {
  SourceFile source;
  Result<Plan> plan;
};
LoadedProtocol load_protocol_option(const std::string& path);
/// CONTRACT §6: whether the command line asks for JSON (`--format json`), in which case errors,
/// the command line's own included, go to standard output as {"errors":[…]}.
bool json_errors_requested();
/// Reports a wrong command line (as JSON on stdout when json_errors_requested(), else on stderr
/// with a pointer to `regimen COMMAND --help`) and returns kBadUsage.
int usage_error(std::string_view command, std::string_view message);
/// Reports a problem in an input file other than the timeline (a what-if scenario): as JSON on
/// stdout when json_errors_requested(), else on stderr as compilers do, with the line from
/// `source` when given; returns kBadInput (CONTRACT §5: the input was bad).
int input_error(const Diagnostic& d, const SourceFile* source);
/// The same for several problems of one input, all of them reported.
int input_error(const Diagnostics& ds, const SourceFile* source);

/// --as-of's check: an empty value is an error (left out, the option takes the timeline's as_of).
CLI::Validator as_of_text();
/// A file name that is not empty: `--audit "$DB"` with DB unset would otherwise record nothing
/// without a word (an empty --audit fell back to $REGIMEN_AUDIT_DB, or to no recording).
CLI::Validator file_name();
/// One line of UTF-8 text without control characters (--requested-by: it is shown in `audit
/// list`'s table, where a line break would forge a row).
CLI::Validator one_line_text();
/// A count given in decimal digits (leading zeros allowed and dropped): checked before the
/// option's range, since CLI11 itself would read "010" as octal and "0x10" as hexadecimal.
CLI::Validator decimal();
/// Reads --as-of into `day` (left empty when the option is); false, with the usage message
/// printed for `command`, when it is not a date or date-time.
bool read_as_of_option(const std::string& text, std::string_view command, std::optional<Date>& day);
/// Whether the protocol compiled; when not, its diagnostics are printed, as JSON on stdout when
/// json_errors_requested() (the caller then exits with kBadProtocol).
bool protocol_compiles(const LoadedProtocol& p, const Terminal& terminal);

/// What evaluate, explain, whatif and plan all start from: the compiled protocol, the timeline
/// read against its instruments, and the evaluation day (CONTRACT §4: --as-of, else the
/// timeline's as_of, else today). On failure, `exit_code` says why and the diagnostics are printed
/// (as JSON on stdout when `json`).
struct Inputs {
  LoadedProtocol protocol;
  LoadedTimeline timeline;
  Date as_of;
  int exit_code = kSuccess;
};
Inputs load_inputs(const std::string& protocol, const std::string& timeline, const std::string& as_of, bool json,
                   std::string_view command);

/// The command line as given, for options whose order matters (whatif's --item after --add-score).
void set_raw_arguments(int argc, char** argv);
const std::vector<std::string>& raw_arguments();

/// The audit log options shared by the commands that make decisions.
struct AuditOptions {
  std::string db;  ///< --audit, else $REGIMEN_AUDIT_DB; empty: no recording
  std::string requested_by;
};
void add_audit_options(CLI::App* cmd, AuditOptions& o);
std::string audit_path(const AuditOptions& o);
/// A record of one decision made from `in` (its protocol and timeline as given).
AuditEntry audit_entry(std::string_view command, const Inputs& in, Date as_of, const std::string& overrides,
                       std::string output, std::string explanation, const AuditOptions& o);
AuditEntry audit_entry(std::string_view command, const SourceFile& protocol, const Plan& plan, const Timeline& t,
                       std::string_view input_text, std::string_view input_name, Date as_of, const std::string& overrides,
                       std::string output, std::string explanation, const AuditOptions& o);
/// The record's fields but its large columns (input, input_sha256, input_text, output,
/// explanation): batch writes those straight into a chunk (AuditLog::add_to_chunk).
AuditEntry audit_fields(std::string_view command, const SourceFile& protocol, const Plan& plan, const Timeline& t,
                        std::string_view input_name, Date as_of, std::string_view overrides, const AuditOptions& o);
/// The SHA-256 of a protocol's text, computed once per run.
const std::string& protocol_hash(const SourceFile& protocol);
/// Appends one decision and marks `out` with its id: JSON output gets a "decision_id" key, text a
/// closing line. kSuccess, or kBadInput (the reason reported as input_error does, code
/// `audit.io`) when it could not be recorded: then nothing is to be output.
/// `outputs` (-o, --svg) are checked first: a run that could not deliver its result records nothing.
int record_decision(const AuditOptions& o, AuditEntry entry, bool json, std::string& out,
                    std::initializer_list<std::string_view> outputs = {});
/// The JSON object with "decision_id" added as its last key.
std::string with_decision_id(const std::string& json, const std::string& id);
/// The same, appended to `out` (batch: no string made per line). `pretty`: whether the JSON is
/// indented, when the caller knows (else it is looked for).
void append_with_decision_id(std::string& out, std::string_view json, std::string_view id,
                             std::optional<bool> pretty = std::nullopt);

Runner add_summarize_command(CLI::App& app);
Runner add_audit_command(CLI::App& app);
Runner add_whatif_command(CLI::App& app);
Runner add_plan_command(CLI::App& app);
Runner add_batch_command(CLI::App& app);
Runner add_diff_command(CLI::App& app);
Runner add_evaluate_command(CLI::App& app);
Runner add_explain_command(CLI::App& app);
Runner add_test_command(CLI::App& app);
Runner add_trace_matrix_command(CLI::App& app);
Runner add_check_command(CLI::App& app);
Runner add_graph_command(CLI::App& app);

}  // namespace regimen::cli
