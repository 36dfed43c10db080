#include "scalar_locator.h"

#include "yaml_parse.h"

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
  std::vector<size_t> offsets;
  offsets.reserve(out.text.size() + 1);
  // Walk the value and the source together: equal bytes match; source bytes that are not in
  // the value (quotes, escapes, block indicators, indentation) are skipped; a line break that
  // folding turned into a space matches that space.
  constexpr size_t kGiveUp = 512;
  for (const char v : out.text) {
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
  out.positions.reserve(offsets.size());
  for (size_t o : offsets) out.positions.push_back(source.position_of(o));
  return out;
}

}  // namespace regimen::load
