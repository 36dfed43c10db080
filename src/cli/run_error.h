#pragma once
// What stops a command part way (a file that cannot be read or written, an audit database that
// cannot take the records), with the CONTRACT §6 code and the file it is about.

#include <string>

#include "regimen/common/diagnostic.h"

namespace regimen::cli {

struct RunError {
  std::string code;     ///< e.g. "output.io"
  std::string file;     ///< the file it is about, as the user named it; empty when none
  std::string message;  ///< one sentence
  explicit operator bool() const { return !message.empty(); }
  /// As a CONTRACT §6 error (no line or column: it is about a whole file, or none).
  Diagnostic diagnostic() const { return Diagnostic{Severity::kError, code, file, {}, 1, "", message}; }
};

/// Reports `e`: as CONTRACT §6 JSON on stdout when `--format json` was asked for, else as
/// "regimen: MESSAGE" on stderr.
void report_error(const RunError& e);

}  // namespace regimen::cli
