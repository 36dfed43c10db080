#include "regimen/common/json_writer.h"

#include "regimen/common/utf8.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace regimen {

namespace {

bool escaped(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

/// Whether a byte needs a look: an escape (below 0x20, '"', '\\') or a byte from 0x80 (part of a
/// character that must be well-formed UTF-8).
bool needs_look(unsigned char c) { return escaped(c) || c >= 0x80; }

#if defined(__SSE2__)
/// The bytes of the 16 at `p` that need a look, as a bit mask (bit i: byte i). SSE2 is part of
/// every x86-64 CPU: 16 bytes take about as many instructions as one byte took in a byte loop.
uint32_t look_mask(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // v <= 0x1f unsigned: max(v, 0x1f) == 0x1f. (Bytes from 0x80 show in the sign bits below.)
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) |
                               _mm_movemask_epi8(v));
}
#endif

/// Where the first byte of `s` from `from` on that needs a look is, or s.size(): everything
/// before it is copied as it is. Every string of every result line is scanned this way.
size_t first_to_look(std::string_view s, size_t from) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t i = from;
#if defined(__SSE2__)
  if (n - i >= 16) {
    for (; i + 16 <= n; i += 16)
      if (const uint32_t m = look_mask(p + i)) return i + static_cast<size_t>(__builtin_ctz(m));
    if (i == n) return n;
    // The last, partial block: the 16 bytes that end the string, some of them seen already (and
    // clean), so no byte past the end is read.
    const uint32_t m = look_mask(p + n - 16);
    return m ? n - 16 + static_cast<size_t>(__builtin_ctz(m)) : n;
  }
#endif
  for (; i < n; ++i)
    if (needs_look(static_cast<unsigned char>(p[i]))) return i;
  return n;
}

/// Writes `s` as a quoted JSON string at `p`, which has room for 6 * s.size() + 2 bytes (every
/// byte a \u00XX escape); returns the end.
char* write_json_string(char* p, std::string_view s) {
  *p++ = '"';
  // Runs of characters that need no escape are copied whole.
  size_t run = 0, i = first_to_look(s, 0);
  auto two = [&p](char a, char b) {
    p[0] = a;
    p[1] = b;
    p += 2;
  };
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    // A well-formed character is copied as it is; a byte that is not UTF-8 is written as U+FFFD,
    // so that the output is valid UTF-8 (and JSON) even if such a byte slipped in (a file name).
    if (c >= 0x80) {
      if (const size_t n = utf8_char_length(s, i)) {
        i += n - 1;
        continue;
      }
      std::memcpy(p, s.data() + run, i - run);
      p += i - run;
      run = i + 1;
      std::memcpy(p, "\\ufffd", 6);
      p += 6;
      continue;
    }
    if (!escaped(c)) continue;
    std::memcpy(p, s.data() + run, i - run);
    p += i - run;
    run = i + 1;
    switch (c) {
      case '"': two('\\', '"'); break;
      case '\\': two('\\', '\\'); break;
      case '\n': two('\\', 'n'); break;
      case '\r': two('\\', 'r'); break;
      case '\t': two('\\', 't'); break;
      case '\b': two('\\', 'b'); break;
      case '\f': two('\\', 'f'); break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        std::memcpy(p, "\\u00", 4);
        p[4] = kHex[c >> 4];
        p[5] = kHex[c & 15];
        p += 6;
      }
    }
  }
  if (s.size() > run) {  // (an empty view may have no data: memcpy must not see it)
    std::memcpy(p, s.data() + run, s.size() - run);
    p += s.size() - run;
  }
  *p++ = '"';
  return p;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const size_t at = out.size();
  out.resize(at + 6 * s.size() + 2);
  out.resize(static_cast<size_t>(write_json_string(out.data() + at, s) - out.data()));
}

