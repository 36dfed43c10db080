#include "expr_checker.h"

#include <algorithm>
#include <fmt/format.h>

#include "regimen/check/builtins.h"
#include "regimen/common/date.h"
#include "regimen/common/suggest.h"

namespace regimen::check {

std::string a_type(Type t) {
  switch (t) {
    case Type::kInt: return "an int";
    case Type::kNumber: return "a number";
    case Type::kDuration: return "a duration in days";
    case Type::kStringList: return "a list";
    case Type::kAssessment: return "an assessment";
    case Type::kObservation: return "an observation";
    case Type::kInstrument: return "an instrument";
    case Type::kError: return "an unknown value";
    default: return fmt::format("a {}", to_string(t));
  }
}

namespace {

bool same_or_numeric(Type a, Type b) { return a == b || (is_numeric(a) && is_numeric(b)); }
Type numeric_result(Type a, Type b) { return a == Type::kInt && b == Type::kInt ? Type::kInt : Type::kNumber; }
bool is_unknown_literal(const Expr& e) { return e.kind == Expr::Kind::kLiteral && e.literal_type == Type::kError; }

}  // namespace

ExprChecker::ExprChecker(const ast::Protocol& protocol, Diagnostics& diagnostics)
    : protocol_(protocol), diagnostics_(diagnostics) {}

std::vector<uint32_t> ExprChecker::take_fact_uses() {
  std::vector<uint32_t> out;
  out.swap(fact_uses_);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Type ExprChecker::fail_at(SourcePos pos, uint32_t width, std::string code, std::string message) {
  diagnostics_.add(Diagnostic{Severity::kError, std::move(code), protocol_.file, pos, std::max<uint32_t>(width, 1), "",
                              std::move(message)});
  return Type::kError;
}

Type ExprChecker::fail(const Expr& at, std::string code, std::string message) {
  return fail_at(at.pos, at.length, std::move(code), std::move(message));
}

void ExprChecker::expect(Expr& e, Type wanted, const Scope& scope, std::string_view what, bool may_be_unknown) {
  if (is_unknown_literal(e) && may_be_unknown) {  // `set: {x: unknown}` forgets a value, of any type
    e.type = wanted;
    return;
  }
  const Type t = check(e, scope);
  if (t == Type::kError || t == wanted || (wanted == Type::kNumber && t == Type::kInt)) return;
  fail(e, wanted == Type::kBool ? "check.not_boolean" : "check.type_mismatch",
       fmt::format("{} must be {}, but this is {}", what, a_type(wanted), a_type(t)));
}

Type ExprChecker::check(Expr& e, const Scope& scope) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
      if (e.literal_type == Type::kError)
        return fail(e, "check.bad_unknown", "'unknown' can only be a branch of if … then … else");
      return e.type = e.literal_type;
    case Expr::Kind::kName: return e.type = name(e, scope);
    case Expr::Kind::kCall: return e.type = call(e, scope);
    case Expr::Kind::kField: {
      const Type base = check(e.args[0], scope);
      if (base == Type::kError) return Type::kError;
      return e.type = field(e, base, e.name, e.pos);
    }
    case Expr::Kind::kUnary: {
      const Type t = check(e.args[0], scope);
      if (t == Type::kError) return Type::kError;
      if (e.name == "not") {
        if (t != Type::kBool) return fail(e.args[0], "check.not_boolean", fmt::format("'not' needs a bool, but this is {}", a_type(t)));
        return e.type = Type::kBool;
      }
      if (!is_numeric(t) && t != Type::kDuration)
        return fail(e, "check.type_mismatch", fmt::format("'-' cannot negate {}", a_type(t)));
      return e.type = t;
    }
    case Expr::Kind::kBinary: return e.type = binary(e, scope);
    case Expr::Kind::kIf: return e.type = if_expr(e, scope);
    case Expr::Kind::kList:
      // A list literal holds quoted strings: the compiler folds it into a constant, so an item
      // computed from anything else would be lost (read as '').
      for (Expr& item : e.args)
        if (const Type t = check(item, scope); t != Type::kString && t != Type::kError)
          fail(item, "check.type_mismatch", fmt::format("a list holds strings, but this is {}", a_type(t)));
        else if (t == Type::kString && item.kind != Expr::Kind::kLiteral)
          fail(item, "check.list_item_not_literal",
               "a list's items are quoted strings, like ['phq9', 'gad7']; to test a computed value, compare it: x == y or x == z");
      return e.type = Type::kStringList;
  }
  return Type::kError;
}

