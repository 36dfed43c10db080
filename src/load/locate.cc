#include "locate.h"
#include "yaml_parse.h"

#include <cctype>
#include <charconv>
#include <simdjson.h>
#include <string>
#include <vector>

namespace regimen::load {
namespace {

std::vector<std::string> split_pointer(std::string_view pointer) {
  std::vector<std::string> parts;
  if (pointer.empty() || pointer == "/") return parts;
  size_t pos = 1;
  while (true) {
    const size_t next = pointer.find('/', pos);
    std::string part;
    for (size_t i = pos; i < (next == std::string_view::npos ? pointer.size() : next); ++i) {
      if (pointer[i] == '~' && i + 1 < pointer.size()) {
        part += pointer[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        part += pointer[i];
      }
    }
    parts.push_back(std::move(part));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return parts;
}

}  // namespace

// From a member's value back over `"name" :` to the opening quote of its name.
size_t key_before_value(std::string_view json, size_t value) {
  size_t i = value;
  auto skip_space = [&] { while (i > 0 && std::isspace(static_cast<unsigned char>(json[i - 1]))) --i; };
  skip_space();
  if (i == 0 || json[i - 1] != ':') return value;
  --i;
  skip_space();
  if (i == 0 || json[i - 1] != '"') return value;
  --i;  // the closing quote
  while (i > 0 && !(json[i - 1] == '"' && (i < 2 || json[i - 2] != '\\'))) --i;
  return i > 0 ? i - 1 : value;
}

std::optional<SourcePos> locate_json_pointer(std::string_view json, std::string_view pointer,
                                             const SourceFile& source, Target target) {
  const simdjson::padded_string padded(json);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return std::nullopt;
  const std::string_view p = pointer == "/" ? std::string_view() : pointer;
  simdjson::ondemand::value v;
  std::string_view token;
  if (p.empty()) {
    if (doc.raw_json_token().get(token)) return std::nullopt;
  } else {
    if (doc.at_pointer(p).get(v)) return std::nullopt;
    token = v.raw_json_token();
  }
  const auto offset = static_cast<size_t>(token.data() - padded.data());
  return source.position_of(target == Target::kKey ? key_before_value(json, offset) : offset);
}

std::optional<SourcePos> locate_yaml_pointer(const YAML::Node& root, std::string_view pointer, Target target) {
  // yaml-cpp's Node::operator= writes through to the node it refers to; reset() rebinds.
  YAML::Node node;
  node.reset(root);
  YAML::Mark key_mark;  // of the last map key followed
  for (const std::string& part : split_pointer(pointer)) {
    if (node.IsMap()) {
      YAML::Node next;
      for (auto it = node.begin(); it != node.end(); ++it)
        if (it->first.Scalar() == part) {
          next.reset(it->second);
          key_mark = it->first.Mark();
          break;
        }
      if (!next) return std::nullopt;
      node.reset(next);
    } else if (node.IsSequence()) {
      size_t index = 0;
      if (std::from_chars(part.data(), part.data() + part.size(), index).ec != std::errc{} || index >= node.size())
        return std::nullopt;
      node.reset(node[index]);
    } else {
      return std::nullopt;
    }
  }
  const SourcePos pos = position_of(target == Target::kKey && key_mark.line >= 0 ? key_mark : node.Mark());
  if (!pos.known()) return std::nullopt;
  return pos;
}

}  // namespace regimen::load
