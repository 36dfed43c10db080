#include "lint.h"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "conditions.h"
#include "regimen/protocol/expr_text.h"
#include "regimen/protocol/engine_parameters.h"

namespace regimen::check {
namespace {

// Pairs of actions that contradict each other when one evaluation recommends both. Every
// rule that fires adds its recommendation (priority only orders them), so both would be shown.
// A safety_alert, a review and a collect_assessment add to whatever else is recommended; a
// hold or a reassessment says not to give the next session; two schedules give two windows.
struct ActionConflict {
  std::string_view a, b, why;
};
constexpr ActionConflict kConflicts[] = {
    {"schedule_session", "hold", "a session would be scheduled while treatment is on hold"},
    {"schedule_session", "reassess", "a session would be scheduled while the course is to be reassessed instead"},
    {"schedule_session", "schedule_session", "two windows would be given for the next session"},
};

const ActionConflict* conflict_between(const std::string& a, const std::string& b) {
  for (const ActionConflict& c : kConflicts)
    if ((c.a == a && c.b == b) || (c.a == b && c.b == a)) return &c;
  return nullptr;
}

void each_expr(const Expr& e, const auto& visit) {
  visit(e);
  for (const Expr& a : e.args) each_expr(a, visit);
}

void each_expr(const Template& t, const auto& visit) {
  for (const Template::Part& part : t.parts)
    if (part.is_expr) each_expr(part.expr, visit);
}

// A binary node's own position is its operator (where a type error is); a warning about a
// whole comparison or condition underlines all of it, when it is on one line.
uint32_t start_of(const Expr& e) { return e.kind == Expr::Kind::kBinary ? start_of(e.args[0]) : e.offset; }
uint32_t end_of(const Expr& e) {
  if (e.kind == Expr::Kind::kBinary) return end_of(e.args[1]);
  if (e.kind == Expr::Kind::kUnary) return std::max(e.offset + e.length, end_of(e.args[0]));
  return e.offset + e.length;
}

std::pair<SourcePos, size_t> span(const Expr& e, const std::optional<EmbeddedText>& text) {
  if (!text || end_of(e) > text->text.size()) return {e.pos, e.length};
  const uint32_t start = start_of(e), end = end_of(e);
  const SourcePos from = text->at(start), to = text->at(end > start ? end - 1 : start);
  if (!from.known() || from.line != to.line) return {e.pos, e.length};
  return {from, static_cast<size_t>(to.column - from.column + 1)};
}

class Linter {
 public:
  Linter(const ast::Protocol& p, Diagnostics& d) : p_(p), d_(d), conditions_(p) {}

  void run() {
    never_true_rules();
    conflicting_actions();
    unused_parameters();
    phases_without_rules();
  }

 private:
  void warning(SourcePos at, size_t width, std::string code, std::string message) {
    d_.add(Diagnostic{Severity::kWarning, std::move(code), p_.file, at, static_cast<uint32_t>(std::max<size_t>(width, 1)), "",
                      std::move(message)});
  }

  // ---- check.never_true ----
  void never_true_rules() {
    ways_.resize(p_.rules.size());
    never_.assign(p_.rules.size(), false);
    for (size_t i = 0; i < p_.rules.size(); ++i) {
      const ast::Rule& r = p_.rules[i];
      if (!r.when) {
        ways_[i] = Disjunction{Conjunction{}};  // always
        continue;
      }
      ways_[i] = conditions_.when_true(*r.when);
      std::optional<Contradiction> first;
      bool possible = false;
      for (const Conjunction& c : ways_[i]) {
        std::optional<Contradiction> x = conditions_.contradiction(c);
        if (!x) {
          possible = true;
          break;
        }
        if (!first) first = std::move(x);
      }
      if (possible) continue;
      never_[i] = true;
      const auto [when_pos, when_width] = span(*r.when, r.when_text);
      if (!first) {
        warning(when_pos, when_width, "check.never_true",
                fmt::format("rule '{}' can never fire: its condition {} is never true, whatever the patient's data",
                            r.id.value, quote_expr(expr_text(*r.when))));
      } else if (ways_[i].size() == 1) {
        const auto [at, width] = span(*first->at->anchor, r.when_text);
        warning(at, width, "check.never_true",
                fmt::format("rule '{}' can never fire, because {}", r.id.value, first->why));
      } else {
        warning(when_pos, when_width, "check.never_true",
                fmt::format("rule '{}' can never fire: none of the {} ways its condition could be true is possible "
                            "(for one, {})", r.id.value, ways_[i].size(), first->why));
      }
    }
  }

  // ---- check.conflicting_actions ----
  /// The phases both rules apply to, by name; empty when they share none.
  std::vector<std::string> shared_phases(const ast::Rule& a, const ast::Rule& b) const {
    std::vector<std::string> out;
    for (const ast::Phase& ph : p_.phases) {
      auto in = [&](const ast::Rule& r) {
        return r.phases.empty() ||
               std::any_of(r.phases.begin(), r.phases.end(), [&](const ast::Name& n) { return n.value == ph.name.value; });
      };
      if (in(a) && in(b)) out.push_back(ph.name.value);
    }
    return out;
  }

