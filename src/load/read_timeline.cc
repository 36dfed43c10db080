#include <cctype>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "clean_timeline.h"
#include "document_node.h"
#include "locate.h"
#include "regimen/load/protocol_loader.h"
#include "regimen/load/timeline_reader.h"
#include "timeline_node.h"
#include "yaml_parse.h"
#include "timeline_walker.h"

namespace regimen {
namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Diagnostic empty_input(const std::string& file) {
  return Diagnostic{Severity::kError, "timeline.empty", file, {}, 1, "", "the input is empty: expected a timeline object"};
}

// nlohmann reports the last character it read; a person wants the start of that token.
size_t start_of_token(std::string_view text, size_t last) {
  if (last >= text.size()) return text.size();
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+'; };
  if (text[last] == '"') {
    for (size_t i = last; i-- > 0;)
      if (text[i] == '"' && (i == 0 || text[i - 1] != '\\')) return i;
    return last;
  }
  size_t i = last;
  while (i > 0 && is_word(text[i]) && is_word(text[i - 1])) --i;
  return i;
}

// simdjson says only *that* the text is not JSON; nlohmann's parser says where and why.
Diagnostic json_syntax_error(const SourceFile& source, std::string_view text, simdjson::error_code code) {
  Diagnostic d{Severity::kError, "timeline.syntax", source.name(), {}, 1, "", ""};
  try {
    const auto parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
    d.message = fmt::format("invalid JSON: {}", simdjson::error_message(code));
  } catch (const nlohmann::json::parse_error& e) {
    const size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    d.pos = source.position_of(start_of_token(text, offset));
    if (offset >= text.find_last_not_of(" \t\r\n")) {
      d.message = "invalid JSON: the text ends before the timeline is complete (is the file truncated?)";
      return d;
    }
    std::string_view what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing …"
    if (auto colon = what.find(": ", what.find("column")); colon != std::string_view::npos)
      what.remove_prefix(colon + 2);
    d.message = fmt::format("invalid JSON: {}", what);
  }
  return d;
}

// A diagnostic about a field's name (unknown, given twice) points at the name, not the value.
bool is_about_key(const Diagnostic& d) {
  return d.code == "timeline.unknown_field" || d.code == "timeline.duplicate_field";
}

// Positions for diagnostics that only know their JSON pointer, then position order.
void resolve_positions(Diagnostics& diagnostics, const SourceFile& source, InputFormat format,
                       const YAML::Node* yaml_root) {
  Diagnostics resolved;
  for (Diagnostic d : diagnostics) {
    if (!d.pointer.empty() && (!d.pos.known() || is_about_key(d))) {
      const auto target = is_about_key(d) ? load::Target::kKey : load::Target::kValue;
      const std::optional<SourcePos> pos = format == InputFormat::kJson
                                               ? load::locate_json_pointer(source.text(), d.pointer, source, target)
                                               : load::locate_yaml_pointer(*yaml_root, d.pointer, target);
      if (pos) d.pos = *pos;
    }
    resolved.add(std::move(d));
  }
  resolved.sort_by_position();
  diagnostics = std::move(resolved);
}

Result<Timeline> read_json(simdjson::dom::parser& parser, const SourceFile& source, std::string_view text,
                           const InstrumentCatalog& instruments) {
  Result<Timeline> r;
  if (is_blank(text)) return r.diagnostics.add(empty_input(source.name())), r;
  simdjson::dom::element root;
  if (auto error = parser.parse(text.data(), text.size()).get(root)) {
    r.diagnostics.add(json_syntax_error(source, text, error));
    return r;
  }
  load::TimelineWalker<load::JsonNode> walker(source.name(), instruments, r.diagnostics);
  r.value = walker.walk(load::JsonNode(root));
  if (!r.diagnostics.empty()) resolve_positions(r.diagnostics, source, InputFormat::kJson, nullptr);
  return r;
}

Result<Timeline> read_yaml(const SourceFile& source, const InstrumentCatalog& instruments) {
  Result<Timeline> r;
  if (is_blank(source.text())) return r.diagnostics.add(empty_input(source.name())), r;
  const std::optional<YAML::Node> parsed = load::parse_yaml(source, "timeline.syntax", r.diagnostics);
  if (!parsed) return r;
  const YAML::Node& root = *parsed;
  if (!root || root.IsNull()) return r.diagnostics.add(empty_input(source.name())), r;
  load::TimelineWalker<load::YamlNode> walker(source.name(), instruments, r.diagnostics);
  r.value = walker.walk(load::YamlNode(root));
  if (!r.diagnostics.empty()) resolve_positions(r.diagnostics, source, InputFormat::kYaml, &root);
  return r;
}

}  // namespace

