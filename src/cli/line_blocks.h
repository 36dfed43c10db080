#pragma once
// Reads a stream in large blocks and hands out its lines as views into the block, with their
// line numbers: no copy and no allocation per line. After the last line of a block there are
// always JsonTimelineReader::kPadding readable bytes, so the JSON parser reads lines in place.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace regimen::cli {

struct LineBlock {
  std::string data;                     ///< the block's bytes (capacity grows for very long lines)
  std::vector<std::string_view> lines;  ///< each without its line ending
  uint64_t first_line = 1;              ///< the line number of lines[0]
  uint64_t bytes = 0;                   ///< input bytes this block covers
};

class LineReader {
 public:
  /// Reads from the open file descriptor `fd` (not closed here), about `block_size` bytes a block.
  LineReader(int fd, size_t block_size) : fd_(fd), block_size_(block_size) {}

  /// Fills `block` with the next whole lines. False at the end of the input (block empty), or on
  /// a read error (then error() says why).
  bool next(LineBlock& block);
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  int fd_;
  size_t block_size_;
  std::string carry_;  ///< a partial line left at the end of the previous block
  uint64_t next_line_ = 1;
  bool eof_ = false;
  std::string error_;
};

/// Writes all of `data` to `fd` (retrying short writes); false on an error (errno says which).
bool write_all(int fd, std::string_view data);
/// Writes all of `pieces`, in order, with as few system calls as it can (writev).
bool write_all(int fd, std::span<const std::string_view> pieces);

}  // namespace regimen::cli