  bool can_fire_together(size_t i, size_t j) {
    for (const Conjunction& x : ways_[i])
      for (const Conjunction& y : ways_[j]) {
        Conjunction both = x;
        both.insert(both.end(), y.begin(), y.end());
        if (!conditions_.contradiction(both)) return true;
      }
    return false;
  }

  void conflicting_actions() {
    for (size_t j = 0; j < p_.rules.size(); ++j) {
      const ast::Rule& later = p_.rules[j];
      if (!later.action || never_[j]) continue;
      for (size_t i = 0; i < j; ++i) {
        const ast::Rule& earlier = p_.rules[i];
        if (!earlier.action || never_[i]) continue;
        const ActionConflict* conflict = conflict_between(earlier.action->value, later.action->value);
        if (!conflict) continue;
        const std::vector<std::string> phases = shared_phases(earlier, later);
        if (phases.empty() || !can_fire_together(i, j)) continue;
        std::string where;
        if (phases.size() == p_.phases.size() && p_.phases.size() > 1) {
          where = "in every phase";
        } else {
          where = phases.size() == 1 ? "in phase " : "in phases ";
          for (size_t k = 0; k < phases.size(); ++k) where += (k ? ", '" : "'") + phases[k] + "'";
        }
        warning(later.id.pos.known() ? later.id.pos : later.pos, count_code_points(later.id.value), "check.conflicting_actions",
                fmt::format("rule '{}' ({}) and rule '{}' ({}, line {}) can fire together {}: {}; if they should not, "
                            "make their conditions exclude each other (for example, add 'not …' of one to the other)",
                            later.id.value, later.action->value, earlier.id.value, earlier.action->value,
                            earlier.id.pos.line, where, conflict->why));
      }
    }
  }

  // ---- check.unused_parameter ----
  void unused_parameters() {
    std::vector<bool> used(p_.parameters.size(), false);
    auto mark = [&](const Expr& e) {
      if (e.symbol_kind == SymbolKind::kParameter && e.symbol >= 0 && static_cast<size_t>(e.symbol) < used.size())
        used[static_cast<size_t>(e.symbol)] = true;
    };
    for (const ast::Fact& f : p_.facts)
      if (f.value) each_expr(*f.value, mark);
    for (const ast::StateVar& s : p_.state)
      if (s.initial) each_expr(*s.initial, mark);
    for (const ast::Transition& t : p_.transitions) {
      if (t.when) each_expr(*t.when, mark);
      for (const ast::Assignment& a : t.set)
        if (a.value) each_expr(*a.value, mark);
      if (t.warn) each_expr(*t.warn, mark);
      if (t.explain) each_expr(*t.explain, mark);
    }
    for (const ast::Rule& r : p_.rules) {
      if (r.when) each_expr(*r.when, mark);
      if (r.window && r.window->earliest) each_expr(*r.window->earliest, mark);
      if (r.window && r.window->latest) each_expr(*r.window->latest, mark);
      if (r.summary) each_expr(*r.summary, mark);
      if (r.explain) each_expr(*r.explain, mark);
    }
    for (size_t i = 0; i < p_.parameters.size(); ++i) {
      const ast::Parameter& prm = p_.parameters[i];
      if (used[i] || is_engine_parameter(prm.name.value)) continue;
      warning(prm.name.pos, count_code_points(prm.name.value), "check.unused_parameter",
              fmt::format("parameter '{}' is never used: no condition, fact, window, transition or text reads "
                          "params.{}, so changing it changes nothing; use it where it applies, or remove it",
                          prm.name.value, prm.name.value));
    }
  }

  // ---- check.phase_without_rules ----
  void phases_without_rules() {
    for (const ast::Phase& ph : p_.phases) {
      if (ph.no_rules) continue;
      const bool covered = std::any_of(p_.rules.begin(), p_.rules.end(), [&](const ast::Rule& r) {
        return r.phases.empty() ||
               std::any_of(r.phases.begin(), r.phases.end(), [&](const ast::Name& n) { return n.value == ph.name.value; });
      });
      if (covered) continue;
      warning(ph.name.pos, count_code_points(ph.name.value), "check.phase_without_rules",
              fmt::format("no rule applies to phase '{}': a patient in it gets no recommendation at all; add a rule "
                          "for it (a rule without 'phase' applies to every phase), or say why with no_rules: \"…\"",
                          ph.name.value));
    }
  }

  const ast::Protocol& p_;
  Diagnostics& d_;
  ConditionAnalyzer conditions_;
  std::vector<Disjunction> ways_;
  std::vector<bool> never_;
};

}  // namespace

void lint_protocol(const ast::Protocol& protocol, Diagnostics& diagnostics) { Linter(protocol, diagnostics).run(); }

}  // namespace regimen::check