namespace load {

Result<Timeline> read_timeline_node(const YAML::Node& node, const SourceFile& file, const TimelineReadOptions& options) {
  Result<Timeline> r;
  TimelineWalker<YamlNode> walker(file.name(), *options.instruments, r.diagnostics);
  r.value = walker.walk(YamlNode(node));
  // Positions come from the enclosing file's marks; pointers are relative to the timeline.
  r.diagnostics.sort_by_position();
  return r;
}

}  // namespace load

InputFormat detect_format(std::string_view name, std::string_view text) {
  if (name.ends_with(".json") || name.ends_with(".jsonl")) return InputFormat::kJson;
  if (name.ends_with(".yaml") || name.ends_with(".yml")) return InputFormat::kYaml;
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) return InputFormat::kJson;
  return InputFormat::kYaml;
}

Result<Timeline> read_timeline(const SourceFile& source, const TimelineReadOptions& options) {
  const InputFormat format =
      options.format == InputFormat::kAuto ? detect_format(source.name(), source.text()) : options.format;
  if (format == InputFormat::kYaml) return read_yaml(source, *options.instruments);
  simdjson::dom::parser parser;
  return read_json(parser, source, source.text(), *options.instruments);
}

LoadedTimeline read_timeline_file(const std::string& path, const TimelineReadOptions& options) {
  std::string text;
  std::string problem;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    problem = "it is a directory";
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      problem = std::error_code(errno, std::generic_category()).message();
    } else {
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (in.bad()) problem = "read error";
    }
  }
  const std::string name = path == "-" ? "<stdin>" : path;
  if (!problem.empty()) {
    LoadedTimeline out{SourceFile(name, ""), {}};
    out.result.diagnostics.add(Diagnostic{Severity::kError, "timeline.io", name, {}, 1, "",
                                          fmt::format("cannot read the timeline: {}", problem)});
    return out;
  }
  LoadedTimeline out{SourceFile(name, std::move(text)), {}};
  out.result = read_timeline(out.source, options);
  spdlog::debug("read timeline {}: {} diagnostics", name, out.result.diagnostics.size());
  return out;
}

struct JsonTimelineReader::Impl {
  explicit Impl(const InstrumentCatalog& c) : instruments(c) {}
  const InstrumentCatalog& instruments;
  simdjson::dom::parser parser;
  Timeline spare;    ///< memory for the next timeline (recycle())
  Timeline surplus;  ///< elements of longer arrays than the last timeline's, kept for their memory
};

JsonTimelineReader::JsonTimelineReader(const InstrumentCatalog& instruments)
    : impl_(std::make_unique<Impl>(instruments)) {}
JsonTimelineReader::~JsonTimelineReader() = default;

static_assert(JsonTimelineReader::kPadding >= simdjson::SIMDJSON_PADDING);

Result<Timeline> JsonTimelineReader::read(std::string_view text, std::string_view name, bool padded) {
  // Positions are only needed when something is wrong, so the source index is built lazily.
  Result<Timeline> r;
  if (is_blank(text)) return r.diagnostics.add(empty_input(std::string(name))), r;
  if (load::read_clean_timeline(text, impl_->instruments, impl_->spare, impl_->surplus)) {
    r.value = std::move(impl_->spare);
    return r;
  }
  simdjson::dom::element root;
  if (impl_->parser.parse(text.data(), text.size(), !padded).get(root) == simdjson::SUCCESS) {
    load::TimelineWalker<load::JsonNode> walker(name, impl_->instruments, r.diagnostics);
    r.value = walker.walk(load::JsonNode(root));
    if (r.diagnostics.empty()) return r;
  }
  const SourceFile source{std::string(name), std::string(text)};
  return read_json(impl_->parser, source, source.text(), impl_->instruments);
}

void JsonTimelineReader::recycle(Timeline&& t) { impl_->spare = std::move(t); }

}  // namespace regimen