// A state variable's initial value is computed once, before the first event and before any
// other state exists: it may read parameters and constants only (a fact may read the timeline or
// today, and another state variable may not be set yet; either read crashed or varied by day).
Type ExprChecker::not_in_initial(Expr& e, std::string_view what, const std::string& name) {
  return fail(e, "check.initial_not_constant",
              fmt::format("{} '{}' cannot be read in a state variable's initial value, which is set before the first "
                          "event: use parameters and constants",
                          what, name));
}

Type ExprChecker::name(Expr& e, const Scope& scope) {
  // The longest prefix of the dotted name that names something; the rest are fields.
  const std::string& full = e.name;
  std::vector<size_t> cuts;  // candidate prefix ends, longest first
  cuts.push_back(full.size());
  for (size_t i = full.size(); i-- > 0;)
    if (full[i] == '.') cuts.push_back(i);

  for (size_t cut : cuts) {
    const std::string prefix = full.substr(0, cut);
    Type t = Type::kError;
    bool found = true;
    if (prefix == "today") {
      if (!scope.timeline)
        return fail(e, "check.timeline_not_available", fmt::format("'today' is not available here{}", scope.event_note));
      e.symbol_kind = SymbolKind::kToday;
      t = Type::kDate;
    } else if (prefix == "event") {
      if (scope.event_unknown) return Type::kError;  // its `on:` was reported
      if (scope.event == Type::kError)
        return fail(e, "check.event_outside_transition",
                    fmt::format("'event' is only available in a transition's when/set/warn{}", scope.event_note));
      e.symbol_kind = SymbolKind::kEvent;
      t = scope.event;
    } else if (prefix.starts_with("params.")) {
      const std::string pname = prefix.substr(7);
      auto it = std::find_if(protocol_.parameters.begin(), protocol_.parameters.end(),
                             [&](const ast::Parameter& p) { return p.name.value == pname; });
      if (it == protocol_.parameters.end()) {
        found = false;
      } else {
        e.symbol_kind = SymbolKind::kParameter;
        e.symbol = static_cast<int32_t>(it - protocol_.parameters.begin());
        t = it->type;
      }
    } else if (auto f = std::find_if(protocol_.facts.begin(), protocol_.facts.end(),
                                     [&](const ast::Fact& x) { return x.name.value == prefix; });
               f != protocol_.facts.end()) {
      if (!scope.timeline) return not_in_initial(e, "the fact", prefix);
      e.symbol_kind = SymbolKind::kFact;
      e.symbol = static_cast<int32_t>(f - protocol_.facts.begin());
      fact_uses_.push_back(static_cast<uint32_t>(e.symbol));
      t = f->value ? f->value->type : Type::kError;
      if (t == Type::kError) return Type::kError;  // the fact itself did not check (or not yet): reported there
    } else if (auto s = std::find_if(protocol_.state.begin(), protocol_.state.end(),
                                     [&](const ast::StateVar& x) { return x.name.value == prefix; });
               s != protocol_.state.end()) {
      if (!scope.timeline) return not_in_initial(e, "the state variable", prefix);
      e.symbol_kind = SymbolKind::kState;
      e.symbol = static_cast<int32_t>(s - protocol_.state.begin());
      t = s->type;
    } else if (auto i = std::find_if(protocol_.instruments.begin(), protocol_.instruments.end(),
                                     [&](const ast::Instrument& x) { return x.name.value == prefix; });
               i != protocol_.instruments.end()) {
      e.symbol_kind = SymbolKind::kInstrument;
      e.symbol = static_cast<int32_t>(i - protocol_.instruments.begin());
      t = Type::kInstrument;
    } else {
      found = false;
    }
    if (!found) continue;
    if (t == Type::kError) return Type::kError;
    // Fields after the symbol: series.last.date
    size_t pos = cut;
    while (pos < full.size()) {
      const size_t next = full.find('.', pos + 1);
      const std::string f = full.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      SourcePos at = e.pos;
      at.column += static_cast<uint32_t>(pos + 1);
      if (!field_exists(t, f) && !close_field(t, f)) {
        // A misspelt dotted name reads better as "unknown name … did you mean" than as a field
        // error; but not when the name meant is the one already found (a misspelt field of it).
        const auto s = closest_match(full, name_candidates(scope));
        if (s && *s != full.substr(0, pos))
          return fail(e, "check.unknown_name", fmt::format("unknown name '{}' (did you mean '{}'?)", full, *s));
      }
      t = field(e, t, f, at);
      if (t == Type::kError) return t;
      e.fields.push_back(f);
      pos = next == std::string::npos ? full.size() : next;
    }
    return t;
  }

  // Nothing matched: say what kind of thing was probably meant.
  const std::vector<std::string_view> views = name_candidates(scope);
  const std::string_view kind = full.starts_with("params.") ? "parameter" : "name";
  std::string msg = fmt::format("unknown {} '{}'", kind, full);
  if (!full.starts_with("params.") &&
      std::any_of(protocol_.parameters.begin(), protocol_.parameters.end(),
                  [&](const ast::Parameter& p) { return p.name.value == full; }))
    msg += fmt::format(" (parameters are written params.{})", full);
  else if (find_builtin(full))
    msg += fmt::format(" ({} is a function: write {}(…))", full, full);
  else if (auto s = closest_match(full, views))
    msg += fmt::format(" (did you mean '{}'?)", *s);
  return fail(e, "check.unknown_name", std::move(msg));
}

