#include "line_blocks.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/uio.h>
#include <unistd.h>

#include "regimen/load/timeline_reader.h"

namespace regimen::cli {

bool LineReader::next(LineBlock& block) {
  block.lines.clear();
  block.first_line = next_line_;
  block.bytes = 0;
  if (eof_ && carry_.empty()) return false;

  size_t capacity = std::max(block_size_, carry_.size() * 2);
  block.data.resize(capacity + JsonTimelineReader::kPadding);
  std::memcpy(block.data.data(), carry_.data(), carry_.size());
  size_t size = carry_.size();
  carry_.clear();
  size_t last_newline = std::string::npos;
  while (!eof_) {
    if (size == capacity) {
      if (last_newline != std::string::npos) break;
      capacity *= 2;  // a line longer than a block: grow until it fits
      block.data.resize(capacity + JsonTimelineReader::kPadding);
    }
    const ssize_t n = ::read(fd_, block.data.data() + size, capacity - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::strerror(errno);
      return false;
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    const void* nl = memrchr(block.data.data() + size, '\n', static_cast<size_t>(n));
    size += static_cast<size_t>(n);
    if (nl) last_newline = static_cast<size_t>(static_cast<const char*>(nl) - block.data.data());
  }
  // Whole lines end at the last newline; at the end of the input, the rest is a line too.
  size_t end = eof_ ? size : (last_newline == std::string::npos ? 0 : last_newline + 1);
  carry_.assign(block.data.data() + end, size - end);
  block.bytes = end;
  std::string_view text(block.data.data(), end);
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    block.lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  next_line_ += block.lines.size();
  return !block.lines.empty();
}

bool write_all(int fd, std::string_view data) { return write_all(fd, std::span<const std::string_view>(&data, 1)); }

bool write_all(int fd, std::span<const std::string_view> pieces) {
  std::vector<iovec> batch;
  size_t i = 0;
  while (i < pieces.size()) {
    batch.clear();
    for (; i < pieces.size() && batch.size() < IOV_MAX; ++i)
      if (!pieces[i].empty()) batch.push_back({const_cast<char*>(pieces[i].data()), pieces[i].size()});
    size_t first = 0;  // the first piece of the batch not yet written in full
    while (first < batch.size()) {
      const ssize_t n = ::writev(fd, batch.data() + first, static_cast<int>(batch.size() - first));
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      // A short write: skip what went out, and go on from the middle of a piece.
      size_t written = static_cast<size_t>(n);
      while (first < batch.size() && written >= batch[first].iov_len) written -= batch[first++].iov_len;
      if (first < batch.size()) {
        batch[first].iov_base = static_cast<char*>(batch[first].iov_base) + written;
        batch[first].iov_len -= written;
      }
    }
  }
  return true;
}

}  // namespace regimen::cli
