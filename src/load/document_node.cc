#include "document_node.h"

#include <regex>

namespace regimen::load {

std::string_view describe(NodeKind k) {
  switch (k) {
    case NodeKind::kNull: return "null";
    case NodeKind::kBool: return "a boolean";
    case NodeKind::kInteger: return "an integer";
    case NodeKind::kNumber: return "a number";
    case NodeKind::kString: return "a string";
    case NodeKind::kArray: return "an array";
    case NodeKind::kObject: return "an object";
  }
  return "a value";
}

namespace {
bool is_plain_integer(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
}  // namespace

NodeKind YamlNode::scalar_kind() const {
  if (n_.Tag() == "!") return NodeKind::kString;  // quoted: "22" is a string, as in JSON
  const std::string& s = n_.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return NodeKind::kNull;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return NodeKind::kBool;
  if (is_plain_integer(s)) return NodeKind::kInteger;
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, kFloat)) return NodeKind::kNumber;
  return NodeKind::kString;
}

}  // namespace regimen::load
