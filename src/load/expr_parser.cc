// A hand-written recursive-descent parser for the expression language (grammar in
// expr_parser.h). Small enough that a generator would add more than it saves, and it gives
// exact positions and specific messages.

#include "regimen/load/expr_parser.h"
#include "regimen/common/utf8.h"

#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace regimen {
namespace {

// The index of the quote that closes the string opening at `open` ('…' or "…", where a backslash
// takes the next character as it is), or npos when none does.
size_t string_end(std::string_view text, size_t open) {
  const char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      if (++i == text.size()) break;
    } else if (text[i] == quote) {
      return i;
    }
  }
  return std::string::npos;
}

}  // namespace

SourcePos EmbeddedText::at(size_t offset) const {
  if (positions.empty()) return pos;
  return positions[std::min(offset, positions.size() - 1)];
}

namespace {

enum class Tok { kEnd, kNumber, kDuration, kString, kName, kKeyword, kOp, kError };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // the name, keyword or operator; a string's value
  uint32_t offset = 0, length = 0;
  int64_t int_value = 0;
  double number_value = 0;
  bool is_integer = true;
};

bool is_keyword(std::string_view w) {
  return w == "and" || w == "or" || w == "not" || w == "if" || w == "then" || w == "else" || w == "true" ||
         w == "false" || w == "unknown" || w == "in";
}

class Parser {
 public:
  Parser(const EmbeddedText& src, const std::string& file, Diagnostics& diagnostics)
      : src_(src), text_(src.text), file_(file), diagnostics_(diagnostics) {}

  std::optional<Expr> parse_whole() {
    advance();
    if (tok_.kind == Tok::kEnd) return fail(tok_, "parse.empty", "expected an expression, found nothing");
    auto e = expr();
    if (!e) return std::nullopt;
    if (tok_.kind != Tok::kEnd)
      return fail(tok_, "parse.syntax", fmt::format("unexpected {} after the end of the expression", describe(tok_)));
    return e;
  }

 private:
  // ---- tokens ----
  void advance() { tok_ = lex(); }