namespace {

/// A number of hundredths (a change of -33.33 %, a weight of 81.5 kg): written as its decimal
/// text, which is the shortest that reads back to it, as fmt's "{}" would write it but without
/// the general algorithm. Returns the length, or 0 when `d` is not such a number (then the caller
/// asks fmt). Why it is the same text: when r / 100.0 == d for a whole r, d is the double nearest
/// to the decimal r/100 (division is correctly rounded), so that decimal reads back to d; and no
/// shorter decimal can, since below 10^6 two decimals 0.01 apart are far more than a double's
/// spacing apart. fmt writes such numbers without an exponent (its exponent form starts below
/// 10^-4). A test compares the two over every hundredth to ±2,000 and random numbers.
size_t hundredths(double d, char* text) {
  if (!(std::fabs(d) < 1e6)) return 0;
  const double r = std::nearbyint(d * 100);
  if (r / 100 != d) return 0;
  auto whole = static_cast<int64_t>(r);
  char* p = text;
  if (whole < 0) {
    *p++ = '-';
    whole = -whole;
  }
  const fmt::format_int units(whole / 100);
  std::memcpy(p, units.data(), units.size());
  p += units.size();
  const auto cents = static_cast<int>(whole % 100);  // not 0: d would be whole, written before
  *p++ = '.';
  *p++ = static_cast<char>('0' + cents / 10);
  if (cents % 10) *p++ = static_cast<char>('0' + cents % 10);
  return static_cast<size_t>(p - text);
}

}  // namespace

void JsonWriter::grow(size_t n) {
  // Without a cursor the string is exact (the caller may have appended to it since).
  const size_t written = cursor_ ? static_cast<size_t>(cursor_ - out_->data()) : out_->size();
  // Room in steps, so that a line of many small values resizes a few times, not once per value.
  constexpr size_t kStep = 512;
  if (out_->size() - written < n) out_->resize(written + std::max(n, kStep));
  cursor_ = out_->data() + written;
  limit_ = out_->data() + out_->size();
}

namespace {

/// Whether any byte of `s` needs an escape (or is not UTF-8).
bool needs_escape(std::string_view s) {
  for (size_t i = first_to_look(s, 0); i < s.size(); i = first_to_look(s, i)) {
    if (static_cast<unsigned char>(s[i]) < 0x80) return true;
    const size_t n = utf8_char_length(s, i);
    if (n == 0) return true;
    i += n;
  }
  return false;
}

}  // namespace

void JsonWriter::string(std::string_view s) {
  // Most strings need no escape: then they take their own length, not room for the worst case
  // (six bytes a character), which the string would zero-fill whenever it grows.
  if (!needs_escape(s)) {
    char* p = item(s.size() + 2);
    *p++ = '"';
    copy(p, s.data(), s.size());
    p[s.size()] = '"';
    cursor_ = p + s.size() + 1;
    return;
  }
  char* p = item(6 * s.size() + 2);
  cursor_ = write_json_string(p, s);
}

void JsonWriter::newline() {
  if (style_ != Style::kPretty) return;
  const size_t indent = has_items_.size() * 2;
  char* p = room(1 + indent);
  p[0] = '\n';
  std::memset(p + 1, ' ', indent);
  cursor_ += 1 + indent;
}

JsonWriter& JsonWriter::close(char bracket) {
  const bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items) newline();
  put(bracket);
  done();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  string(k);
  colon();
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  string(s);
  done();
  return *this;
}

JsonWriter& JsonWriter::value(int64_t n) {
  // Most numbers of a result line are small (ids, scores, days): one or two digits, written
  // without a formatter.
  if (static_cast<uint64_t>(n) < 100) {
    char* p = item(2);
    if (n < 10) {
      p[0] = static_cast<char>('0' + n);
      cursor_ = p + 1;
    } else {
      p[0] = static_cast<char>('0' + n / 10);
      p[1] = static_cast<char>('0' + n % 10);
      cursor_ = p + 2;
    }
    done();
    return *this;
  }
  before_value();
  const fmt::format_int text(n);
  put(std::string_view(text.data(), text.size()));
  done();
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
  before_value();
  const fmt::format_int text(n);
  put(std::string_view(text.data(), text.size()));
  done();
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  if (!std::isfinite(d)) return null();
  before_value();
  // Integral values print without a fraction, others in the shortest round-trip form.
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    const fmt::format_int text(static_cast<int64_t>(d));
    put(std::string_view(text.data(), text.size()));
  } else if (char short_text[64]; const size_t n = hundredths(d, short_text)) {
    put(std::string_view(short_text, n));
  } else {
    char text[64];
    put(std::string_view(text, static_cast<size_t>(fmt::format_to_n(text, sizeof text, "{}", d).out - text)));
  }
  done();
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  put(b ? std::string_view("true") : std::string_view("false"));
  done();
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  put(std::string_view("null"));
  done();
  return *this;
}

void JsonWriter::clear() {
  trim();
  out_->clear();
  has_items_.clear();
  after_key_ = false;
}

}  // namespace regimen
