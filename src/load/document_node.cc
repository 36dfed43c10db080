#include "document_node.h"


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

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_plain_float(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const size_t whole = digits();
  size_t fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = digits();
  }
  if (whole == 0 && fraction == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

}  // namespace

std::string_view YamlNode::number_form_problem() const {
  // Plain, or tagged as a number (!!int 022 is as ambiguous as 022); quoted or !!str: a string.
  if (!n_.IsScalar() || (n_.Tag() != "?" && n_.Tag() != "tag:yaml.org,2002:int" && n_.Tag() != "tag:yaml.org,2002:float"))
    return {};
  std::string_view s = n_.Scalar();
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.starts_with("0x") || s.starts_with("0X")) return "a hexadecimal number: write it in decimal";
  if (s.starts_with("0o") || s.starts_with("0O")) return "an octal number: write it in decimal";
  if (s == ".inf" || s == ".Inf" || s == ".INF") return "infinity, which no field takes";
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return "not a number (NaN), which no field takes";
  // 022 is 22 to a YAML 1.2 reader and 18 (octal) to a YAML 1.1 one; JSON refuses it.
  if (s.size() > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9')
    return "written with a leading zero, which YAML readers take as decimal or as octal: write it without";
  return {};
}

NodeKind YamlNode::scalar_kind() const {
  // Quoted ("22") or tagged !!str: a string, as in JSON.
  if (n_.Tag() == "!" || n_.Tag() == "tag:yaml.org,2002:str") return NodeKind::kString;
  const std::string& s = n_.Scalar();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return NodeKind::kNull;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return NodeKind::kBool;
  if (is_plain_integer(s)) return NodeKind::kInteger;
  if (is_plain_float(s)) return NodeKind::kNumber;
  return NodeKind::kString;
}

}  // namespace regimen::load