  Token lex() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    Token t;
    t.offset = static_cast<uint32_t>(pos_);
    if (pos_ >= text_.size()) return t;
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) return lex_number(t);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return lex_name(t);
    if (c == '\'' || c == '"') return lex_string(t);
    static constexpr std::string_view kTwo[] = {"<=", ">=", "==", "!="};
    for (std::string_view op : kTwo)
      if (text_.compare(pos_, 2, op) == 0) return finish(t, Tok::kOp, 2, std::string(op));
    if (std::string_view("+-*/<>(),.[]").find(c) != std::string_view::npos) return finish(t, Tok::kOp, 1, std::string(1, c));
    if (c == '=') return error_token(t, 1, "'=' is not an operator here: write '==' to compare");
    if (c == '&' || c == '|') return error_token(t, 1, fmt::format("'{}' is not an operator: write 'and' / 'or'", c));
    if (c == '!') return error_token(t, 1, "'!' is not an operator: write 'not', or '!=' to compare");
    if (static_cast<unsigned char>(c) >= 0x80) return unexpected_character(t);
    return error_token(t, 1, fmt::format("unexpected character '{}'", c));
  }

  /// A non-ASCII character where none belongs: named by its code point, since the ones met here
  /// (a no-break space, a curly quote, a Cyrillic 'е' in a name) look like what they replace.
  Token unexpected_character(Token t) {
    const size_t n = utf8_char_length(text_, pos_);
    if (n == 0) return error_token(t, 1, "unexpected byte that is not UTF-8");
    uint32_t cp = static_cast<unsigned char>(text_[pos_]) & (0xFF >> (n + 1));
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text_[pos_ + k]) & 0x3F);
    const std::string shown(text_, pos_, n);
    std::string hint;
    if (cp == 0x00A0 || cp == 0x202F || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x3000 || cp == 0xFEFF)
      hint = ", a space that is not a plain space: retype it";
    else if (cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D)
      hint = ", a typographic quote: write ' or \" around a string";
    else if (cp == 0x2212 || cp == 0x2013 || cp == 0x2014)
      hint = ", a dash: write '-' to subtract";
    else if (cp == 0x2264 || cp == 0x2265 || cp == 0x2260)
      hint = fmt::format(": write '{}'", cp == 0x2264 ? "<=" : cp == 0x2265 ? ">=" : "!=");
    else
      hint = ": names and operators are ASCII (letters, digits, '_', '.')";
    Token e = error_token(t, n, fmt::format("unexpected character '{}' (U+{:04X}){}", shown, cp, hint));
    e.length = 1;  // the caret's width is in characters
    return e;
  }

  Token finish(Token t, Tok kind, size_t length, std::string text) {
    t.kind = kind;
    t.length = static_cast<uint32_t>(length);
    t.text = std::move(text);
    pos_ = t.offset + length;
    return t;
  }

  Token error_token(Token t, size_t length, std::string message) {
    t.kind = Tok::kError;
    t.length = static_cast<uint32_t>(length);
    t.text = std::move(message);
    pos_ = t.offset + length;
    return t;
  }

  Token lex_number(Token t) {
    size_t end = pos_;
    while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
    bool is_integer = true;
    if (end + 1 < text_.size() && text_[end] == '.' && std::isdigit(static_cast<unsigned char>(text_[end + 1]))) {
      is_integer = false;
      ++end;
      while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
    }
    const std::string_view digits(text_.data() + pos_, end - pos_);
    // A unit straight after the number makes it a duration: 3d, 2w.
    size_t unit_end = end;
    while (unit_end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[unit_end])) || text_[unit_end] == '_'))
      ++unit_end;
    const std::string_view unit(text_.data() + end, unit_end - end);
    t.is_integer = is_integer;
    if (is_integer) {
      if (std::from_chars(digits.data(), digits.data() + digits.size(), t.int_value).ec != std::errc{})
        return error_token(t, digits.size(), fmt::format("the number {} is too large", digits));
      t.number_value = static_cast<double>(t.int_value);
    } else {
      t.number_value = std::strtod(std::string(digits).c_str(), nullptr);
    }
    if (unit.empty()) return finish(t, Tok::kNumber, end - pos_, std::string(digits));
    if ((unit == "d" || unit == "w") && is_integer) {
      if (unit == "w" && __builtin_mul_overflow(t.int_value, 7, &t.int_value))
        return error_token(t, unit_end - pos_, fmt::format("the duration {}w is too large", digits));
      return finish(t, Tok::kDuration, unit_end - pos_, std::string(text_.substr(pos_, unit_end - pos_)));
    }
    return error_token(t, unit_end - pos_,
                       fmt::format("'{}' is not a number or a duration: durations are whole days or weeks, "
                                   "written like 3d or 2w",
                                   text_.substr(pos_, unit_end - pos_)));
  }

  Token lex_name(Token t) {
    size_t end = pos_;
    auto word_char = [&](size_t i) {
      return std::isalnum(static_cast<unsigned char>(text_[i])) || text_[i] == '_';
    };
    while (end < text_.size() && word_char(end)) ++end;
    // Dotted names: a '.' followed by a word character continues the name.
    while (end + 1 < text_.size() && text_[end] == '.' &&
           (std::isalpha(static_cast<unsigned char>(text_[end + 1])) || text_[end + 1] == '_')) {
      ++end;
      while (end < text_.size() && word_char(end)) ++end;
    }
    std::string word = text_.substr(pos_, end - pos_);
    return finish(t, is_keyword(word) ? Tok::kKeyword : Tok::kName, end - pos_, word);
  }

  Token lex_string(Token t) {
    const char quote = text_[pos_];
    const size_t end = string_end(text_, pos_);
    if (end == std::string::npos)
      return error_token(t, text_.size() - pos_, fmt::format("this string has no closing quote ({})", quote));
    std::string value;
    for (size_t i = pos_ + 1; i < end; ++i) {
      if (text_[i] == '\\') ++i;  // string_end saw to it that a character follows
      value += text_[i];
    }
    return finish(t, Tok::kString, end + 1 - pos_, std::move(value));
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::kEnd: return "the end of the expression";
      case Tok::kNumber:
      case Tok::kDuration: return fmt::format("'{}'", t.text);
      case Tok::kString: return fmt::format("the string '{}'", t.text);
      case Tok::kName: return fmt::format("'{}'", t.text);
      case Tok::kKeyword: return fmt::format("'{}'", t.text);
      case Tok::kOp: return fmt::format("'{}'", t.text);
      case Tok::kError: return "an error";
    }
    return "?";
  }

  bool is_op(std::string_view op) const { return tok_.kind == Tok::kOp && tok_.text == op; }
  bool is_kw(std::string_view kw) const { return tok_.kind == Tok::kKeyword && tok_.text == kw; }

  std::nullopt_t fail(const Token& at, std::string code, std::string message) {
    if (failed_) return std::nullopt;  // one syntax error per expression: later ones are noise
    failed_ = true;
    if (at.kind == Tok::kError) {
      code = "parse.syntax";
      message = at.text;
    }
    diagnostics_.add(Diagnostic{Severity::kError, std::move(code), file_, src_.at(at.offset),
                                std::max<uint32_t>(at.length, 1), "", std::move(message)});
    return std::nullopt;
  }

  Expr node(Expr::Kind kind, const Token& at) {
    Expr e;
    e.kind = kind;
    e.offset = at.offset;
    e.length = at.length;
    e.pos = src_.at(at.offset);
    return e;
  }

  // Makes `e` span from `first` to the end of the last token consumed.
  void span(Expr& e, uint32_t first) {
    e.offset = first;
    e.length = last_end_ > first ? last_end_ - first : 1;
    e.pos = src_.at(first);
  }

  Token take() {
    Token t = tok_;
    last_end_ = t.offset + t.length;
    advance();
    return t;
  }

  // ---- depth ----
  // Every stage after this one walks an expression recursively, as this parser does: a protocol
  // nesting thousands deep (parentheses, '- - -', 'a and b and …', 'x.f.f.f') would overflow the
  // stack. No real condition comes near the limit; the bound counts each nesting, each operator
  // of a chain and each field, so it bounds the depth of the tree built.
  static constexpr int kMaxDepth = 256;
  int depth_ = 0;
  /// One more level of nesting for each more() while it lives: more() is false past the limit,
  /// and the error is reported at the current token.
  class Deeper {
   public:
    explicit Deeper(Parser& parser) : parser_(parser) {}
    Deeper(const Deeper&) = delete;
    Deeper& operator=(const Deeper&) = delete;
    ~Deeper() { parser_.depth_ -= levels_; }
    bool more() {
      ++levels_;
      if (++parser_.depth_ <= kMaxDepth) return true;
      parser_.fail(parser_.tok_, "parse.too_deep",
                   fmt::format("the expression nests more than {} levels deep here: split it into facts", kMaxDepth));
      return false;
    }

   private:
    Parser& parser_;
    int levels_ = 0;
  };

  // ---- grammar ----
  std::optional<Expr> expr() {
    Deeper level(*this);
    if (!level.more()) return std::nullopt;
    if (!is_kw("if")) return or_expr();
    const Token if_tok = take();
    auto cond = expr();
    if (!cond) return std::nullopt;
    if (!is_kw("then")) return fail(tok_, "parse.syntax", fmt::format("expected 'then' after the condition of 'if', found {}", describe(tok_)));
    take();
    auto yes = expr();
    if (!yes) return std::nullopt;
    if (!is_kw("else"))
      return fail(tok_, "parse.syntax",
                  fmt::format("expected 'else' after 'if … then …', found {}: every 'if' needs an 'else'", describe(tok_)));
    take();
    auto no = expr();
    if (!no) return std::nullopt;
    Expr e = node(Expr::Kind::kIf, if_tok);
    e.name = "if";
    e.args = {std::move(*cond), std::move(*yes), std::move(*no)};
    span(e, if_tok.offset);
    return e;
  }

  template <class Next>
  std::optional<Expr> left_assoc(Next next, std::initializer_list<std::string_view> ops, bool keywords) {
    auto lhs = (this->*next)();
    if (!lhs) return std::nullopt;
    Deeper chain(*this);  // each operator of the chain nests the tree one level deeper
    while (true) {
      std::string_view op;
      for (std::string_view o : ops)
        if (keywords ? is_kw(o) : is_op(o)) op = o;
      if (op.empty()) return lhs;
      if (!chain.more()) return std::nullopt;
      const Token op_tok = take();
      auto rhs = (this->*next)();
      if (!rhs) return std::nullopt;
      Expr e = node(Expr::Kind::kBinary, op_tok);
      e.name = std::string(op);
      const uint32_t first = lhs->offset;
      e.args.push_back(std::move(*lhs));
      e.args.push_back(std::move(*rhs));
      span(e, first);
      e.pos = src_.at(op_tok.offset);  // a type error in a binary points at its operator
      e.offset = op_tok.offset;
      e.length = op_tok.length;
      lhs = std::move(e);
    }
  }

  std::optional<Expr> or_expr() { return left_assoc(&Parser::and_expr, {"or"}, true); }
  std::optional<Expr> and_expr() { return left_assoc(&Parser::not_expr, {"and"}, true); }

  std::optional<Expr> not_expr() {
    if (!is_kw("not")) return compare();
    Deeper level(*this);
    if (!level.more()) return std::nullopt;
    const Token t = take();
    auto operand = not_expr();
    if (!operand) return std::nullopt;
    Expr e = node(Expr::Kind::kUnary, t);
    e.name = "not";
    e.args.push_back(std::move(*operand));
    return e;
  }

  std::optional<Expr> compare() {
    auto lhs = sum();
    if (!lhs) return std::nullopt;
    static constexpr std::string_view kOps[] = {"<", "<=", ">", ">=", "==", "!="};
    std::string_view op;
    for (std::string_view o : kOps)
      if (is_op(o)) op = o;
    if (is_kw("in")) op = "in";
    if (op.empty()) return lhs;
    const Token op_tok = take();
    auto rhs = sum();
    if (!rhs) return std::nullopt;
    Expr e = node(Expr::Kind::kBinary, op_tok);
    e.name = std::string(op);
    e.args.push_back(std::move(*lhs));
    e.args.push_back(std::move(*rhs));
    for (std::string_view o : kOps)
      if (is_op(o))
        return fail(tok_, "parse.syntax",
                    fmt::format("comparisons cannot be chained: write 'a {} b and b {} c'", op, o));
    return e;
  }

  std::optional<Expr> sum() { return left_assoc(&Parser::product, {"+", "-"}, false); }
  std::optional<Expr> product() { return left_assoc(&Parser::unary, {"*", "/"}, false); }

  std::optional<Expr> unary() {
    if (!is_op("-")) return postfix();
    Deeper level(*this);
    if (!level.more()) return std::nullopt;
    const Token t = take();
    auto operand = unary();
    if (!operand) return std::nullopt;
    Expr e = node(Expr::Kind::kUnary, t);
    e.name = "-";
    e.args.push_back(std::move(*operand));
    return e;
  }

  std::optional<Expr> postfix() {
    auto e = primary();
    if (!e) return std::nullopt;
    Deeper fields(*this);
    while (is_op(".")) {
      if (!fields.more()) return std::nullopt;
      take();
      if (tok_.kind != Tok::kName)
        return fail(tok_, "parse.syntax", fmt::format("expected a field name after '.', found {}", describe(tok_)));
      const Token name = take();
      Expr f = node(Expr::Kind::kField, name);
      f.name = name.text;
      f.args.push_back(std::move(*e));
      e = std::move(f);
    }
    return e;
  }

  std::optional<Expr> primary() {
    const Token t = tok_;
    switch (t.kind) {
      case Tok::kNumber: {
        take();
        Expr e = node(Expr::Kind::kLiteral, t);
        e.literal_type = t.is_integer ? Type::kInt : Type::kNumber;
        e.int_value = t.int_value;
        e.number_value = t.number_value;
        return e;
      }
      case Tok::kDuration: {
        take();
        Expr e = node(Expr::Kind::kLiteral, t);
        e.literal_type = Type::kDuration;
        e.int_value = t.int_value;
        return e;
      }
      case Tok::kString: {
        take();
        Expr e = node(Expr::Kind::kLiteral, t);
        e.literal_type = Type::kString;
        e.string_value = t.text;
        return e;
      }
      case Tok::kKeyword:
        if (t.text == "true" || t.text == "false" || t.text == "unknown") {
          take();
          Expr e = node(Expr::Kind::kLiteral, t);
          e.literal_type = t.text == "unknown" ? Type::kError : Type::kBool;
          e.bool_value = t.text == "true";
          return e;
        }
        return fail(t, "parse.syntax", fmt::format("expected a value, found the keyword '{}'", t.text));
      case Tok::kName: return name_or_call();
      case Tok::kOp:
        if (t.text == "(") {
          take();
          auto inner = expr();
          if (!inner) return std::nullopt;
          if (!is_op(")")) return fail(tok_, "parse.syntax", fmt::format("expected ')' to close the '(' at column {}, found {}", src_.at(t.offset).column, describe(tok_)));
          take();
          return inner;
        }
        if (t.text == "[") return list();
        return fail(t, "parse.syntax", fmt::format("expected a value, found {}", describe(t)));
      case Tok::kEnd: return fail(t, "parse.syntax", "the expression ends where a value was expected");
      case Tok::kError: return fail(t, "parse.syntax", t.text);
    }
    return std::nullopt;
  }

  std::optional<Expr> name_or_call() {
    const Token t = take();
    if (!is_op("(")) {
      Expr e = node(Expr::Kind::kName, t);
      e.name = t.text;
      return e;
    }
    take();
    Expr e = node(Expr::Kind::kCall, t);
    e.name = t.text;
    if (!is_op(")")) {
      while (true) {
        auto arg = expr();
        if (!arg) return std::nullopt;
        e.args.push_back(std::move(*arg));
        if (is_op(",")) {
          take();
          continue;
        }
        if (is_op(")")) break;
        return fail(tok_, "parse.syntax",
                    fmt::format("expected ',' or ')' in the arguments of {}(), found {}", t.text, describe(tok_)));
      }
    }
    take();
    return e;
  }

  std::optional<Expr> list() {
    const Token open = take();
    Expr e = node(Expr::Kind::kList, open);
    if (!is_op("]")) {
      while (true) {
        auto item = expr();
        if (!item) return std::nullopt;
        e.args.push_back(std::move(*item));
        if (is_op(",")) {
          take();
          continue;
        }
        if (is_op("]")) break;
        return fail(tok_, "parse.syntax", fmt::format("expected ',' or ']' in a list, found {}", describe(tok_)));
      }
    }
    take();
    span(e, open.offset);
    return e;
  }

  const EmbeddedText& src_;
  const std::string& text_;
  const std::string& file_;
  Diagnostics& diagnostics_;
  size_t pos_ = 0;
  uint32_t last_end_ = 0;
  Token tok_;
  bool failed_ = false;
};

