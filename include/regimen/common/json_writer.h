#pragma once
// A small streaming JSON writer into a reusable buffer. Keys are written in the order the
// caller gives them, so output is byte-for-byte deterministic; numbers use the shortest
// representation that reads back to the same value.
//
// Speed (a batch writes ~8 KB of this per patient): the writer keeps spare room at the end of
// its string and writes into it through a pointer, so that a key or value is a memcpy rather than
// a call into std::string. The string is trimmed to what was written whenever a top-level
// value is complete, and by str(), take(), take_line(), clear() and the destructor; between two
// documents the caller may append to a target string of its own.

#include <cstdint>
#include <cstring>
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
  ~JsonWriter() { trim(); }

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);
  /// A key written in the program (a string literal): quoted and copied in one step, since such
  /// keys need no escape (one that does goes the general way). Every key of a result line is one.
  template <size_t N>
  [[gnu::always_inline]] JsonWriter& key(const char (&k)[N]) {  // inline: the check folds away
    constexpr size_t n = N - 1;
    for (size_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(k[i]);
      if (c < 0x20 || c == '"' || c == '\\') return key(std::string_view(k));  // also a char buffer
    }
    char* p = item(n + 4);
    p[0] = '"';
    std::memcpy(p + 1, k, n);
    p[n + 1] = '"';
    p[n + 2] = ':';
    p[n + 3] = ' ';
    cursor_ = p + (style_ == Style::kPretty ? n + 4 : n + 3);
    after_key_ = true;
    return *this;
  }

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

  /// A key or value already written as JSON (`"name"`, quoted and escaped once, say for every
  /// result of one protocol): copied as it is.
  JsonWriter& json_key(std::string_view quoted) {
    const size_t n = quoted.size();
    char* p = item(n + 2);
    copy(p, quoted.data(), n);
    p[n] = ':';
    p[n + 1] = ' ';
    cursor_ = p + (style_ == Style::kPretty ? n + 2 : n + 1);
    after_key_ = true;
    return *this;
  }
  JsonWriter& json_value(std::string_view json) {
    char* p = item(json.size());
    copy(p, json.data(), json.size());
    cursor_ = p + json.size();
    done();
    return *this;
  }

  /// Bytes written to the string so far, anything it held before included: a place to copy from
  /// with json_value_again.
  [[nodiscard]] size_t position() const {
    return cursor_ ? static_cast<size_t>(cursor_ - out_->data()) : out_->size();
  }
  /// A value written before into the same string, [from, from + n), written again (compact
  /// output: in pretty output its indent would be that of its first place).
  JsonWriter& json_value_again(size_t from, size_t n) {
    char* p = item(n);  // before the source is read: room may move the string
    std::memcpy(p, out_->data() + from, n);
    cursor_ = p + n;
    done();
    return *this;
  }
  [[nodiscard]] bool pretty() const { return style_ == Style::kPretty; }

  /// The text written so far; the writer can be reused after clear().
  [[nodiscard]] const std::string& str() const {
    trim();
    return *out_;
  }
  std::string take() {
    trim();
    return std::move(*out_);
  }
  /// The text with a final newline (a JSON document or line as printed).
  std::string take_line() {
    trim();
    *out_ += '\n';
    return std::move(*out_);
  }
  void clear();

 private:
  /// Room for n more bytes at cursor_. (The room's ends are kept in the writer, not read through
  /// out_ each time: that pointer chase was the most expensive part of writing a key.)
  char* room(size_t n) {
    if (!cursor_ || static_cast<size_t>(limit_ - cursor_) < n) [[unlikely]] grow(n);
    return cursor_;
  }
  void grow(size_t n);
  /// Cuts the string to what was written (const: str() does it; the string is not the writer's state).
  void trim() const {
    if (!cursor_) return;
    out_->resize(static_cast<size_t>(cursor_ - out_->data()));
    cursor_ = limit_ = nullptr;
  }
  void put(std::string_view s) {
    copy(room(s.size()), s.data(), s.size());
    cursor_ += s.size();
  }
  /// memcpy, with the short copies most pieces are (keys, names, numbers) done inline by two
  /// overlapping moves rather than a call into the C library.
  static void copy(char* to, const char* from, size_t n) {
    if (n >= 8 && n <= 16) {
      uint64_t a, b;
      std::memcpy(&a, from, 8);
      std::memcpy(&b, from + n - 8, 8);
      std::memcpy(to, &a, 8);
      std::memcpy(to + n - 8, &b, 8);
    } else if (n > 16 && n <= 32) {
      uint64_t a[2], b[2];
      std::memcpy(a, from, 16);
      std::memcpy(b, from + n - 16, 16);
      std::memcpy(to, a, 16);
      std::memcpy(to + n - 16, b, 16);
    } else if (n > 32 && n <= 64) {  // (sentences, expressions, citations)
      uint64_t a[4], b[4];
      std::memcpy(a, from, 32);
      std::memcpy(b, from + n - 32, 32);
      std::memcpy(to, a, 32);
      std::memcpy(to + n - 32, b, 32);
    } else if (n >= 4 && n < 8) {
      uint32_t a, b;
      std::memcpy(&a, from, 4);
      std::memcpy(&b, from + n - 4, 4);
      std::memcpy(to, &a, 4);
      std::memcpy(to + n - 4, &b, 4);
    } else if (n != 0) {  // (an empty view may have no data: memcpy must not see it)
      std::memcpy(to, from, n);
    }
  }
  void put(char c) {
    *room(1) = c;
    ++cursor_;
  }
  /// After a value: a complete top-level value leaves the string exact.
  void done() {
    if (has_items_.empty()) trim();
  }
  /// The separator before a key or value (see before_value) and room for n bytes after it:
  /// where the key or value goes. Inline, and in one step in compact style (one look for room,
  /// the comma written always and kept only when it belongs): it runs before every key and value
  /// written.
  char* item(size_t n) {
    if (style_ == Style::kPretty) [[unlikely]] {
      before_value();
      return room(n);
    }
    char* p = room(n + 1);
    if (after_key_) {
      after_key_ = false;
      return p;
    }
    if (has_items_.empty()) return p;
    uint8_t& has = has_items_.back();
    *p = ',';
    p += has;
    has = 1;
    return p;
  }
  /// The comma (and, pretty, the line break) before a value, unless it follows its key.
  void before_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (has_items_.empty()) return;
    if (has_items_.back()) put(',');
    has_items_.back() = 1;
    if (style_ == Style::kPretty) newline();
  }
  void newline();
  void colon() {
    put(':');
    if (style_ == Style::kPretty) put(' ');
  }
  JsonWriter& open(char bracket) {
    before_value();
    put(bracket);
    has_items_.push_back(0);
    return *this;
  }
  JsonWriter& close(char bracket);
  void string(std::string_view s);

  Style style_;
  mutable std::string own_;
  std::string* out_ = &own_;
  // While writing, *out_ ends with spare room: [cursor_, limit_) is free, and what precedes cursor_
  // is written. Otherwise both are null and *out_ is exact.
  mutable char* cursor_ = nullptr;
  mutable char* limit_ = nullptr;
  std::vector<uint8_t> has_items_;  ///< per open container: has it an item yet (not vector<bool>: bits are slower)
  bool after_key_ = false;
};

/// Appends `s` to `out` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace regimen
