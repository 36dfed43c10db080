#pragma once
// Reading a whole input file (a timeline, a protocol, a scenario, a test file) for the loaders.
// With POSIX reads rather than a stream: a stream buffer throws on a failed read (an I/O error,
// a file that cannot be read as it is listed), which the caller should see as an unreadable
// input (exit 1 or 3), not as an internal error.

#include <string>

namespace regimen {

struct FileText {
  std::string text;
  std::string problem;  ///< why the file could not be read ("it is a directory", strerror's text); empty: read
  [[nodiscard]] bool ok() const { return problem.empty(); }
};

/// The whole text of the file at `path`; "-" is standard input.
FileText read_file_text(const std::string& path);

}  // namespace regimen
