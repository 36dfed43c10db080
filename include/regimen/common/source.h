#pragma once
// Source text and positions. Lines and columns are 1-based; a column counts characters
// (UTF-8 code points), so a caret lines up under the character a person sees. 0 means unknown.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace regimen {

struct SourcePos {
  uint32_t line = 0;
  uint32_t column = 0;

  [[nodiscard]] bool known() const { return line != 0; }
  auto operator<=>(const SourcePos&) const = default;
};

/// The name an input path is shown by in messages: "<stdin>" for "-" (standard input).
std::string input_name(const std::string& path);

/// A named text with a line index, for turning byte offsets into positions and for
/// showing the offending line under a diagnostic.
class SourceFile {
 public:
  SourceFile() = default;
  SourceFile(std::string name, std::string text);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& text() const { return text_; }

  /// The position of a byte offset (clamped to the text).
  [[nodiscard]] SourcePos position_of(size_t byte_offset) const;
  /// The text of a 1-based line, without its line break; empty when out of range.
  [[nodiscard]] std::string_view line_text(uint32_t line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<size_t> line_starts_;  ///< byte offset of each line's first character
};

/// Number of UTF-8 code points in `s` (continuation bytes are not counted).
size_t count_code_points(std::string_view s);

}  // namespace regimen