// The part of an EmbeddedText from `begin` to `end`, keeping positions.
EmbeddedText slice(const EmbeddedText& src, size_t begin, size_t end) {
  EmbeddedText out;
  out.text = src.text.substr(begin, end - begin);
  for (size_t i = begin; i <= end; ++i) out.positions.push_back(src.at(i));
  out.pos = src.at(begin);
  return out;
}

}  // namespace

std::optional<Expr> parse_expression(const EmbeddedText& source, const std::string& file, Diagnostics& diagnostics) {
  return Parser(source, file, diagnostics).parse_whole();
}

namespace {
// The '}' that closes a template's expression: the first one outside its quoted strings (as the
// lexer reads them, escapes included), so that {if c then '}' else 'y'} closes after the else.
size_t closing_brace(const std::string& s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\'' || s[i] == '"') {
      i = string_end(s, i);
      if (i == std::string::npos) return std::string::npos;
    } else if (s[i] == '}') {
      return i;
    }
  }
  return std::string::npos;
}
}  // namespace

std::optional<Template> parse_template(const EmbeddedText& source, const std::string& file, Diagnostics& diagnostics) {
  Template t;
  t.source = source;
  const std::string& s = source.text;
  std::string literal;
  bool ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{' && i + 1 < s.size() && s[i + 1] == '{') {
      literal += '{';
      ++i;
    } else if (s[i] == '}' && i + 1 < s.size() && s[i + 1] == '}') {
      literal += '}';
      ++i;
    } else if (s[i] == '{') {
      const size_t close = closing_brace(s, i + 1);
      if (close == std::string::npos) {
        diagnostics.add(Diagnostic{Severity::kError, "parse.template", file, source.at(i), 1, "",
                                   "this '{' has no closing '}': write '{{' for a literal brace"});
        return std::nullopt;
      }
      if (!literal.empty()) t.parts.push_back(Template::Part{std::move(literal), {}, false});
      literal.clear();
      auto e = parse_expression(slice(source, i + 1, close), file, diagnostics);
      if (e) t.parts.push_back(Template::Part{s.substr(i + 1, close - i - 1), std::move(*e), true});
      else ok = false;
      i = close;
    } else if (s[i] == '}') {
      diagnostics.add(Diagnostic{Severity::kError, "parse.template", file, source.at(i), 1, "",
                                 "this '}' closes nothing: write '}}' for a literal brace"});
      return std::nullopt;
    } else {
      literal += s[i];
    }
  }
  if (!literal.empty()) t.parts.push_back(Template::Part{std::move(literal), {}, false});
  if (!ok) return std::nullopt;
  return t;
}

