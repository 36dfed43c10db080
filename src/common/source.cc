#include "regimen/common/source.h"

#include <algorithm>

namespace regimen {

std::string input_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

SourceFile::SourceFile(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

SourcePos SourceFile::position_of(size_t offset) const {
  offset = std::min(offset, text_.size());
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const size_t line_index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  const size_t start = line_starts_[line_index];
  auto column = count_code_points(std::string_view(text_).substr(start, offset - start)) + 1;
  // A byte order mark is no column an editor shows.
  if (line_index == 0 && offset >= 3 && std::string_view(text_).starts_with("\xEF\xBB\xBF")) --column;
  return SourcePos{static_cast<uint32_t>(line_index + 1), static_cast<uint32_t>(column)};
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  const size_t start = line_starts_[line - 1];
  size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : text_.size();
  if (end > start && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(start, end - start);
}

size_t count_code_points(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace regimen
