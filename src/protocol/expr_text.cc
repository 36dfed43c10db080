#include "regimen/protocol/expr_text.h"

#include <fmt/format.h>

namespace regimen {
namespace {

// Binding strength, loosest first, as in the parser: if, or, and, not, comparisons, + -, * /,
// unary minus, then fields, calls, names and literals.
int strength(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kIf: return 0;
    case Expr::Kind::kUnary: return e.name == "not" ? 3 : 7;
    case Expr::Kind::kBinary:
      if (e.name == "or") return 1;
      if (e.name == "and") return 2;
      if (e.name == "+" || e.name == "-") return 5;
      if (e.name == "*" || e.name == "/") return 6;
      return 4;  // comparisons and `in`
    default: return 9;
  }
}

std::string literal(const Expr& e) {
  switch (e.literal_type) {
    case Type::kInt: return std::to_string(e.int_value);
    case Type::kNumber: {  // 2.0 stays a number, not the int 2 (their arithmetic differs)
      std::string s = fmt::format("{}", e.number_value);
      if (s.find_first_of(".eE") == std::string::npos && s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
      return s;
    }
    case Type::kDuration: return fmt::format("{}d", e.int_value);
    case Type::kString: return "'" + e.string_value + "'";
    case Type::kBool: return e.bool_value ? "true" : "false";
    default: return "unknown";
  }
}

std::string print(const Expr& e, int context) {
  std::string s;
  const int own = strength(e);
  switch (e.kind) {
    case Expr::Kind::kLiteral: s = literal(e); break;
    case Expr::Kind::kName: s = e.name; break;
    case Expr::Kind::kField: s = print(e.args[0], 8) + "." + e.name; break;
    case Expr::Kind::kCall:
    case Expr::Kind::kList: {
      s = e.kind == Expr::Kind::kCall ? e.name + "(" : "[";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + print(e.args[i], 0);
      s += e.kind == Expr::Kind::kCall ? ")" : "]";
      break;
    }
    case Expr::Kind::kUnary: s = (e.name == "not" ? "not " : "-") + print(e.args[0], own); break;
    case Expr::Kind::kBinary: {
      // Left-associative; comparisons do not chain, so both of their sides bind tighter.
      const int left = own == 4 ? own + 1 : own;
      s = print(e.args[0], left) + " " + e.name + " " + print(e.args[1], own + 1);
      break;
    }
    case Expr::Kind::kIf:
      s = "if " + print(e.args[0], 0) + " then " + print(e.args[1], 0) + " else " + print(e.args[2], 0);
      break;
  }
  return own < context ? "(" + s + ")" : s;
}

}  // namespace

std::string expr_text(const Expr& e) { return print(e, 0); }

std::string quote_expr(const std::string& text) {
  const char q = text.find('\'') == std::string::npos ? '\'' : '"';
  return q + text + q;
}

}  // namespace regimen
