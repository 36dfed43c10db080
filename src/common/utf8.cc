#include "regimen/common/utf8.h"

namespace regimen {

size_t utf8_char_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned c = byte(i);
  if (c < 0x80) return i < s.size() ? 1 : 0;
  // The second byte's range depends on the first (RFC 3629 §4); the others are 80..BF.
  size_t length = 0;
  unsigned low = 0x80, high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) length = 2;
  else if (c == 0xE0) length = 3, low = 0xA0;
  else if (c == 0xED) length = 3, high = 0x9F;  // no surrogates
  else if (c >= 0xE1 && c <= 0xEF) length = 3;
  else if (c == 0xF0) length = 4, low = 0x90;
  else if (c == 0xF4) length = 4, high = 0x8F;  // nothing past U+10FFFF
  else if (c >= 0xF1 && c <= 0xF3) length = 4;
  else return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return length;
}

std::optional<size_t> first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = utf8_char_length(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

std::string printable(std::string_view s, bool keep_tabs) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += (c < 0x20 && !(c == '\t' && keep_tabs)) || c == 0x7F ? '?' : static_cast<char>(c);
      ++i;
    } else if (const size_t n = utf8_char_length(s, i)) {
      const bool c1 = n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;  // U+0080-U+009F
      if (c1) out += '?';
      else out.append(s.substr(i, n));
      i += n;
    } else {
      if ((c & 0xC0) != 0x80) out += '?';
      ++i;
    }
  }
  return out;
}

}  // namespace regimen