namespace {
struct FieldType {
  Type on;
  std::string_view name;
  Type type;
};
constexpr FieldType kFields[] = {
      {Type::kSession, "date", Type::kDate},         {Type::kSession, "route", Type::kString},
      {Type::kAssessment, "date", Type::kDate},      {Type::kAssessment, "score", Type::kInt},
      {Type::kAssessment, "instrument", Type::kString},
      {Type::kObservation, "date", Type::kDate},     {Type::kObservation, "value", Type::kNumber},
      {Type::kObservation, "unit", Type::kString},   {Type::kObservation, "code", Type::kString},
      {Type::kDecision, "date", Type::kDate},        {Type::kDecision, "kind", Type::kString},
      {Type::kDecision, "by", Type::kString},        {Type::kDecision, "note", Type::kString},
};

/// The fields of a type (dose_<name> aside), as suggestions for a misspelt one.
std::vector<std::string_view> field_names(Type base) {
  std::vector<std::string_view> names;
  for (const FieldType& x : kFields)
    if (x.on == base) names.push_back(x.name);
  return names;
}
}  // namespace

bool ExprChecker::close_field(Type base, const std::string& f) const { return closest_match(f, field_names(base)).has_value(); }

bool ExprChecker::field_exists(Type base, const std::string& f) const {
  if (base == Type::kSession && f.starts_with("dose_")) return true;
  return std::any_of(std::begin(kFields), std::end(kFields), [&](const FieldType& x) { return x.on == base && x.name == f; });
}

std::vector<std::string_view> ExprChecker::name_candidates(const Scope& scope) {
  candidates_.clear();
  candidates_.push_back("today");
  if (scope.event != Type::kError) candidates_.push_back("event");
  for (const auto& p : protocol_.parameters) candidates_.push_back("params." + p.name.value);
  for (const auto& f : protocol_.facts) candidates_.push_back(f.name.value);
  for (const auto& s : protocol_.state) candidates_.push_back(s.name.value);
  for (const auto& i : protocol_.instruments) candidates_.push_back(i.name.value);
  return std::vector<std::string_view>(candidates_.begin(), candidates_.end());
}

