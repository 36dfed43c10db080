#include "yaml_parse.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

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

/// What is wrong with the line above `line` that holds something (not blank, not only a comment),
/// when it looks like a key written without its ':' (`flags [a]`, `phases`) or without the space
/// after it (`when:x`).
struct KeyMistake {
  uint32_t line = 0;
  bool no_space = false;  ///< a ':' with no space after it, else no ':' at all
};
std::optional<KeyMistake> key_mistake_above(const SourceFile& source, uint32_t line) {
  for (uint32_t l = line; l-- > 1;) {
    std::string_view text = source.line_text(l);
    const size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos || text[first] == '#') continue;
    text.remove_prefix(first);
    if (text.starts_with("- ")) text.remove_prefix(2);
    if (const size_t hash = text.find(" #"); hash != std::string_view::npos) text = text.substr(0, hash);
    const auto is_key_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
    const size_t key_end = static_cast<size_t>(std::find_if_not(text.begin(), text.end(), is_key_char) - text.begin());
    if (key_end == 0) return std::nullopt;
    if (key_end < text.size() && text[key_end] == ':')
      return key_end + 1 < text.size() && text[key_end + 1] != ' ' ? std::optional<KeyMistake>({l, true}) : std::nullopt;
    char quote = 0;
    for (char c : text) {
      if (quote) quote = c == quote ? 0 : quote;
      else if (c == '"' || c == '\'') quote = c;
      else if (c == ':') return std::nullopt;
    }
    if (key_end < text.size() && text[key_end] != ' ') return std::nullopt;
    return KeyMistake{l, false};
  }
  return std::nullopt;
}

/// The position just after the key at the start of `line`, where its ':' belongs (or its ':').
SourcePos after_key(const SourceFile& source, uint32_t line, bool on_colon) {
  const std::string_view text = source.line_text(line);
  size_t at = text.find_first_not_of(" \t");
  if (text.substr(at).starts_with("- ")) at += 2;
  while (at < text.size() && text[at] != ' ' && text[at] != ':') ++at;
  if (at < text.size() && text[at] == ':' && !on_colon) ++at;
  return source.position_of(static_cast<size_t>(text.data() - source.text().data()) + at);
}

/// Where a mark is in the text: yaml-cpp counts after a UTF-8 byte-order mark, which the text keeps.
size_t offset_of(const YAML::Mark& m, std::string_view text) {
  if (m.pos < 0) return text.size();
  const size_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  return std::min(text.size(), static_cast<size_t>(m.pos) + bom);
}

/// Notes where a document's first node is and whether it holds anything but a null; and, when
/// asked, where each of its scalars starts (aliases are not followed: each scalar once).
class FirstNode : public YAML::EventHandler {
 public:
  explicit FirstNode(std::vector<YAML::Mark>* scalars = nullptr) : scalars_(scalars) {}
  bool seen = false, null_only = true;
  YAML::Mark mark;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m, true); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m, false); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override {
    if (scalars_) scalars_->push_back(m);
    note(m, false);
  }
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
  std::vector<YAML::Mark>* scalars_;
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

/// Also gives where each scalar of the first document starts, in `first_scalars`.
Trailing trailing_text(const std::string& text, std::vector<YAML::Mark>& first_scalars) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstNode first(&first_scalars);
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

/// Whether a quote or a flow bracket at `i` starts a node (`key: "x"`, `- [`, `{a: "b"}`, a quoted
/// key at the start of a line) rather than sitting inside a plain scalar (`note: say "hi`).
bool starts_node(std::string_view text, size_t i, bool in_flow) {
  size_t j = i;
  while (j > 0 && (text[j - 1] == ' ' || text[j - 1] == '\t')) --j;
  if (j == 0 || text[j - 1] == '\n' || text[j - 1] == '\r') return true;
  const char before = text[j - 1];
  if (in_flow && (before == '[' || before == '{' || before == ',' || before == ':')) return true;
  return j < i && (before == ':' || before == '-' || before == '?');  // "key: [", "- [": a space between
}

