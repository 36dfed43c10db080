#pragma once
// One read-only view over a parsed JSON or YAML document, so that the timeline is validated
// by one walker whatever the syntax. Adapters: JsonNode (simdjson DOM) and YamlNode (yaml-cpp).

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include "regimen/common/source.h"
#include "yaml_parse.h"

namespace regimen::load {

enum class NodeKind { kNull, kBool, kInteger, kNumber, kString, kArray, kObject };
std::string_view describe(NodeKind k);  ///< "a number", "an object", …

class JsonNode {
 public:
  static constexpr bool kYaml = false;
  explicit JsonNode(simdjson::dom::element e) : e_(e) {}

  NodeKind kind() const {
    using T = simdjson::dom::element_type;
    switch (e_.type()) {
      case T::ARRAY: return NodeKind::kArray;
      case T::OBJECT: return NodeKind::kObject;
      case T::INT64:
      case T::UINT64: return NodeKind::kInteger;
      case T::DOUBLE: return NodeKind::kNumber;
      case T::STRING: return NodeKind::kString;
      case T::BOOL: return NodeKind::kBool;
      case T::NULL_VALUE: return NodeKind::kNull;
    }
    return NodeKind::kNull;
  }
  std::string_view str() const { return e_.get_string().value_unsafe(); }
  bool integer(int64_t& out) const {
    if (e_.is_int64()) return out = e_.get_int64().value_unsafe(), true;
    return false;  // a uint64 beyond int64 is out of every range we accept
  }
  double number() const {
    if (e_.is_double()) return e_.get_double().value_unsafe();
    if (e_.is_int64()) return static_cast<double>(e_.get_int64().value_unsafe());
    return static_cast<double>(e_.get_uint64().value_unsafe());
  }
  /// An integer held in 64 bits, signed or not (simdjson reads no larger one).
  bool fits_64_bits() const { return true; }
  /// JSON writes numbers one way only: nothing to say (see YamlNode::number_form_problem).
  std::string_view number_form_problem() const { return {}; }
  /// A number as a message shows it.
  std::string number_text() const {
    if (e_.is_int64()) return std::to_string(e_.get_int64().value_unsafe());
    if (e_.is_uint64()) return std::to_string(e_.get_uint64().value_unsafe());
    return fmt::format("{}", number());
  }
  SourcePos pos() const { return {}; }  // JSON positions are found from the pointer later
  /// Elements of an array (0 for anything else): for reserving, so it may undercount.
  size_t size() const {
    if (!e_.is_array()) return 0;
    return e_.get_array().value_unsafe().size();
  }

  template <class F>
  void for_each_member(F&& f) const {
    const simdjson::dom::object object = e_.get_object().value_unsafe();  // a handle: keep it alive
    for (auto field : object) f(field.key, JsonNode(field.value));
  }
  template <class F>
  void for_each_element(F&& f) const {
    uint32_t i = 0;
    const simdjson::dom::array array = e_.get_array().value_unsafe();
    for (auto v : array) f(i++, JsonNode(v));
  }

 private:
  simdjson::dom::element e_;
};

class YamlNode {
 public:
  static constexpr bool kYaml = true;
  explicit YamlNode(const YAML::Node& n) : n_(n) {}
  YamlNode(const YamlNode&) = default;
  // yaml-cpp's Node::operator= writes through to the node it refers to; rebind instead.
  YamlNode& operator=(const YamlNode& other) {
    n_.reset(other.n_);
    return *this;
  }

  NodeKind kind() const {
    switch (n_.Type()) {
      case YAML::NodeType::Sequence: return NodeKind::kArray;
      case YAML::NodeType::Map: return NodeKind::kObject;
      case YAML::NodeType::Scalar: return scalar_kind();
      default: return NodeKind::kNull;
    }
  }
  std::string_view str() const { return n_.Scalar(); }
  bool integer(int64_t& out) const {
    if (kind() != NodeKind::kInteger) return false;
    std::string_view s = n_.Scalar();
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{};
  }
  double number() const { return std::strtod(n_.Scalar().c_str(), nullptr); }  // inf beyond a double
  /// An integer held in 64 bits, signed or not, as a JSON one must be.
  bool fits_64_bits() const {
    int64_t i = 0;
    if (integer(i)) return true;
    std::string_view s = n_.Scalar();
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    uint64_t u = 0;
    return std::from_chars(s.data(), s.data() + s.size(), u).ec == std::errc{};
  }
  /// A number as a message shows it: as written.
  std::string number_text() const { return n_.Scalar(); }
  /// Why a plain scalar written as a number in a form JSON does not have is refused where a
  /// number is expected (hexadecimal, octal, infinity, NaN, a leading zero), or empty.
  std::string_view number_form_problem() const;
  SourcePos pos() const { return position_of(n_.Mark()); }
  size_t size() const { return n_.IsSequence() ? n_.size() : 0; }

  template <class F>
  void for_each_member(F&& f) const {
    for (auto it = n_.begin(); it != n_.end(); ++it) f(std::string_view(it->first.Scalar()), YamlNode(it->second));
  }
  template <class F>
  void for_each_element(F&& f) const {
    uint32_t i = 0;
    for (auto it = n_.begin(); it != n_.end(); ++it) f(i++, YamlNode(*it));
  }

 private:
  // YAML 1.2 core schema for plain scalars; a quoted scalar is always a string.
  NodeKind scalar_kind() const;

  YAML::Node n_;
};

}  // namespace regimen::load