std::string to_source(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      switch (e.literal_type) {
        case Type::kInt: return std::to_string(e.int_value);
        case Type::kNumber: return fmt::format("{}", e.number_value);
        case Type::kDuration: return fmt::format("{}d", e.int_value);
        case Type::kString: return fmt::format("'{}'", e.string_value);
        case Type::kBool: return e.bool_value ? "true" : "false";
        default: return "unknown";
      }
    case Expr::Kind::kName: return e.name;
    case Expr::Kind::kCall: {
      std::string out = e.name + "(";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + to_source(e.args[i]);
      return out + ")";
    }
    case Expr::Kind::kField: return to_source(e.args[0]) + "." + e.name;
    case Expr::Kind::kUnary: return e.name == "not" ? "(not " + to_source(e.args[0]) + ")" : "(-" + to_source(e.args[0]) + ")";
    case Expr::Kind::kBinary: return "(" + to_source(e.args[0]) + " " + e.name + " " + to_source(e.args[1]) + ")";
    case Expr::Kind::kIf:
      return "(if " + to_source(e.args[0]) + " then " + to_source(e.args[1]) + " else " + to_source(e.args[2]) + ")";
    case Expr::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + to_source(e.args[i]);
      return out + "]";
    }
  }
  return "?";
}

}  // namespace regimen