/// Where the quoted scalar whose opening quote is at `at` is closed (YAML's escapes: `\"` in double
/// quotes, `''` in single ones), or npos when it runs to the end of the text.
size_t closing_quote(std::string_view text, size_t at) {
  const char quote = text[at];
  for (size_t i = at + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') ++i;
    else if (quote == '\'' && text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
    else if (text[i] == quote) return i;
  }
  return std::string_view::npos;
}

/// What is still open at `stop`, by a forward scan that knows quotes and comments: the innermost
/// flow collection opened with one of `open` ("[", "{" or both), and the quote the scan is inside,
/// if any. Where yaml-cpp says "end of flow not found" it gave up; these are where the mistake
/// most likely is.
struct StillOpen {
  std::optional<size_t> bracket, quote;
};
StillOpen still_open(std::string_view text, size_t stop, std::string_view open) {
  StillOpen out;
  std::vector<size_t> opened;  // positions of the open '[' and '{'
  for (size_t i = 0; i < std::min(stop, text.size()); ++i) {
    const char c = text[i];
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    const bool in_flow = !opened.empty();
    if ((c == '"' || c == '\'') && starts_node(text, i, in_flow)) {
      const size_t end = closing_quote(text, i);
      if (end == std::string_view::npos || end >= stop) {
        out.quote = i;  // still inside it at `stop`
        break;
      }
      i = end;
    } else if ((c == '[' || c == '{') && (in_flow || starts_node(text, i, false))) opened.push_back(i);
    else if ((c == ']' || c == '}') && in_flow && text[opened.back()] == (c == ']' ? '[' : '{')) opened.pop_back();
  }
  for (size_t k = opened.size(); k-- > 0 && !out.bracket;)
    if (open.find(text[opened[k]]) != std::string_view::npos) out.bracket = opened[k];
  return out;
}

std::string never_closed(char quote) {
  return fmt::format("invalid YAML: the {} opened here is never closed, so the rest of the file is read as its text",
                     quote == '"' ? "double quote" : "single quote");
}

/// yaml-cpp takes a quoted scalar that is never closed to run to the end of the file, and reads
/// the rest of the file into it. A scalar (of `scalars`, where they start) whose text starts with
/// a quote that is not closed is that mistake: its position, or nothing.
std::optional<size_t> unclosed_quote(std::string_view text, const std::vector<YAML::Mark>& scalars) {
  for (const YAML::Mark& m : scalars) {
    const size_t at = offset_of(m, text);
    if (at < text.size() && (text[at] == '"' || text[at] == '\'') && closing_quote(text, at) == std::string_view::npos)
      return at;
  }
  return std::nullopt;
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
  // Nor does YAML hold a NUL (it is no printable character); yaml-cpp reads one as garbage.
  if (const size_t nul = source.text().find('\0'); nul != std::string::npos) {
    diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), source.position_of(nul), 1, "",
                               "invalid YAML: a NUL byte (0x00) here: YAML text cannot hold one"});
    return std::nullopt;
  }
  try {
    YAML::Node document = YAML::Load(source.text());
    std::vector<YAML::Mark> scalars;
    const Trailing after = trailing_text(source.text(), scalars);
    if (const std::optional<size_t> quote = unclosed_quote(source.text(), scalars)) {
      diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), source.position_of(*quote), 1, "",
                                 never_closed(source.text()[*quote])});
      return std::nullopt;
    }
    // One file, one document: a second one would be dropped unread, and input is never half-used.
    if (after.kind == Trailing::kSecondDocument) {
      diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), position_of(after.mark), 1, "",
                                 has_document_marker(source.text())
                                     ? "the file holds more than one YAML document (a second one starts at '---'): "
                                       "give one document per file"
                                     : "invalid YAML: more text after the end of the document"});
      return std::nullopt;
    }
    if (after.kind == Trailing::kStuck) {
      const size_t at = offset_of(after.mark, source.text());
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
    // yaml-cpp reports an unclosed '[' or '{' where it gave up, often lines below it, and a bracket
    // closed by the other kind at the closer: point at the opening bracket when a scan finds it,
    // or at the quote that swallowed the closing bracket.
    const size_t stop = offset_of(e.mark, source.text());
    const SourcePos gave_up = position_of(e.mark);
    const bool sequence = e.msg.find("end of sequence flow not found") != std::string::npos;
    if (sequence || e.msg.find("end of map flow not found") != std::string::npos) {
      const StillOpen open = still_open(source.text(), stop, sequence ? "[" : "{");
      if (open.quote) {
        diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), source.position_of(*open.quote), 1,
                                   "", never_closed(source.text()[*open.quote])});
        return std::nullopt;
      }
      if (open.bracket) {
        diagnostics.add(Diagnostic{
            Severity::kError, std::string(code), source.name(), source.position_of(*open.bracket), 1, "",
            fmt::format("invalid YAML: this '{}' is not closed by a '{}' (the parser gave up at line {}, column {}); or a "
                        "value inside it holds ','{} and needs quotes",
                        sequence ? '[' : '{', sequence ? ']' : '}', gave_up.line, gave_up.column, sequence ? "" : " or ':'")});
        return std::nullopt;
      }
    }
    if (e.msg.find("illegal flow end") != std::string::npos && stop < source.text().size()) {
      const char closer = source.text()[stop];
      const std::optional<size_t> open = still_open(source.text(), stop, "[{").bracket;
      const char opener = open ? source.text()[*open] : 0;
      if ((closer == ']' && opener == '{') || (closer == '}' && opener == '[')) {
        diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), source.position_of(*open), 1, "",
                                   fmt::format("invalid YAML: this '{}' is closed by the '{}' at line {}, column {}: close it "
                                               "with '{}'",
                                               opener, closer, gave_up.line, gave_up.column, opener == '[' ? ']' : '}')});
        return std::nullopt;
      }
    }
    // "illegal map value" under a line with no ':' (`flags [a]`, `default 6`), or either message
    // under `when:x` (no space after the ':'): yaml-cpp read that line as a plain value and
    // stumbled on the next line's key; name the likely mistake, on its own line.
    const bool map_value = e.msg.find("illegal map value") != std::string::npos;
    if ((map_value || e.msg.find("end of map not found") != std::string::npos) && gave_up.known()) {
      const std::optional<KeyMistake> m = key_mistake_above(source, gave_up.line);
      if (m && (map_value || m->no_space)) {
        diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), after_key(source, m->line, m->no_space), 1, "",
                                   fmt::format("invalid YAML: {} (the parser stumbled on the next line: \"{}\")",
                                               m->no_space ? "a space is needed after this ':'"
                                                           : "a ':' is missing after the key on this line",
                                               e.msg)});
        return std::nullopt;
      }
    }
    diagnostics.add(Diagnostic{Severity::kError, std::string(code), source.name(), position_of(e.mark), 1, "",
                               fmt::format("invalid YAML: {}", message)});
    return std::nullopt;
  }
}

}  // namespace regimen::load
