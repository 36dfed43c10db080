#include "regimen/common/diagnostic.h"

#include <algorithm>
#include <fmt/format.h>

#include "regimen/common/json_writer.h"
#include "regimen/common/utf8.h"

namespace regimen {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
  }
  return "error";
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

void Diagnostics::sort_by_position() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    return a.pos < b.pos;
  });
}

namespace {

std::string_view color_of(Severity s) {
  switch (s) {
    case Severity::kError: return "\033[1;31m";
    case Severity::kWarning: return "\033[1;35m";
    case Severity::kNote: return "\033[1;36m";
  }
  return "";
}

// The caret line: the same leading whitespace as the source (so tabs line up), then ^~~~.
std::string caret_line(std::string_view line, uint32_t column, uint32_t width) {
  std::string out;
  uint32_t col = 1;
  for (size_t i = 0; i < line.size() && col < column; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
    ++col;
  }
  for (; col < column; ++col) out += ' ';  // a column past the end of the line
  out += '^';
  for (uint32_t i = 1; i < width; ++i) out += '~';
  return out;
}

// The source line and the caret under d's column. A line too long to read whole (a cohort's
// 3 KB JSON line) is cut to the characters around the column, with '…' where it was cut.
void append_source_line(std::string& out, const Diagnostic& d, std::string_view line, bool c) {
  constexpr uint32_t kLongLine = 160, kAround = 40;
  std::string shown;
  uint32_t column = d.pos.column;
  const size_t length = count_code_points(line);
  if (length > kLongLine) {
    const size_t first = column > kAround ? column - kAround : 1;  // code points, from 1
    const size_t last = std::min<size_t>(length, column + kAround);
    size_t at = 0, from = line.size(), to = line.size();
    for (size_t i = 0; i < line.size(); ++i) {
      if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
      ++at;
      if (at == first) from = i;
      if (at == last + 1) {
        to = i;
        break;
      }
    }
    if (first > 1) shown = "\u2026";
    shown += line.substr(from, to - from);
    if (last < length) shown += "\u2026";
    column = static_cast<uint32_t>(column - first + 1 + (first > 1 ? 1 : 0));
    line = shown;
  }
  out += printable(line, /*keep_tabs=*/true);
  out += '\n';
  if (c) out += "\033[1;32m";
  out += caret_line(line, column, std::max<uint32_t>(d.width, 1));
  if (c) out += "\033[0m";
  out += '\n';
}

}  // namespace

std::string render_text(const Diagnostic& d, std::string_view line, Color color) {
  std::string out = render_text(d, nullptr, color);
  if (d.pos.known() && (!line.empty() || d.pos.column == 1)) append_source_line(out, d, line, color == Color::kYes);
  return out;
}

std::string render_text(const Diagnostic& d, const SourceFile* source, Color color) {
  const bool c = color == Color::kYes;
  std::string out;
  if (c) out += "\033[1m";
  out += d.file.empty() ? std::string("<input>") : d.file;
  if (d.pos.known()) out += fmt::format(":{}:{}", d.pos.line, d.pos.column);
  out += ": ";
  if (c) out += color_of(d.severity);
  out += to_string(d.severity);
  out += ": ";
  if (c) out += "\033[0;1m";
  out += d.message;
  if (!d.pointer.empty() && d.message.find(d.pointer) == std::string::npos)
    out += fmt::format(" (at {})", d.pointer);
  if (c) out += "\033[0m";
  out += '\n';
  if (source && d.pos.known()) {
    const std::string_view line = source->line_text(d.pos.line);
    if (!line.empty() || d.pos.column == 1) append_source_line(out, d, line, c);
  }
  return out;
}

void write_json(JsonWriter& w, const Diagnostic& d) {
  w.begin_object();
  if (d.file.empty()) w.key("file").null();  // about no file: the command line, say
  else w.key("file").value(d.file);
  if (d.pos.known()) {
    w.key("line").value(d.pos.line).key("column").value(d.pos.column);
  } else {
    w.key("line").null().key("column").null();
  }
  w.key("severity").value(to_string(d.severity));
  w.key("code").value(d.code);
  w.key("message").value(d.message);
  if (!d.pointer.empty()) w.key("pointer").value(d.pointer);
  w.end_object();
}

std::string render_json(const Diagnostics& diagnostics) {
  JsonWriter w;
  w.begin_object();
  w.key("errors");
  w.begin_array();
  for (const Diagnostic& d : diagnostics) write_json(w, d);
  w.end_array();
  w.end_object();
  return w.take_line();
}

}  // namespace regimen
