#include "regimen/compile/overrides.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <fmt/format.h>

#include "regimen/common/suggest.h"

namespace regimen {
namespace {

std::string range_of(const Plan::Parameter& p) {
  const std::string unit = p.type == Type::kDuration ? " days" : (p.unit.empty() ? "" : " " + p.unit);
  if (p.min && p.max) return fmt::format("{} to {}{}", *p.min, *p.max, unit);
  if (p.min) return fmt::format("at least {}{}", *p.min, unit);
  if (p.max) return fmt::format("at most {}{}", *p.max, unit);
  return "any value";
}

std::optional<int64_t> whole(std::string_view s) {
  int64_t v = 0;
  if (s.starts_with("+-")) return std::nullopt;  // one sign
  const char* b = s.data() + (!s.empty() && s[0] == '+');
  auto [end, ec] = std::from_chars(b, s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A finite number written in decimal (12, -0.5, 1e3), as a protocol writes one: not "nan", "inf",
// hexadecimal or surrounding spaces, which strtod would take.
std::optional<double> decimal(std::string_view s) {
  if (s.starts_with("+-")) return std::nullopt;  // one sign
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  const std::string_view digits = s.substr(!s.empty() && s[0] == '-');
  if (digits.empty() || !(std::isdigit(static_cast<unsigned char>(digits[0])) || digits[0] == '.')) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

OverrideResult parse_override(const Plan& plan, std::string_view name, std::string_view text) {
  OverrideResult r;
  uint32_t index = 0;
  for (; index < plan.parameters.size(); ++index)
    if (plan.parameters[index].name == name) break;
  if (index == plan.parameters.size()) {
    std::vector<std::string_view> names;
    for (const auto& p : plan.parameters) names.push_back(p.name);
    r.error = fmt::format("unknown parameter '{}'", name);
    if (auto s = closest_match(name, names)) r.error += fmt::format(" (did you mean '{}'?)", *s);
    return r;
  }
  const Plan::Parameter& p = plan.parameters[index];
  Constant c;
  c.type = p.type;
  if (text == "unset") {
    c.known = false;
    r.value = ParameterOverride{index, c};
    return r;
  }
  auto bad = [&](std::string_view expected) {
    r.error = fmt::format("'{}' is not a valid value for {}: expected {} ({})", text, name, expected, range_of(p));
    return r;
  };
  switch (p.type) {
    case Type::kInt: {
      auto v = whole(text);
      if (!v) return bad("a whole number");
      c.int_value = *v;
      c.number_value = static_cast<double>(*v);
      break;
    }
    case Type::kDuration: {
      std::string_view digits = text;
      int64_t unit = 1;
      if (!digits.empty() && (digits.back() == 'd' || digits.back() == 'w')) {
        unit = digits.back() == 'w' ? 7 : 1;
        digits.remove_suffix(1);
      }
      auto v = whole(digits);
      if (!v || __builtin_mul_overflow(*v, unit, &c.int_value)) return bad("a number of days, like 28 or 28d or 4w");
      c.number_value = static_cast<double>(c.int_value);
      break;
    }
    case Type::kNumber: {
      auto v = decimal(text);
      if (!v) return bad("a number in decimal digits, like 450 or 12.5");
      c.number_value = *v;
      break;
    }
    case Type::kBool:
      if (text != "true" && text != "false") return bad("true or false");
      c.bool_value = text == "true";
      break;
    case Type::kString: c.string_value = std::string(text); break;
    case Type::kStringList: {
      size_t start = 0;
      while (start <= text.size()) {
        const size_t comma = text.find(',', start);
        const std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (!item.empty()) c.list_value.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      break;
    }
    default: return bad("a value");
  }
  if ((p.type == Type::kInt || p.type == Type::kNumber || p.type == Type::kDuration) &&
      ((p.min && c.number_value < *p.min) || (p.max && c.number_value > *p.max))) {
    r.error = fmt::format("{} = {} is outside the allowed range: {}", name, text, range_of(p));
    return r;
  }
  r.value = ParameterOverride{index, std::move(c)};
  return r;
}

std::string check_parameter_order(const Plan& plan, const std::vector<ParameterOverride>& overrides) {
  auto effective = [&](uint32_t index) -> std::optional<double> {
    const Constant* c = plan.parameters[index].default_value ? &*plan.parameters[index].default_value : nullptr;
    for (const ParameterOverride& o : overrides)
      if (o.index == index) c = &o.value;
    if (!c || !c->known) return std::nullopt;
    return c->type == Type::kNumber ? c->number_value : static_cast<double>(c->int_value);
  };
  auto overridden = [&](uint32_t index) {
    return std::any_of(overrides.begin(), overrides.end(), [&](const ParameterOverride& o) { return o.index == index; });
  };
  for (uint32_t i = 0; i < plan.parameters.size(); ++i) {
    const Plan::Parameter& p = plan.parameters[i];
    if (!p.at_most || (!overridden(i) && !overridden(*p.at_most))) continue;
    const std::optional<double> value = effective(i), limit = effective(*p.at_most);
    if (value && limit && *value > *limit)
      return fmt::format("{} = {} is more than {} = {}, which it must be at most: set both to move them together",
                         p.name, *value, plan.parameters[*p.at_most].name, *limit);
  }
  return "";
}

}  // namespace regimen