Type ExprChecker::field(Expr& e, Type base, const std::string& f, SourcePos at) {
  if (base == Type::kSession && f.starts_with("dose_")) return Type::kNumber;
  for (const FieldType& x : kFields)
    if (x.on == base && x.name == f) return x.type;
  std::vector<std::string_view> names = field_names(base);
  if (names.empty())
    return fail_at(at, static_cast<uint32_t>(f.size()), "check.no_such_field",
                   fmt::format("{} has no fields, so '.{}' means nothing here", a_type(base), f));
  if (base == Type::kSession) names.push_back("dose_<name>");
  std::string msg = fmt::format("{} has no field '{}'", a_type(base), f);
  if (auto s = closest_match(f, names)) msg += fmt::format(" (did you mean '{}'?)", *s);
  else msg += fmt::format("; its fields are {}", join_alternatives(names, ", "));
  (void)e;
  return fail_at(at, static_cast<uint32_t>(f.size()), "check.no_such_field", std::move(msg));
}

// A literal item number must be one of the instrument's items: item 10 of a 9-item PHQ-9 is
// always unknown, and a safety rule reading it could never fire.
bool ExprChecker::item_in_range(const Expr& instrument, const Expr& number) {
  if (number.kind != Expr::Kind::kLiteral || instrument.symbol < 0) return true;
  const ast::Instrument& i = protocol_.instruments[static_cast<size_t>(instrument.symbol)];
  if (i.items <= 0 || (number.int_value >= 1 && number.int_value <= i.items)) return true;
  fail(number, "check.no_such_item",
       fmt::format("{} has items 1 to {}, not {}", i.label.empty() ? i.name.value : i.label, i.items, number.int_value));
  return false;
}

bool ExprChecker::instrument_arg(Expr& a) {
  if (a.kind == Expr::Kind::kName) {
    auto it = std::find_if(protocol_.instruments.begin(), protocol_.instruments.end(),
                           [&](const ast::Instrument& i) { return i.name.value == a.name; });
    if (it != protocol_.instruments.end()) {
      a.symbol_kind = SymbolKind::kInstrument;
      a.symbol = static_cast<int32_t>(it - protocol_.instruments.begin());
      a.type = Type::kInstrument;
      return true;
    }
    std::vector<std::string_view> names;
    for (const auto& i : protocol_.instruments) names.push_back(i.name.value);
    std::string msg = fmt::format("'{}' is not a declared instrument", a.name);
    if (auto s = closest_match(a.name, names)) msg += fmt::format(" (did you mean '{}'?)", *s);
    else if (!names.empty()) msg += fmt::format("; the protocol declares {}", join_alternatives(names));
    fail(a, "check.unknown_instrument", std::move(msg));
    return false;
  }
  fail(a, "check.type_mismatch", "expected an instrument's name here, like phq9");
  return false;
}

bool ExprChecker::event_or_date_arg(Expr& a, const Scope& scope, std::string_view fn) {
  const Type t = check(a, scope);
  if (t == Type::kError) return false;
  if (t == Type::kDate || is_event(t)) return true;
  fail(a, "check.type_mismatch", fmt::format("{}() needs a date or an event here, but this is {}", fn, a_type(t)));
  return false;
}

