#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <iterator>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "clean_timeline.h"
#include "document_node.h"
#include "locate.h"
#include "regimen/common/file_text.h"
#include "regimen/common/utf8.h"
#include "regimen/load/protocol_loader.h"
#include "regimen/load/timeline_reader.h"
#include "timeline_node.h"
#include "yaml_parse.h"
#include "timeline_walker.h"

namespace regimen {
namespace {

/// Nothing but white space, after a byte order mark if there is one (a file saved empty by an
/// editor that writes one is still empty).
bool is_blank(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
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

/// Just past the JSON string whose opening quote is at `quote` (or the end of an unclosed one).
size_t past_string(std::string_view text, size_t quote) {
  size_t i = quote + 1;
  for (; i < text.size() && text[i] != '"'; ++i)
    if (text[i] == '\\') ++i;
  return i + 1;
}

/// The first number in a JSON text that no double or 64-bit integer holds (simdjson rejects the
/// document for it; nlohmann takes a long integer as a double): where it starts, and its text.
std::optional<std::pair<size_t, std::string_view>> out_of_range_number(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      i = past_string(text, i);
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) {
      ++i;
      continue;
    }
    const size_t start = i;
    bool integral = true;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || std::strchr("-+.eE", text[i]))) {
      if (text[i] == '.' || text[i] == 'e' || text[i] == 'E') integral = false;
      ++i;
    }
    const std::string token(text.substr(start, i - start));
    errno = 0;
    if (integral) {
      char* end = nullptr;
      if (token[0] == '-') (void)std::strtoll(token.c_str(), &end, 10);
      else (void)std::strtoull(token.c_str(), &end, 10);
    } else {
      char* end = nullptr;
      const double v = std::strtod(token.c_str(), &end);
      if (!std::isinf(v)) errno = 0;  // underflow to zero or a subnormal is no error
    }
    if (errno == ERANGE) return std::pair{start, text.substr(start, i - start)};
  }
  return std::nullopt;
}

/// Where nlohmann's parser stops on a text, without exceptions.
struct SyntaxErrorFinder : nlohmann::json_sax<nlohmann::json> {
  std::optional<size_t> byte;  ///< nlohmann's count of bytes read, the failing one included
  std::string message, token;
  bool overflow = false;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception& e) override {
    byte = position;
    token = last_token;
    message = e.what();
    overflow = e.id == 406;  // out_of_range.406: a number beyond a double's range
    return false;
  }
};

// The parsers' nesting limit (simdjson's default; a timeline needs four levels).
constexpr size_t kMaxJsonDepth = simdjson::DEFAULT_MAX_DEPTH;

// simdjson says only *that* the text is not JSON; nlohmann's parser says where and why.
Diagnostic json_syntax_error(const SourceFile& source, std::string_view text, simdjson::error_code code) {
  Diagnostic d{Severity::kError, "timeline.syntax", source.name(), {}, 1, "", ""};
  if (const std::optional<size_t> bad = first_invalid_utf8(text)) {  // JSON is UTF-8 (RFC 8259 §8.1)
    d.pos = source.position_of(*bad);
    d.message = fmt::format("invalid JSON: the text is not valid UTF-8 (byte 0x{:02X} here): save the file as UTF-8",
                            static_cast<unsigned char>(text[*bad]));
    return d;
  }
  auto out_of_range = [&](size_t at, std::string_view number) {
    d.pos = source.position_of(at);
    const bool integral = number.find_first_of(".eE") == std::string_view::npos;
    d.message = fmt::format("invalid JSON: the number {} is out of range ({})", number,
                            integral ? "an integer must fit in 64 bits" : "beyond the largest double, about 1.8e308");
    return d;
  };
  if (code == simdjson::DEPTH_ERROR) {
    // Where the nesting passes simdjson's limit: outside strings, one level per '[' or '{'.
    size_t depth = 0, at = 0;
    for (; at < text.size(); ++at) {
      const char c = text[at];
      if (c == '"') at = past_string(text, at) - 1;
      else if (c == '[' || c == '{') {
        if (++depth > kMaxJsonDepth) break;
      } else if (c == ']' || c == '}') {
        --depth;
      }
    }
    if (at < text.size()) d.pos = source.position_of(at);
    d.message = fmt::format("invalid JSON: the document is nested more than {} levels deep here", kMaxJsonDepth);
    return d;
  }
  SyntaxErrorFinder finder;
  nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
  if (!finder.byte) {
    // nlohmann takes what simdjson refused: a number simdjson cannot hold, or a NUL byte (nlohmann
    // reads one as the end of the text), or else nothing to point at.
    if (auto number = out_of_range_number(text)) return out_of_range(number->first, number->second);
    if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
      d.pos = source.position_of(nul);
      d.message = "invalid JSON: a NUL byte (0x00) here: JSON text cannot hold one";
      return d;
    }
    d.message = fmt::format("invalid JSON: {}", simdjson::error_message(code));
    return d;
  }
  const size_t offset = *finder.byte == 0 ? 0 : *finder.byte - 1;
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos && nul <= offset) {
    d.pos = source.position_of(nul);  // nlohmann stops at a NUL and calls it the end of the text
    d.message = "invalid JSON: a NUL byte (0x00) here: JSON text cannot hold one";
    return d;
  }
  const size_t start = start_of_token(text, offset);
  if (finder.overflow) return out_of_range(start, finder.token);
  d.pos = source.position_of(start);
  if (offset < text.size() && (text[offset] == '}' || text[offset] == ']')) {
    const size_t before = text.find_last_not_of(" \t\r\n", offset == 0 ? 0 : offset - 1);
    if (offset > 0 && before != std::string_view::npos && text[before] == ',') {
      d.pos = source.position_of(before);
      d.message = fmt::format("invalid JSON: a comma before '{}' (JSON allows no comma after the last item)", text[offset]);
      return d;
    }
  }
  if (finder.message.find("; expected end of input") != std::string::npos) {
    // The document was whole; something follows it (a stray bracket, a second document).
    d.message = fmt::format("invalid JSON: unexpected {} after the end of the timeline: a file (or cohort line) holds one JSON object",
                            start < text.size() ? fmt::format("'{}'", text[start]) : std::string("text"));
    return d;
  }
  if (offset >= text.find_last_not_of(" \t\r\n")) {
    d.message = "invalid JSON: the text ends before the timeline is complete (is the file truncated?)";
    return d;
  }
  std::string_view what = finder.message;
  // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing …"
  if (auto colon = what.find(": ", what.find("column")); colon != std::string_view::npos)
    what.remove_prefix(colon + 2);
  d.message = fmt::format("invalid JSON: {}", what);
  return d;
}

