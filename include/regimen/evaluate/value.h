#pragma once
// A value of the protocol language at evaluation time. Small and trivially copyable: strings
// and lists are views into the plan, the timeline or the evaluation's own storage.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "regimen/protocol/types.h"

namespace regimen {

struct Value {
  Type type = Type::kError;
  bool known = false;
  bool b = false;
  int64_t i = 0;  ///< int; date (days since 1970-01-01); duration (days); event: index in the event sequence
  double d = 0;   ///< number
  std::string_view s;
  const std::vector<std::string>* list = nullptr;

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
    x.s = v;
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

}  // namespace regimen