Type ExprChecker::call(Expr& e, const Scope& scope) {
  const BuiltinInfo* b = find_builtin(e.name);
  if (!b) {
    std::vector<std::string_view> names;
    for (const BuiltinInfo& x : builtins()) names.push_back(x.name);
    std::string msg = fmt::format("unknown function '{}'", e.name);
    if (auto s = closest_match(e.name, names)) msg += fmt::format(" (did you mean '{}'?)", *s);
    for (Expr& a : e.args) check(a, scope);
    return fail_at(e.pos, static_cast<uint32_t>(e.name.size()), "check.unknown_function", std::move(msg));
  }
  e.symbol_kind = SymbolKind::kFunction;
  e.symbol = static_cast<int32_t>(b - builtins().data());
  if (b->reads_timeline && !scope.timeline)
    return fail_at(e.pos, static_cast<uint32_t>(e.name.size()), "check.timeline_not_available",
                   fmt::format("{}() reads the timeline, which is not available here{}", e.name, scope.event_note));
  const size_t n = e.args.size();
  auto arity = [&](size_t lo, size_t hi) {
    if (n >= lo && n <= hi) return true;
    fail_at(e.pos, static_cast<uint32_t>(e.name.size()), "check.arity",
            fmt::format("{}() takes {} argument{}, not {} — {}", e.name,
                        lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi), lo == 1 && hi == 1 ? "" : "s", n, b->help));
    return false;
  };
  auto arg = [&](size_t i, Type wanted, std::string_view what) {
    const Type t = check(e.args[i], scope);
    if (t == Type::kError) return false;
    if (t == wanted || (wanted == Type::kNumber && t == Type::kInt)) return true;
    fail(e.args[i], "check.type_mismatch", fmt::format("{}() needs {} as {}, but this is {}", e.name, a_type(wanted), what, a_type(t)));
    return false;
  };

  switch (b->id) {
    case Builtin::kLatest:
      if (!arity(1, 2)) return Type::kError;
      if (!instrument_arg(e.args[0])) return Type::kError;
      if (n == 2 && !event_or_date_arg(e.args[1], scope, e.name)) return Type::kError;
      return Type::kAssessment;
    case Builtin::kFirstAfter:
      if (!arity(2, 2) || !instrument_arg(e.args[0]) || !event_or_date_arg(e.args[1], scope, e.name)) return Type::kError;
      return Type::kAssessment;
    case Builtin::kAssessmentCount:
      if (!arity(1, 1) || !instrument_arg(e.args[0])) return Type::kError;
      return Type::kInt;
    case Builtin::kItem: {
      if (!arity(2, 2) || !arg(0, Type::kAssessment, "its first argument") || !arg(1, Type::kInt, "the item number"))
        return Type::kError;
      // item(latest(phq9), n): the instrument is known from the call that found the assessment.
      const Expr& of = e.args[0];
      if (of.kind == Expr::Kind::kCall && !of.args.empty() && of.args[0].type == Type::kInstrument &&
          !item_in_range(of.args[0], e.args[1]))
        return Type::kError;
      return Type::kInt;
    }
    case Builtin::kLatestItem:
    case Builtin::kLatestAnswering:
      if (!arity(2, 2) || !instrument_arg(e.args[0]) || !arg(1, Type::kInt, "the item number")) return Type::kError;
      if (!item_in_range(e.args[0], e.args[1])) return Type::kError;
      return b->id == Builtin::kLatestItem ? Type::kInt : Type::kAssessment;
    case Builtin::kSessionCount:
      if (!arity(0, 1)) return Type::kError;
      if (n == 1 && !event_or_date_arg(e.args[0], scope, e.name)) return Type::kError;
      return Type::kInt;
    case Builtin::kFirstSession:
    case Builtin::kLastSession:
    case Builtin::kPreviousSession:
      if (!arity(0, 0)) return Type::kError;
      return Type::kSession;
    case Builtin::kMissedCount:
      if (!arity(1, 1) || !event_or_date_arg(e.args[0], scope, e.name)) return Type::kError;
      return Type::kInt;
    case Builtin::kLatestObservation:
      if (!arity(1, 1) || !arg(0, Type::kString, "the observation's code")) return Type::kError;
      return Type::kObservation;
    case Builtin::kActive:
      if (!arity(1, 1) || !arg(0, Type::kString, "the condition's code")) return Type::kError;
      return Type::kBool;
    case Builtin::kActiveAmong:
    case Builtin::kRecordedAmong:
      if (!arity(1, 1) || !arg(0, Type::kStringList, "the list of condition codes")) return Type::kError;
      return Type::kStringList;
    case Builtin::kDaysSince:
      if (!arity(1, 1) || !event_or_date_arg(e.args[0], scope, e.name)) return Type::kError;
      return Type::kDuration;
    case Builtin::kAfter:
      if (!arity(2, 2) || !event_or_date_arg(e.args[0], scope, e.name) || !event_or_date_arg(e.args[1], scope, e.name))
        return Type::kError;
      return Type::kBool;
    case Builtin::kMin:
    case Builtin::kMax: {
      if (n < 2) return arity(2, 99), Type::kError;
      Type t = Type::kError;
      for (Expr& a : e.args) {
        const Type at = check(a, scope);
        if (at == Type::kError) return Type::kError;
        if (!is_numeric(at) && at != Type::kDate && at != Type::kDuration)
          return fail(a, "check.type_mismatch", fmt::format("{}() compares numbers, dates or durations, not {}", e.name, a_type(at)));
        if (t != Type::kError && !same_or_numeric(t, at))
          return fail(a, "check.type_mismatch", fmt::format("{}() cannot mix {} and {}", e.name, a_type(t), a_type(at)));
        t = t == Type::kError ? at : (is_numeric(at) ? numeric_result(t, at) : at);
      }
      return t;
    }
    case Builtin::kClamp: {
      if (!arity(3, 3)) return Type::kError;
      Type t = Type::kError;
      for (Expr& a : e.args) {
        const Type at = check(a, scope);
        if (at == Type::kError) return Type::kError;
        if (!is_numeric(at) && at != Type::kDate && at != Type::kDuration)
          return fail(a, "check.type_mismatch", fmt::format("clamp() works on numbers, dates or durations, not {}", a_type(at)));
        if (t != Type::kError && !same_or_numeric(t, at))
          return fail(a, "check.type_mismatch", fmt::format("clamp() cannot mix {} and {}", a_type(t), a_type(at)));
        t = t == Type::kError ? at : (is_numeric(at) ? numeric_result(t, at) : at);
      }
      return t;
    }
    case Builtin::kAbs: {
      if (!arity(1, 1)) return Type::kError;
      const Type t = check(e.args[0], scope);
      if (t == Type::kError) return t;
      if (!is_numeric(t) && t != Type::kDuration)
        return fail(e.args[0], "check.type_mismatch", fmt::format("abs() needs a number or a duration, not {}", a_type(t)));
      return t;
    }
    case Builtin::kRound:
      if (!arity(1, 1) || !arg(0, Type::kNumber, "its argument")) return Type::kError;
      return Type::kInt;
    case Builtin::kDays:
      if (!arity(1, 1) || !arg(0, Type::kDuration, "its argument")) return Type::kError;
      return Type::kInt;
    case Builtin::kKnown:
      if (!arity(1, 1)) return Type::kError;
      return check(e.args[0], scope) == Type::kError ? Type::kError : Type::kBool;
    case Builtin::kCoalesce: {
      if (!arity(2, 2)) return Type::kError;
      const Type a = check(e.args[0], scope), c = check(e.args[1], scope);
      if (a == Type::kError || c == Type::kError) return Type::kError;
      if (!same_or_numeric(a, c))
        return fail(e.args[1], "check.type_mismatch", fmt::format("coalesce() needs two values of one type, not {} and {}", a_type(a), a_type(c)));
      return is_numeric(a) ? numeric_result(a, c) : a;
    }
    case Builtin::kCount:
      if (!arity(1, 1) || !arg(0, Type::kStringList, "its argument")) return Type::kError;
      return Type::kInt;
    case Builtin::kJoin:
      if (!arity(2, 2) || !arg(0, Type::kStringList, "its first argument") || !arg(1, Type::kString, "the separator"))
        return Type::kError;
      return Type::kString;
    case Builtin::kText:  // any value a template can show: so that a sentence can leave out what is unknown
      if (!arity(1, 1)) return Type::kError;
      if (const Type t = check(e.args[0], scope); t == Type::kError) return Type::kError;
      else if (t == Type::kInstrument)
        return fail(e.args[0], "check.type_mismatch", "text() takes a value, not an instrument");
      return Type::kString;
    case Builtin::kPctChange:
      if (!arity(2, 2) || !arg(0, Type::kNumber, "the value before") || !arg(1, Type::kNumber, "the value after"))
        return Type::kError;
      return Type::kNumber;
    case Builtin::kDate: {
      if (!arity(1, 1)) return Type::kError;
      Expr& a = e.args[0];
      if (a.kind != Expr::Kind::kLiteral || a.literal_type != Type::kString)
        return fail(a, "check.type_mismatch", "date() takes a fixed text like '2026-01-05'");
      a.type = Type::kString;
      if (DateParse p = parse_date(a.string_value); !p.value)
        return fail(a, "check.bad_date", fmt::format("'{}' is not a date: {}", a.string_value, p.problem));
      return Type::kDate;
    }
  }
  return Type::kError;
}

