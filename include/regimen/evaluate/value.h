#pragma once
// A value of the protocol language at evaluation time. Small and trivially copyable: strings
// and lists are views into the plan, the timeline or the evaluation's own storage.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "regimen/protocol/types.h"

namespace regimen {

// Sixteen bytes, so that the interpreter returns a Value in two registers rather than through
// memory (it was 48 bytes, copied at every node). Which member of the union holds the payload
// follows from `type`: read them through the type, never one as the other.
struct Value {
  Type type = Type::kError;
  bool known = false;
  bool b = false;       ///< bool
  uint32_t length = 0;  ///< string: its length (the characters are at `chars`)
  union {
    int64_t i = 0;  ///< int; date (days since 1970-01-01); duration (days); event: index in the event sequence
    double d;       ///< number
    const char* chars;                    ///< string
    const std::vector<std::string>* list;  ///< string list
  };

  /// A string value's text.
  [[nodiscard]] std::string_view s() const { return {chars, length}; }

  static Value unknown(Type t) { return make(t, false); }
  static Value boolean(bool v) {
    Value x = make(Type::kBool, true);
    x.b = v;
    return x;
  }
  static Value integer(int64_t v) { return make(Type::kInt, true, v); }
  static Value number(double v) {
    Value x = make(Type::kNumber, true);
    x.d = v;
    return x;
  }
  static Value date(int64_t days) { return make(Type::kDate, true, days); }
  static Value duration(int64_t days) { return make(Type::kDuration, true, days); }
  static Value string(std::string_view v) {
    Value x = make(Type::kString, true);
    x.chars = v.data();
    x.length = static_cast<uint32_t>(v.size());
    return x;
  }
  static Value event(Type t, int64_t seq) { return make(t, true, seq); }
  static Value strings(const std::vector<std::string>* l) {
    Value x = make(Type::kStringList, true);
    x.list = l;
    return x;
  }
  static Value make(Type t, bool known, int64_t i = 0) {
    Value x;
    x.type = t;
    x.known = known;
    x.i = i;
    return x;
  }

  /// The value as a real number (ints and numbers).
  [[nodiscard]] double as_number() const { return type == Type::kNumber ? d : static_cast<double>(i); }
  [[nodiscard]] bool is_true() const { return known && type == Type::kBool && b; }
};

static_assert(sizeof(Value) == 16, "a Value fits in two registers");
static_assert(std::is_trivially_copyable_v<Value>);

}  // namespace regimen