// A diagnostic about a field's name (unknown, given twice) points at the name, not the value.
bool is_about_key(const Diagnostic& d) {
  return d.code == "timeline.unknown_field" || d.code == "timeline.duplicate_field";
}

// Positions for diagnostics that only know their JSON pointer, then position order.
// `json_text` is the text as parsed: the source's, or a copy without its byte order mark (the same
// length, so that offsets in it are offsets in the source).
void resolve_positions(Diagnostics& diagnostics, const SourceFile& source, InputFormat format,
                       const YAML::Node* yaml_root, std::string_view json_text = {}) {
  Diagnostics resolved;
  for (Diagnostic d : diagnostics) {
    if (!d.pointer.empty() && (!d.pos.known() || is_about_key(d))) {
      const auto target = is_about_key(d) ? load::Target::kKey : load::Target::kValue;
      const std::optional<SourcePos> pos = format == InputFormat::kJson
                                               ? load::locate_json_pointer(json_text, d.pointer, source, target)
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
  // A byte order mark is allowed before the document (RFC 8259 §8.1 lets a parser ignore it, and
  // editors on Windows write one); read as three spaces, so that positions stay where they are.
  std::string without_mark;
  if (text.starts_with("\xEF\xBB\xBF")) {
    without_mark = "   ";
    without_mark += text.substr(3);
    text = without_mark;
  }
  simdjson::dom::element root;
  if (auto error = parser.parse(text.data(), text.size()).get(root)) {
    r.diagnostics.add(json_syntax_error(source, text, error));
    return r;
  }
  load::TimelineWalker<load::JsonNode> walker(source.name(), instruments, r.diagnostics);
  r.value = walker.walk(load::JsonNode(root));
  if (!r.diagnostics.empty()) resolve_positions(r.diagnostics, source, InputFormat::kJson, nullptr, text);
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
  FileText file = read_file_text(path);
  const std::string name = input_name(path);
  if (!file.ok()) {
    LoadedTimeline out{SourceFile(name, ""), {}};
    out.result.diagnostics.add(Diagnostic{Severity::kError, "timeline.io", name, {}, 1, "",
                                          fmt::format("cannot read the timeline: {}", file.problem)});
    return out;
  }
  LoadedTimeline out{SourceFile(name, std::move(file.text)), {}};
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

Diagnostics same_day_session_warnings(const Timeline& t, Date up_to, const SourceFile& source) {
  Diagnostics out;
  for_each_same_day_session(t.sessions, up_to, [&](const Session& previous, const Session& s) {
    out.add(Diagnostic{Severity::kWarning, "timeline.same_day_sessions", source.name(), {}, 1,
                       fmt::format("/sessions/{}", s.index), same_day_sessions_message(previous, s)});
  });
  if (out.empty()) return out;
  // Placed as the reader places its own warnings (the text is read again: this is rare).
  const InputFormat format = detect_format(source.name(), source.text());
  if (format == InputFormat::kJson) {
    resolve_positions(out, source, format, nullptr, source.text());
  } else {
    Diagnostics ignored;
    if (const std::optional<YAML::Node> root = load::parse_yaml(source, "timeline.syntax", ignored))
      resolve_positions(out, source, format, &*root);
  }
  return out;
}

}  // namespace regimen
