#pragma once
// Reading YAML nodes into values with diagnostics: the small vocabulary the protocol loader
// is written in. Every problem is reported at the node's position and reading goes on.

#include <charconv>
#include <fmt/format.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "regimen/common/diagnostic.h"
#include "regimen/common/suggest.h"
#include "regimen/protocol/ast.h"
#include "scalar_locator.h"
#include "yaml_parse.h"

namespace regimen::load {

class YamlReader {
 public:
  YamlReader(const SourceFile& source, Diagnostics& diagnostics) : source_(source), diagnostics_(diagnostics) {}

  const SourceFile& source() const { return source_; }
  const std::string& file() const { return source_.name(); }
  Diagnostics& diagnostics() { return diagnostics_; }

  static SourcePos pos(const YAML::Node& n) { return position_of(n.Mark()); }
  /// Where to report a problem with a value: its position, or for an empty value (`when:` with
  /// nothing after it), just after the colon that introduced it. yaml-cpp marks an empty value
  /// at the next token, which is often the next line's key, and a caret there names the wrong line.
  SourcePos place(const YAML::Node& n) const {
    const SourcePos p = pos(n);
    if (!p.known() || !n.IsNull()) return p;
    const std::string_view text = source_.text();
    size_t line_start = static_cast<size_t>(source_.line_text(p.line).data() - text.data());
    size_t at = line_start;
    for (uint32_t col = 1; at < text.size() && col < p.column; ++at)
      if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) ++col;
    // Back over blanks, line breaks and whole comment lines to the end of what was written.
    for (;;) {
      while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t' || text[at - 1] == '\r' || text[at - 1] == '\n')) --at;
      if (at == 0) return p;
      const SourcePos q = source_.position_of(at - 1);
      const std::string_view line = source_.line_text(q.line);
      const size_t start = static_cast<size_t>(line.data() - text.data());
      const size_t hash = line.find(" #");
      const size_t first = line.find_first_not_of(" \t");
      if (first != std::string_view::npos && line[first] == '#') {  // a comment line: go above it
        at = start;
        continue;
      }
      if (hash != std::string_view::npos && start + hash < at) {  // a comment after the colon
        at = start + hash;
        continue;
      }
      break;
    }
    return source_.position_of(at);  // the column after the last character written
  }

  void error(SourcePos at, std::string code, std::string message, uint32_t width = 1) {
    diagnostics_.add(Diagnostic{Severity::kError, std::move(code), file(), at, width, "", std::move(message)});
  }
  void warning(SourcePos at, std::string code, std::string message, uint32_t width = 1) {
    diagnostics_.add(Diagnostic{Severity::kWarning, std::move(code), file(), at, width, "", std::move(message)});
  }

  static std::string_view kind_of(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Map: return "a mapping";
      case YAML::NodeType::Sequence: return "a list";
      case YAML::NodeType::Scalar: return "a scalar";
      default: return "nothing";
    }
  }

  bool expect_map(const YAML::Node& n, std::string_view what) {
    if (n.IsMap()) return true;
    error(place(n), "load.wrong_type", fmt::format("{} must be a mapping of keys to values, found {}", what, kind_of(n)));
    return false;
  }
  bool expect_sequence(const YAML::Node& n, std::string_view what) {
    if (n.IsSequence()) return true;
    error(place(n), "load.wrong_type", fmt::format("{} must be a list, found {}", what, kind_of(n)));
    return false;
  }

  /// Calls f(key, value, key_node) for each entry; reports unknown and repeated keys.
  template <class F>
  void entries(const YAML::Node& map, std::string_view what, std::span<const std::string_view> known, F&& f) {
    std::vector<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (KeyProblem p = check_key(key, seen, known, what); !p.message.empty()) {
        error(pos(it->first), p.repeated ? "load.duplicate_key" : "load.unknown_key", std::move(p.message),
              static_cast<uint32_t>(count_code_points(key)));
        continue;
      }
      f(key, it->second, it->first);
    }
  }

  /// Reports each required key missing from a mapping, at `at` (its key) or else the mapping.
  void require(const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> keys,
               SourcePos at = {}) {
    for (std::string_view k : keys)
      if (!map[std::string(k)])
        error(at.known() ? at : pos(map), "load.missing_key", fmt::format("{} needs the key '{}'", what, k));
  }

  std::optional<std::string> scalar(const YAML::Node& n, std::string_view what) {
    if (n.IsScalar()) return n.Scalar();
    error(place(n), "load.wrong_type", fmt::format("{} must be a single value, found {}", what, kind_of(n)));
    return std::nullopt;
  }
  ast::Name name(const YAML::Node& n, std::string_view what) {
    return ast::Name{scalar(n, what).value_or(""), value_pos(n)};
  }
  /// Where a scalar's value starts: after its opening quote, when it has one.
  SourcePos value_pos(const YAML::Node& n) const {
    SourcePos p = pos(n);
    if (!p.known() || !n.IsScalar()) return p;
    const std::string_view line = source_.line_text(p.line);
    size_t byte = 0;
    for (uint32_t col = 1; byte < line.size() && col < p.column; ++byte)
      if ((static_cast<unsigned char>(line[byte]) & 0xC0) != 0x80) ++col;
    if (byte < line.size() && (line[byte] == '"' || line[byte] == '\'')) ++p.column;
    return p;
  }
  std::string text(const YAML::Node& n, std::string_view what) { return scalar(n, what).value_or(""); }

  std::optional<bool> boolean(const YAML::Node& n, std::string_view what) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "True" || *s == "TRUE") return true;
    if (*s == "false" || *s == "False" || *s == "FALSE") return false;
    error(pos(n), "load.wrong_type", fmt::format("{} must be true or false, found '{}'", what, *s));
    return std::nullopt;
  }

  std::optional<int64_t> integer(const YAML::Node& n, std::string_view what) {
    auto s = scalar(n, what);
    if (!s) return std::nullopt;
    int64_t v = 0;
    const char* b = s->data() + (!s->empty() && (*s)[0] == '+');
    if (auto [end, ec] = std::from_chars(b, s->data() + s->size(), v); ec == std::errc{} && end == s->data() + s->size())
      return v;
    error(pos(n), "load.wrong_type", fmt::format("{} must be a whole number, found '{}'", what, *s));
    return std::nullopt;
  }

  /// One name or a list of names: `phase: maintenance` or `phase: [a, b]`.
  std::vector<ast::Name> names(const YAML::Node& n, std::string_view what) {
    std::vector<ast::Name> out;
    if (n.IsScalar()) {
      out.push_back(name(n, what));
    } else if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(name(item, what));
    } else {
      error(place(n), "load.wrong_type", fmt::format("{} must be a name or a list of names, found {}", what, kind_of(n)));
    }
    return out;
  }

  EmbeddedText embedded(const YAML::Node& n) { return locate_scalar(source_, n); }

 private:
  const SourceFile& source_;
  Diagnostics& diagnostics_;
};

}  // namespace regimen::load