Type ExprChecker::binary(Expr& e, const Scope& scope) {
  const std::string& op = e.name;
  const Type a = check(e.args[0], scope);
  const Type b = check(e.args[1], scope);
  if (a == Type::kError || b == Type::kError) return Type::kError;
  auto mismatch = [&](std::string_view verb) {
    return fail(e, "check.type_mismatch", fmt::format("cannot {} {} and {}", verb, a_type(a), a_type(b)));
  };
  if (op == "and" || op == "or") {
    if (a != Type::kBool) return fail(e.args[0], "check.not_boolean", fmt::format("'{}' needs a bool on its left, but this is {}", op, a_type(a)));
    if (b != Type::kBool) return fail(e.args[1], "check.not_boolean", fmt::format("'{}' needs a bool on its right, but this is {}", op, a_type(b)));
    return Type::kBool;
  }
  if (op == "in") {
    if (a != Type::kString || b != Type::kStringList) return mismatch("test membership of");
    return Type::kBool;
  }
  if (op == "==" || op == "!=") {
    if (!same_or_numeric(a, b) || is_event(a) || a == Type::kInstrument || a == Type::kStringList) return mismatch("compare");
    return Type::kBool;
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") {
    const bool ok = (is_numeric(a) && is_numeric(b)) || (a == b && (a == Type::kDate || a == Type::kDuration));
    if (!ok) return mismatch("compare");
    return Type::kBool;
  }
  if (op == "+") {
    if (is_numeric(a) && is_numeric(b)) return numeric_result(a, b);
    if (a == Type::kString && b == Type::kString) return Type::kString;
    if (a == Type::kDate && b == Type::kDuration) return Type::kDate;
    if (a == Type::kDuration && b == Type::kDate) return Type::kDate;
    if (a == Type::kDuration && b == Type::kDuration) return Type::kDuration;
    if (a == Type::kDate && is_numeric(b))
      return fail(e, "check.type_mismatch", "cannot add a number to a date: add a duration (3d), or a number of days as n * 1d");
    return mismatch("add");
  }
  if (op == "-") {
    if (is_numeric(a) && is_numeric(b)) return numeric_result(a, b);
    if (a == Type::kDate && b == Type::kDate) return Type::kDuration;
    if (a == Type::kDate && b == Type::kDuration) return Type::kDate;
    if (a == Type::kDuration && b == Type::kDuration) return Type::kDuration;
    return mismatch("subtract");
  }
  if (op == "*") {
    if (is_numeric(a) && is_numeric(b)) return numeric_result(a, b);
    if ((a == Type::kInt && b == Type::kDuration) || (a == Type::kDuration && b == Type::kInt)) return Type::kDuration;
    return mismatch("multiply");
  }
  if (op == "/") {
    if (is_numeric(a) && is_numeric(b)) return Type::kNumber;
    return mismatch("divide");
  }
  return fail(e, "check.type_mismatch", fmt::format("unknown operator '{}'", op));
}

Type ExprChecker::if_expr(Expr& e, const Scope& scope) {
  const Type c = check(e.args[0], scope);
  if (c != Type::kBool && c != Type::kError)
    fail(e.args[0], "check.not_boolean", fmt::format("the condition of 'if' must be a bool, but this is {}", a_type(c)));
  const bool unknown_yes = is_unknown_literal(e.args[1]), unknown_no = is_unknown_literal(e.args[2]);
  if (unknown_yes && unknown_no) return fail(e, "check.bad_unknown", "both branches are unknown");
  const Type y = unknown_yes ? Type::kError : check(e.args[1], scope);
  const Type n = unknown_no ? Type::kError : check(e.args[2], scope);
  if (unknown_yes) return e.args[1].type = n;
  if (unknown_no) return e.args[2].type = y;
  if (c == Type::kError || y == Type::kError || n == Type::kError) return Type::kError;
  if (!same_or_numeric(y, n))
    return fail(e.args[2], "check.type_mismatch",
                fmt::format("the branches of 'if' must have one type: 'then' gives {}, 'else' gives {}", a_type(y), a_type(n)));
  return is_numeric(y) ? numeric_result(y, n) : y;
}

}  // namespace regimen::check
