#include "regimen/common/json_writer.h"

#include <cmath>
#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace regimen {

namespace {

/// Whether any of the 8 bytes in `x` needs an escape: below 0x20, '"' or '\\' (bit tricks from
/// "Bit Twiddling Hacks": a byte below n, a byte equal to c; bytes from 0x80 never match).
bool any_to_escape(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
  const uint64_t below_space = (x - kOnes * 0x20) & ~x;
  const uint64_t is_quote = (quote - kOnes) & ~quote, is_backslash = (backslash - kOnes) & ~backslash;
  return ((below_space | is_quote | is_backslash) & kHigh) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  // Runs of characters that need no escape are copied whole; they are found 8 bytes at a time
  // (this runs for every key and string of every result line).
  size_t run = 0, i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (any_to_escape(word)) break;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void JsonWriter::newline() {
  if (style_ != Style::kPretty) return;
  (*out_) += '\n';
  out_->append(has_items_.size() * 2, ' ');
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  (*out_) += '{';
  has_items_.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  const bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) newline();
  (*out_) += bracket;
  return *this;
}

JsonWriter& JsonWriter::end_object() { return close('}'); }

JsonWriter& JsonWriter::begin_array() {
  before_value();
  (*out_) += '[';
  has_items_.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  append_json_string((*out_), k);
  (*out_) += style_ == Style::kPretty ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  append_json_string((*out_), s);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t n) {
  before_value();
  const fmt::format_int text(n);
  out_->append(text.data(), text.size());
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
  before_value();
  const fmt::format_int text(n);
  out_->append(text.data(), text.size());
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  if (!std::isfinite(d)) return null();
  before_value();
  // Integral values print without a fraction, others in the shortest round-trip form.
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    const fmt::format_int text(static_cast<int64_t>(d));
    out_->append(text.data(), text.size());
  } else {
    char text[64];
    out_->append(text, fmt::format_to_n(text, sizeof text, "{}", d).out);
  }
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  (*out_) += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  (*out_) += "null";
  return *this;
}

void JsonWriter::clear() {
  out_->clear();
  has_items_.clear();
  after_key_ = false;
}

}  // namespace regimen
