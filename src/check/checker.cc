// The checker's driver: runs the passes listed in checker.h over a loaded protocol.

#include "regimen/check/checker.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <set>

#include "expr_checker.h"
#include "graphs.h"
#include "lint.h"
#include "regimen/common/suggest.h"

namespace regimen {
namespace {

constexpr std::string_view kActions[] = {"schedule_session", "collect_assessment", "review",
                                         "reassess",         "safety_alert",       "hold"};
constexpr std::string_view kPriorities[] = {"routine", "soon", "urgent", "emergency"};
constexpr std::string_view kEventKinds[] = {"session", "missed_session", "assessment", "observation", "decision"};
constexpr std::string_view kDecisionKinds[] = {"start_series", "start_maintenance", "end_treatment"};

// A name: letters, digits, '_' and '-', starting with a letter or '_'; with `dotted`, several
// such segments joined by dots. Ids (never used in expressions) may have segments that start
// with a digit: rule.1.
enum class Digits { kNotFirst, kAllowedAfterDot };
bool is_identifier(std::string_view s, bool dotted, Digits digits = Digits::kNotFirst) {
  if (s.empty()) return false;
  bool start = true, first_segment = true;
  for (char c : s) {
    if (dotted && c == '.') {
      if (start) return false;
      start = true;
      first_segment = false;
      continue;
    }
    const bool digit_ok = digits == Digits::kAllowedAfterDot && !first_segment;
    if (start && !(std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (digit_ok && std::isdigit(static_cast<unsigned char>(c)))))
      return false;
    if (!start && !(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    start = false;
  }
  return !start;
}

bool is_semver(std::string_view v) {
  int parts = 0;
  size_t i = 0;
  while (parts < 3) {
    const size_t start = i;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
    if (i == start || (i - start > 1 && v[start] == '0')) return false;
    ++parts;
    if (parts < 3) {
      if (i >= v.size() || v[i] != '.') return false;
      ++i;
    }
  }
  return i == v.size() || v[i] == '-' || v[i] == '+';  // pre-release / build metadata allowed
}

class Checker {
 public:
  explicit Checker(ast::Protocol& p, Diagnostics& d) : p_(p), d_(d), exprs_(p, d) {}

  CheckedProtocol run() {
    CheckedProtocol out;
    declarations();
    facts(out);
    state();
    const auto start = phases();
    transitions();
    rules();
    out.start_phase = start.value_or(0);
    return out;
  }

 private:
  void error(SourcePos at, std::string code, std::string message, size_t width = 1) {
    d_.add(Diagnostic{Severity::kError, std::move(code), p_.file, at, static_cast<uint32_t>(std::max<size_t>(width, 1)),
                      "", std::move(message)});
  }
  void error_wide(SourcePos at, size_t width, std::string code, std::string message) {
    error(at, std::move(code), std::move(message), width);
  }
  void warning(SourcePos at, std::string code, std::string message, size_t width = 1) {
    d_.add(Diagnostic{Severity::kWarning, std::move(code), p_.file, at, static_cast<uint32_t>(std::max<size_t>(width, 1)),
                      "", std::move(message)});
  }

  /// Reports a name that is not one of `known`, with a suggestion; true when it is known.
  bool one_of(const ast::Name& n, std::span<const std::string_view> known, std::string code, std::string_view what) {
    if (std::find(known.begin(), known.end(), n.value) != known.end()) return true;
    std::string msg = fmt::format("unknown {} '{}'", what, n.value);
    if (auto s = closest_match(n.value, known)) msg += fmt::format(" (did you mean '{}'?)", *s);
    else if (known.empty()) msg += fmt::format("; none is declared");
    else msg += fmt::format("; expected one of: {}", join_alternatives(known, ", "));
    error(n.pos, std::move(code), std::move(msg), count_code_points(n.value));
    return false;
  }

  template <class T, class GetName>
  void unique(const std::vector<T>& items, GetName name_of, std::string_view what) {
    std::vector<const ast::Name*> names;  // in file order, so the later one is reported
    for (const T& item : items) names.push_back(&name_of(item));
    std::stable_sort(names.begin(), names.end(), [](const ast::Name* a, const ast::Name* b) { return a->pos < b->pos; });
    std::map<std::string, SourcePos> seen;
    for (const ast::Name* np : names) {
      const ast::Name& n = *np;
      if (n.value.empty()) continue;
      auto [it, fresh] = seen.emplace(n.value, n.pos);
      if (!fresh)
        error(n.pos, "check.duplicate_id",
              fmt::format("{} '{}' is declared twice (first at line {})", what, n.value, it->second.line), count_code_points(n.value));
    }
  }

  void cites(const std::vector<ast::Name>& names) {
    std::vector<std::string_view> ids;
    for (const ast::Source& s : p_.sources) ids.push_back(s.id.value);
    for (const ast::Name& n : names) one_of(n, ids, "check.unknown_source", "source");
  }

  /// "a session", "an assessment".
  static std::string a_type(Type t) {
    const std::string name(to_string(t));
    return (name.find_first_of("aeiou") == 0 ? "an " : "a ") + name;
  }

  // A name that would take the place of another in expressions (the longest dotted prefix that
  // names something wins): a fact `phq9` would hide the instrument. Why, or empty. (A name that
  // would hide a field is found by names_hiding_fields(), once the facts' types are known.)
  std::string hides(const std::string& name) const {
    for (const ast::Instrument& i : p_.instruments)
      if (i.name.value == name) return "is the name of an instrument";
    return "";
  }

  // ---- declarations ----
  void declarations() {
    if (!p_.id.value.empty() && !is_identifier(p_.id.value, true))
      error(p_.id.pos, "check.bad_id", fmt::format("protocol id '{}' must be letters, digits, '-', '_' and '.'", p_.id.value),
            count_code_points(p_.id.value));
    if (!p_.version.value.empty() && !is_semver(p_.version.value))
      error(p_.version.pos, "check.bad_version",
            fmt::format("version '{}' is not a semantic version like 1.0.0", p_.version.value), count_code_points(p_.version.value));

    unique(p_.sources, [](const ast::Source& s) -> const ast::Name& { return s.id; }, "source");
    unique(p_.instruments, [](const ast::Instrument& s) -> const ast::Name& { return s.name; }, "instrument");
    unique(p_.parameters, [](const ast::Parameter& s) -> const ast::Name& { return s.name; }, "parameter");
    unique(p_.phases, [](const ast::Phase& s) -> const ast::Name& { return s.name; }, "phase");
    unique(p_.transitions, [](const ast::Transition& s) -> const ast::Name& { return s.id; }, "transition");
    unique(p_.rules, [](const ast::Rule& s) -> const ast::Name& { return s.id; }, "rule");
    // Facts and state variables share one namespace.
    std::vector<ast::Name> names;
    for (const ast::Fact& f : p_.facts) names.push_back(f.name);
    for (const ast::StateVar& s : p_.state) names.push_back(s.name);
    unique(names, [](const ast::Name& n) -> const ast::Name& { return n; }, "fact or state variable");

    for (const ast::Name& n : names) {
      if (!is_identifier(n.value, true))
        error(n.pos, "check.bad_name", fmt::format("'{}' is not a valid name: use letters, digits, '_' and dots", n.value), count_code_points(n.value));
      else if (n.value == "today" || n.value == "event" || n.value.starts_with("params.") || n.value.starts_with("today.") ||
               n.value.starts_with("event."))
        error(n.pos, "check.reserved_name", fmt::format("'{}' is reserved by the language", n.value), count_code_points(n.value));
      else if (const std::string hidden = hides(n.value); !hidden.empty())
        error(n.pos, "check.name_hides", fmt::format("'{}' {}: give it another name", n.value, hidden), count_code_points(n.value));
    }

    for (const ast::Instrument& i : p_.instruments) {
      if (i.min_score > i.max_score)
        error(i.pos, "check.bad_range", fmt::format("instrument '{}' has range [{}, {}]: the lowest is above the highest",
                                                    i.name.value, i.min_score, i.max_score));
      if (i.items < 0 || i.item_min > i.item_max)
        error(i.pos, "check.bad_range", fmt::format("instrument '{}' has a bad item count or item range", i.name.value));
      cites(i.cites);
    }
    for (const ast::Parameter& prm : p_.parameters) parameter(prm);
    for (const ast::Parameter& prm : p_.parameters) parameter_order(prm);
  }

  static double numeric(const ast::Literal& l) {
    return l.type == Type::kNumber ? l.number_value : static_cast<double>(l.int_value);
  }

  void parameter(const ast::Parameter& prm) {
    cites(prm.cites);
    if (prm.type == Type::kError) return;
    const bool ordered = prm.type == Type::kInt || prm.type == Type::kNumber || prm.type == Type::kDuration;
    if ((prm.min || prm.max) && !ordered) {
      error(prm.pos, "check.bad_range", fmt::format("parameter '{}' is a {}: only numbers and days have a range",
                                                    prm.name.value, to_string(prm.type)));
      return;
    }
    if (prm.min && prm.max && numeric(*prm.min) > numeric(*prm.max))
      error(prm.min->pos, "check.bad_range", fmt::format("the range of '{}' runs from {} down to {}", prm.name.value,
                                                         numeric(*prm.min), numeric(*prm.max)));
    if (prm.default_value && ordered) {
      const double v = numeric(*prm.default_value);
      const bool below = prm.min && v < numeric(*prm.min), above = prm.max && v > numeric(*prm.max);
      if (below || above)
        error_wide(prm.default_value->pos, prm.default_value->text.size(), "check.default_out_of_range",
              fmt::format("the default {} of '{}' is outside its range [{}, {}]", v, prm.name.value,
                          prm.min ? fmt::format("{}", numeric(*prm.min)) : "…",
                          prm.max ? fmt::format("{}", numeric(*prm.max)) : "…"));
    }
  }

  /// `at_most: other`: the other is a parameter of the same ordered type, and the defaults keep
  /// the order (overrides are checked against it when they are applied).
  void parameter_order(const ast::Parameter& prm) {
    if (!prm.at_most || prm.type == Type::kError) return;
    const ast::Name& other_name = *prm.at_most;
    std::vector<std::string_view> names;
    for (const ast::Parameter& q : p_.parameters)
      if (&q != &prm) names.push_back(q.name.value);
    if (!one_of(other_name, names, "check.unknown_name", "parameter")) return;
    const ast::Parameter& other = *std::find_if(p_.parameters.begin(), p_.parameters.end(),
                                                [&](const ast::Parameter& q) { return q.name.value == other_name.value; });
    const bool ordered = prm.type == Type::kInt || prm.type == Type::kNumber || prm.type == Type::kDuration;
    const bool comparable = prm.type == other.type || (prm.type != Type::kDuration && other.type != Type::kDuration &&
                                                       (other.type == Type::kInt || other.type == Type::kNumber));
    if (!ordered || !comparable) {
      error(other_name.pos, "check.type_mismatch",
            fmt::format("'{}' ({}) cannot be at most '{}' ({}): both must be numbers, or both days", prm.name.value,
                        to_string(prm.type), other.name.value, to_string(other.type)),
            count_code_points(other_name.value));
      return;
    }
    if (prm.default_value && other.default_value && numeric(*prm.default_value) > numeric(*other.default_value))
      error_wide(prm.default_value->pos, prm.default_value->text.size(), "check.default_out_of_range",
                 fmt::format("the default {} of '{}' is more than the default {} of '{}', which it must be at most",
                             numeric(*prm.default_value), prm.name.value, numeric(*other.default_value), other.name.value));
  }

  // ---- facts: dependency order first, so each fact is checked after the facts it reads ----
  void facts(CheckedProtocol& out) {
    const auto refs = check::fact_references(p_);
    check::FactOrder order = check::order_facts(refs);
    for (const auto& cycle : order.cycles) {
      std::string path;
      for (uint32_t f : cycle) path += p_.facts[f].name.value + " → ";
      path += p_.facts[cycle.front()].name.value;
      const ast::Fact& first = p_.facts[cycle.front()];
      error(first.name.pos, "check.fact_cycle",
            cycle.size() == 1 ? fmt::format("fact '{}' is defined in terms of itself", first.name.value)
                              : fmt::format("facts depend on each other in a cycle: {}", path),
            count_code_points(first.name.value));
    }
    const check::Scope scope{Type::kError, " (facts are evaluated outside transitions)"};
    for (uint32_t f : order.order) {
      ast::Fact& fact = p_.facts[f];
      if (!fact.value) continue;
      const Type t = exprs_.check(*fact.value, scope);
      (void)exprs_.take_fact_uses();
      if (t == Type::kInstrument)
        error(fact.value->pos, "check.type_mismatch", "a fact cannot be an instrument: name it where it is used");
    }
    out.fact_order = std::move(order.order);
    out.fact_uses = refs;
    names_hiding_fields();
  }

  /// A fact or state variable named like a field of a fact or state variable that holds an event
  /// (`x.last.date` beside a session-typed `x.last`) would be read in place of that field. Run
  /// once the facts' types are known (a state variable's is declared).
  void names_hiding_fields() {
    auto holder = [&](const std::string& prefix) -> std::pair<Type, const char*> {
      for (const ast::StateVar& v : p_.state)
        if (v.name.value == prefix) return {v.type, "state variable"};
      for (const ast::Fact& f : p_.facts)
        if (f.name.value == prefix && f.value) return {f.value->type, "fact"};
      return {Type::kError, ""};
    };
    auto check = [&](const ast::Name& n) {
      for (size_t dot = n.value.find('.'); dot != std::string::npos; dot = n.value.find('.', dot + 1)) {
        const std::string prefix = n.value.substr(0, dot);
        const auto [type, kind] = holder(prefix);
        const size_t next = n.value.find('.', dot + 1);
        const std::string field = n.value.substr(dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
        if (type == Type::kError || !exprs_.field_exists(type, field)) continue;
        error(n.pos, "check.name_hides",
              fmt::format("'{}' would hide the field '{}' of the {} '{}' ({}): give it another name", n.value, field, kind,
                          prefix, a_type(type)),
              count_code_points(n.value));
        return;
      }
    };
    for (const ast::Fact& f : p_.facts) check(f.name);
    for (const ast::StateVar& v : p_.state) check(v.name);
  }

  void state() {
    check::Scope scope{Type::kError, " (a state variable's initial value is set before any event)"};
    scope.timeline = false;
    for (ast::StateVar& s : p_.state)
      if (s.initial && s.type != Type::kError)
        exprs_.expect(*s.initial, s.type, scope, fmt::format("the initial value of '{}'", s.name.value));
  }

  // ---- phases ----
  std::optional<uint32_t> phases() {
    if (p_.phases.empty()) {
      error(p_.pos, "check.no_phases", "a protocol needs at least one phase");
      return std::nullopt;
    }
    std::vector<uint32_t> starts;
    for (uint32_t i = 0; i < p_.phases.size(); ++i)
      if (p_.phases[i].start) starts.push_back(i);
    if (starts.empty()) {
      error(p_.phases.front().pos, "check.no_start_phase",
            "no phase is marked 'start: true': say which phase a new patient begins in");
      return std::nullopt;
    }
    for (size_t i = 1; i < starts.size(); ++i)
      error(p_.phases[starts[i]].pos, "check.two_start_phases",
            fmt::format("phase '{}' is marked start, but so is '{}': only one phase can be the start",
                        p_.phases[starts[i]].name.value, p_.phases[starts[0]].name.value));
    const uint32_t start = starts.front();
    // A transition that names a missing phase (reported with the transition) would make the
    // graph checks report its consequences — unreachable phases, dead ends — before its cause.
    for (const ast::Transition& t : p_.transitions) {
      if (t.to && !check::phase_index(p_, t.to->value)) return start;
      for (const ast::Name& f : t.from)
        if (f.value != "any" && !check::phase_index(p_, f.value)) return start;
    }
    const auto reachable = check::reachable_phases(p_, start);
    const auto exits = check::phases_with_exit(p_);
    for (uint32_t i = 0; i < p_.phases.size(); ++i) {
      const ast::Phase& ph = p_.phases[i];
      if (!reachable[i])
        error(ph.name.pos, "check.unreachable_phase",
              fmt::format("phase '{}' cannot be reached from the start phase '{}': no chain of transitions leads to it",
                          ph.name.value, p_.phases[start].name.value), count_code_points(ph.name.value));
      if (!exits[i] && !ph.terminal)
        error(ph.name.pos, "check.dead_end_phase",
              fmt::format("phase '{}' has no transition out of it: add one, or mark it 'terminal: true' if the course "
                          "may end here", ph.name.value), count_code_points(ph.name.value));
    }
    return start;
  }

  bool phase_exists(const ast::Name& n) {
    std::vector<std::string_view> names;
    for (const ast::Phase& ph : p_.phases) names.push_back(ph.name.value);
    return one_of(n, names, "check.unknown_phase", "phase");
  }

  // ---- transitions ----
  // The type of `event` for an `on:` value, or kError (reported) when it names nothing.
  Type event_type(const ast::Name& on) {
    if (on.value.empty()) return Type::kError;  // a missing `on:` is reported by the loader
    const size_t colon = on.value.find(':');
    const std::string kind = on.value.substr(0, colon);
    const std::string detail = colon == std::string::npos ? "" : on.value.substr(colon + 1);
    if (!one_of(ast::Name{kind, on.pos}, kEventKinds, "check.unknown_event", "event kind")) return Type::kError;
    if (kind == "assessment" && !detail.empty()) {
      std::vector<std::string_view> names;
      for (const ast::Instrument& i : p_.instruments) names.push_back(i.name.value);
      SourcePos at = on.pos;
      at.column += static_cast<uint32_t>(colon + 1);
      if (!one_of(ast::Name{detail, at}, names, "check.unknown_instrument", "instrument")) return Type::kError;
    }
    if (kind == "decision" && !detail.empty()) {
      SourcePos at = on.pos;
      at.column += static_cast<uint32_t>(colon + 1);
      if (!one_of(ast::Name{detail, at}, kDecisionKinds, "check.unknown_decision", "decision kind")) return Type::kError;
    }
    if ((kind == "session" || kind == "missed_session") && !detail.empty()) {
      error(on.pos, "check.unknown_event", fmt::format("'{}' takes no ':detail'", kind), count_code_points(on.value));
      return Type::kError;
    }
    if (kind == "session" || kind == "missed_session") return Type::kSession;
    if (kind == "assessment") return Type::kAssessment;
    if (kind == "observation") return Type::kObservation;
    return Type::kDecision;
  }

  void transitions() {
    for (ast::Transition& t : p_.transitions) {
      if (!t.id.value.empty() && !is_identifier(t.id.value, true, Digits::kAllowedAfterDot))
        error(t.id.pos, "check.bad_id", fmt::format("transition id '{}' must be a dotted name", t.id.value), count_code_points(t.id.value));
      for (const ast::Name& from : t.from)
        if (from.value != "any") phase_exists(from);
      if (t.to) phase_exists(*t.to);
      const Type ev = event_type(t.on);
      // An `on:` that names nothing leaves `event` of no known type: its uses raise no errors of their own.
      check::Scope scope{ev, ""};
      scope.event_unknown = ev == Type::kError;
      if (t.when) exprs_.expect(*t.when, Type::kBool, scope, "a transition's condition", /*may_be_unknown=*/false);
      for (ast::Assignment& a : t.set) {
        auto it = std::find_if(p_.state.begin(), p_.state.end(), [&](const ast::StateVar& s) { return s.name.value == a.target.value; });
        if (it == p_.state.end()) {
          std::vector<std::string_view> names;
          for (const ast::StateVar& s : p_.state) names.push_back(s.name.value);
          std::string msg = fmt::format("'{}' is not a state variable, so it cannot be set", a.target.value);
          if (auto s = closest_match(a.target.value, names)) msg += fmt::format(" (did you mean '{}'?)", *s);
          else msg += "; declare it under 'state:'";
          error(a.target.pos, "check.unknown_state", std::move(msg), count_code_points(a.target.value));
          if (a.value) exprs_.check(*a.value, scope);
          continue;
        }
        if (a.value && it->type != Type::kError)
          exprs_.expect(*a.value, it->type, scope, fmt::format("the value set to '{}'", a.target.value));
      }
      if (t.warn) template_parts(*t.warn, scope);
      if (t.explain) template_parts(*t.explain, scope);
      if (!t.to && t.set.empty() && !t.warn)
        error(t.pos, "check.empty_transition",
              fmt::format("transition '{}' does nothing: give it a 'to', a 'set' or a 'warn'", t.id.value));
      cites(t.cites);
      (void)exprs_.take_fact_uses();
    }
  }

  void template_parts(Template& t, const check::Scope& scope) {
    for (Template::Part& part : t.parts) {
      if (!part.is_expr) continue;
      const Type ty = exprs_.check(part.expr, scope);
      if (ty == Type::kInstrument || is_event(ty))
        error(part.expr.pos, "check.type_mismatch",
              fmt::format("{} cannot be shown in a text: show one of its fields, like .date", check::a_type(ty)),
              part.expr.length);
    }
  }

  // ---- rules ----
  void rules() {
    const check::Scope scope{Type::kError, " (rules are evaluated on the day of evaluation, not on an event)"};
    std::vector<std::string_view> instrument_names;
    for (const ast::Instrument& i : p_.instruments) instrument_names.push_back(i.name.value);
    for (ast::Rule& r : p_.rules) {
      if (!r.id.value.empty() && !is_identifier(r.id.value, true, Digits::kAllowedAfterDot))
        error(r.id.pos, "check.bad_id", fmt::format("rule id '{}' must be a dotted name", r.id.value), count_code_points(r.id.value));
      for (const ast::Name& ph : r.phases) phase_exists(ph);
      if (r.when) exprs_.expect(*r.when, Type::kBool, scope, "a rule's condition", /*may_be_unknown=*/false);
      const bool has_action = r.action && one_of(*r.action, kActions, "check.unknown_action", "action");
      one_of(r.priority, kPriorities, "check.unknown_priority", "priority");
      if (!r.action && r.flags.empty() && !r.explain)
        error(r.id.pos.known() ? r.id.pos : r.pos, "check.rule_does_nothing",
              fmt::format("rule '{}' has no action, no flags and no explain note", r.id.value), count_code_points(r.id.value));
      if (r.window) {
        if (r.window->earliest) exprs_.expect(*r.window->earliest, Type::kDate, scope, "a window's earliest day");
        if (r.window->latest) exprs_.expect(*r.window->latest, Type::kDate, scope, "a window's latest day");
      }
      if (has_action && r.action->value == "schedule_session" && !r.window)
        error(r.action->pos, "check.missing_window", fmt::format("rule '{}' schedules a session but gives no window: "
                                                                 "add window: {{earliest: …, latest: …}}", r.id.value),
              count_code_points(r.action->value));
      if (r.overdue_flag && !r.window)
        error(r.overdue_flag->pos, "check.missing_window", "an overdue_flag needs a window to be overdue");
      if (has_action && r.action->value == "collect_assessment" && r.instruments.empty())
        error(r.action->pos, "check.missing_instruments",
              fmt::format("rule '{}' collects an assessment but names no instruments", r.id.value), count_code_points(r.action->value));
      for (const ast::Name& i : r.instruments) one_of(i, instrument_names, "check.unknown_instrument", "instrument");
      if (has_action && r.action->value == "reassess" && r.checklist.empty())
        error(r.action->pos, "check.missing_checklist", fmt::format("rule '{}' asks for reassessment with no checklist", r.id.value),
              count_code_points(r.action->value));
      for (const ast::Name& f : r.flags)
        if (!is_identifier(f.value, false))
          error(f.pos, "check.bad_name", fmt::format("flag '{}' must be a name of letters, digits and '_'", f.value), count_code_points(f.value));
      if (r.explain) template_parts(*r.explain, scope);
      if (r.summary) template_parts(*r.summary, scope);
      else if (r.action && !r.summary_written) error(r.action->pos, "check.missing_summary", fmt::format("rule '{}' recommends an action but has no summary", r.id.value));
      if (r.cites.empty())
        warning(r.id.pos.known() ? r.id.pos : r.pos, "check.no_citation",
                fmt::format("rule '{}' cites no source: say where it comes from with cites: [...]", r.id.value),
                count_code_points(r.id.value));
      cites(r.cites);
      (void)exprs_.take_fact_uses();
    }
  }

  ast::Protocol& p_;
  Diagnostics& d_;
  check::ExprChecker exprs_;
};

}  // namespace

Result<CheckedProtocol> check_protocol(ast::Protocol protocol) {
  Result<CheckedProtocol> r;
  Checker checker(protocol, r.diagnostics);
  CheckedProtocol checked = checker.run();
  r.diagnostics.sort_by_position();
  if (r.diagnostics.has_errors()) return r;
  checked.ast = std::move(protocol);
  r.value = std::move(checked);
  return r;
}

void lint_protocol(const CheckedProtocol& checked, Diagnostics& diagnostics) {
  check::lint_protocol(checked.ast, diagnostics);
  diagnostics.sort_by_position();
}

}  // namespace regimen
