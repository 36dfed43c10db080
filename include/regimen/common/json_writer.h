#pragma once
// A small streaming JSON writer into a reusable buffer. Keys are written in the order the
// caller gives them, so output is byte-for-byte deterministic; numbers use the shortest
// representation that reads back to the same value.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace regimen {

class JsonWriter {
 public:
  enum class Style { kCompact, kPretty };
  explicit JsonWriter(Style style = Style::kCompact) : style_(style) {}
  /// Appends to `target` instead of a buffer of its own (batch output: one buffer for many lines).
  JsonWriter(std::string& target, Style style) : style_(style), out_(&target) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t n);
  JsonWriter& value(int n) { return value(int64_t{n}); }
  JsonWriter& value(uint32_t n) { return value(int64_t{n}); }
  JsonWriter& value(uint64_t n);
  JsonWriter& value(double d);  ///< non-finite values are written as null
  JsonWriter& value(bool b);
  JsonWriter& null();

  /// The text written so far; the writer can be reused after clear().
  [[nodiscard]] const std::string& str() const { return *out_; }
  std::string take() { return std::move(*out_); }
  /// The text with a final newline (a JSON document or line as printed).
  std::string take_line() {
    *out_ += '\n';
    return std::move(*out_);
  }
  void clear();

 private:
  /// The comma (and, pretty, the line break) before a value, unless it follows its key. Inline:
  /// it runs before every key and value written.
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (has_items_.empty()) return;
    if (has_items_.back()) (*out_) += ',';
    has_items_.back() = 1;
    if (style_ == Style::kPretty) newline();
  }
  void newline();
  JsonWriter& close(char bracket);

  Style style_;
  std::string own_;
  std::string* out_ = &own_;
  std::vector<uint8_t> has_items_;  ///< per open container: has it an item yet (not vector<bool>: bits are slower)
  bool after_key_ = false;
};

/// Appends `s` to `out` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace regimen
