#include "regimen/common/file_text.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace regimen {
namespace {

std::string error_text(int error) { return std::strerror(error); }

/// Reads fd to its end into `text`; false with errno set on a failed read.
bool read_all(int fd, std::string& text) {
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

FileText read_file_text(const std::string& path) {
  FileText out;
  if (path == "-") {
    if (!read_all(STDIN_FILENO, out.text)) out.problem = error_text(errno);
    return out;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    out.problem = error_text(errno);
    return out;
  }
  struct stat st {};
  const bool stated = ::fstat(fd, &st) == 0;
  if (stated && S_ISDIR(st.st_mode)) {
    out.problem = "it is a directory";
  } else {
    if (stated && S_ISREG(st.st_mode) && st.st_size > 0) out.text.reserve(static_cast<size_t>(st.st_size));
    if (!read_all(fd, out.text)) out.problem = error_text(errno);
  }
  ::close(fd);
  if (!out.ok()) out.text.clear();
  return out;
}

}  // namespace regimen
