#include "yaml_parse.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <sstream>

#include "regimen/common/utf8.h"

namespace regimen::load {
namespace {

std::string yaml_hint(const std::string& message) {
  // yaml-cpp's messages for the commonest mistakes do not name them.
  const auto says = [&](std::string_view what) { return message.find(what) != std::string::npos; };
  if (says("end of map flow not found"))
    return " (a '{' is not closed by its '}' before this point, or a value inside it holds ',' or ':' and needs quotes)";
  if (says("end of sequence flow not found"))
    return " (a '[' is not closed by its ']' before this point, or a value inside it holds ',' and needs quotes)";
  if (says("illegal map value"))
    return " (check the indentation of this line against the lines above it, and put a value that holds ': ' in quotes)";
  if (says("end of sequence not found") || says("end of map not found") || says("bad indentation"))
    return " (check the indentation of this line against the lines above it; an unclosed quote above it reads the same)";
  return "";
}

/// Notes where a document's first node is and whether it holds anything but a null.
class FirstNode : public YAML::EventHandler {
 public:
  bool seen = false, null_only = true;
  YAML::Mark mark;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m, true); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m, false); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m, false); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m, false);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m, bool is_null) {
    if (!seen) mark = m;
    seen = true;
    null_only = null_only && is_null;
  }
};

/// What follows the first document, if anything must be reported: a second document, or text
/// the parser cannot get past. yaml-cpp's LoadAll loops for ever (and grows without bound) on
/// text such as a stray ',' after the document, because its parser then reports an empty
/// document at the same place again and again; so documents are walked here at most a few at a
/// time, and a document that starts where the one before it did is that stuck text.
struct Trailing {
  enum Kind { kNothing, kSecondDocument, kStuck } kind = kNothing;
  YAML::Mark mark;
};

Trailing trailing_text(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstNode first;
  if (!parser.HandleNextDocument(first)) return {};
  YAML::Mark previous = first.mark;
  bool previous_seen = first.seen;
  // Empty documents after '---' hold nothing to lose and are let be; a few dozen at most are
  // walked (a stuck parser shows at the second).
  for (int i = 0; i < 32; ++i) {
    FirstNode next;
    if (!parser.HandleNextDocument(next)) return {};
    if (next.seen && previous_seen && next.mark.pos == previous.pos) return {Trailing::kStuck, next.mark};
    if (!next.null_only) return {Trailing::kSecondDocument, next.mark};
    previous = next.mark;
    previous_seen = next.seen;
  }
  return {};
}

// Whether the text has a document marker ('---' at the start of a line).
bool has_document_marker(std::string_view text) {
  for (size_t at = 0;;) {
    if (text.compare(at, 3, "---") == 0) return true;
    const size_t end_of_line = text.find('\n', at);
    if (end_of_line == std::string_view::npos) return false;
    at = end_of_line + 1;
  }
}

}  // namespace

std::optional<YAML::Node> parse_yaml(const SourceFile& source, std::string_view code, Diagnostics& diagnostics) {
  // YAML is UTF-8 here; yaml-cpp would take other bytes into strings and the output.
  if (const std::optional<size_t> bad = first_invalid_utf8(source.text())) {
    diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), source.position_of(*bad), 1, "",
                               fmt::format("the text is not valid UTF-8 (byte 0x{:02X} here): save the file as UTF-8",
                                           static_cast<unsigned char>(source.text()[*bad]))});
    return std::nullopt;
  }
  try {
    YAML::Node document = YAML::Load(source.text());
    // One file, one document: a second one would be dropped unread, and input is never half-used.
    const Trailing after = trailing_text(source.text());
    if (after.kind == Trailing::kSecondDocument) {
      diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), position_of(after.mark), 1, "",
                                 has_document_marker(source.text())
                                     ? "the file holds more than one YAML document (a second one starts at '---'): "
                                       "give one document per file"
                                     : "invalid YAML: more text after the end of the document"});
      return std::nullopt;
    }
    if (after.kind == Trailing::kStuck) {
      const size_t at = after.mark.pos >= 0 ? static_cast<size_t>(after.mark.pos) : 0;
      const size_t printable = at < source.text().size() ? source.text().find_first_not_of(" \t\r\n", at) : std::string::npos;
      const std::string found = printable == std::string::npos ? "more text" : fmt::format("'{}'", source.text()[printable]);
      diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(),
                                 printable == std::string::npos ? position_of(after.mark) : source.position_of(printable), 1,
                                 "", fmt::format("invalid YAML: unexpected {} where a value or the end of the file was expected", found)});
      return std::nullopt;
    }
    return document;
  } catch (const YAML::Exception& e) {
    // yaml-cpp 0.7 says "bad file" when its nesting limit is reached (files are read here, not by it).
    const std::string message = e.msg == "bad file" ? "the document is nested too deeply (a few hundred levels at most)"
                                                    : e.msg + yaml_hint(e.msg);
    diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), position_of(e.mark), 1, "",
                               fmt::format("invalid YAML: {}", message)});
    return std::nullopt;
  }
}

}  // namespace regimen::load
