#include "scalar_locator.h"

#include "yaml_parse.h"

#include <algorithm>
#include <cctype>

namespace regimen::load {
namespace {

size_t offset_of(const SourceFile& source, const YAML::Mark& m) {
  if (m.line < 0) return 0;
  const std::string_view line = source.line_text(static_cast<uint32_t>(m.line + 1));
  const size_t line_start = static_cast<size_t>(line.data() - source.text().data());
  // Mark columns count characters; walk them to a byte offset.
  size_t i = 0;
  for (int col = 0; i < line.size() && col < m.column; ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
  return line_start + i;
}

/// A double-quoted scalar's escape at src[s] ('\\'): how many source bytes it takes and how many
/// bytes of the value it stands for (YAML 1.2 §5.7), or {0, 0} for an escaped line break, which
/// joins lines and stands for nothing.
struct Escape {
  size_t source = 0, value = 0;
};
Escape escape_at(std::string_view src, size_t s) {
  if (s + 1 >= src.size()) return {1, 1};
  const char e = src[s + 1];
  auto code_point_bytes = [&](size_t digits) -> Escape {
    uint32_t cp = 0;
    for (size_t k = 0; k < digits && s + 2 + k < src.size(); ++k) {
      const char h = src[s + 2 + k];
      cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
    }
    return {2 + digits, cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u};
  };
  switch (e) {
    case 'x': return code_point_bytes(2);
    case 'u': return code_point_bytes(4);
    case 'U': return code_point_bytes(8);
    case 'N': case '_': return {2, 2};  // U+0085, U+00A0
    case 'L': case 'P': return {2, 3};  // U+2028, U+2029
    case '\n': case '\r': return {0, 0};
    default: return {2, 1};  // \t \n \" \\ \/ \0 \a \b \e \f \r \v \space and a tab
  }
}

}  // namespace

EmbeddedText locate_scalar(const SourceFile& source, const YAML::Node& scalar) {
  EmbeddedText out;
  out.text = scalar.Scalar();
  const YAML::Mark mark = scalar.Mark();
  out.pos = position_of(mark);
  const std::string& src = source.text();
  size_t s = offset_of(source, mark);
  // A block scalar (| or >) keeps indentation beyond its base indentation in the value, so
  // after a line break exactly the base indentation is skipped; flow scalars drop it all.
  const bool block = s < src.size() && (src[s] == '|' || src[s] == '>');
  size_t base_indent = 0;
  if (block) {
    size_t line = src.find('\n', s);
    while (line != std::string::npos) {
      size_t i = line + 1, indent = 0;
      while (i < src.size() && src[i] == ' ') ++i, ++indent;
      if (i < src.size() && src[i] != '\n' && src[i] != '\r') {
        base_indent = indent;
        break;
      }
      line = src.find('\n', i);
    }
  }
  const bool double_quoted = s < src.size() && src[s] == '"';
  std::vector<size_t> offsets;
  offsets.reserve(out.text.size() + 1);
  // Walk the value and the source together: equal bytes match; source bytes that are not in
  // the value (quotes, block indicators, indentation) are skipped; a line break that folding
  // turned into a space matches that space; an escape in a double-quoted scalar stands for the
  // bytes it makes, all placed at its backslash.
  constexpr size_t kGiveUp = 512;
  if (double_quoted) ++s;  // the opening quote
  for (size_t vi = 0; vi < out.text.size();) {
    if (double_quoted && s < src.size() && src[s] == '\\') {
      const Escape e = escape_at(src, s);
      if (e.source == 0) {  // an escaped line break: skip it and the next line's indentation
        s += 2;
        while (s < src.size() && (src[s] == '\n' || src[s] == ' ' || src[s] == '\t')) ++s;
        continue;
      }
      const size_t n = std::min(e.value, out.text.size() - vi);
      offsets.insert(offsets.end(), n, s);
      vi += n;
      s += e.source;
      continue;
    }
    const char v = out.text[vi++];
    size_t skipped = 0;
    while (s < src.size() && skipped < kGiveUp) {
      const char c = src[s];
      if (c == v) break;
      if ((v == ' ' || v == '\n') && (c == '\n' || c == '\r')) break;
      ++s;
      ++skipped;
    }
    if (s >= src.size() || skipped >= kGiveUp) {  // lost: point at the scalar itself
      offsets.assign(out.text.size() + 1, offset_of(source, mark));
      s = src.size();
      break;
    }
    offsets.push_back(s);
    if (src[s] == '\n' || src[s] == '\r') {
      if (block) {
        while (s < src.size() && (src[s] == '\n' || src[s] == '\r')) ++s;
        for (size_t k = 0; k < base_indent && s < src.size() && src[s] == ' '; ++k) ++s;
      } else {
        while (s < src.size() && std::isspace(static_cast<unsigned char>(src[s]))) ++s;
      }
    } else {
      ++s;
    }
  }
  if (offsets.size() == out.text.size()) offsets.push_back(std::min(s, src.size()));
  // Positions step forward from the last one: position_of counts the columns from the start of
  // the line each time, which made a 100 KB expression on one line take seconds.
  out.positions.reserve(offsets.size());
  size_t at = 0;
  SourcePos pos;
  for (size_t o : offsets) {
    o = std::min(o, src.size());
    if (out.positions.empty() || o < at) {
      pos = source.position_of(o);
    } else {
      for (; at < o; ++at) {
        const auto c = static_cast<unsigned char>(src[at]);
        if (c == '\n') pos = SourcePos{pos.line + 1, 1};
        else if ((c & 0xC0) != 0x80) ++pos.column;
      }
    }
    at = o;
    out.positions.push_back(pos);
  }
  return out;
}

}  // namespace regimen::load
