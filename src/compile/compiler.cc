// Checked AST → Plan: flatten each expression tree into nodes with resolved indices, intern
// constants and flags, and turn names into indices everywhere.

#include "regimen/compile/compiler.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <stdexcept>

#include "regimen/common/date.h"
#include "regimen/common/json_writer.h"
#include "regimen/load/protocol_loader.h"

namespace regimen {

std::string_view to_string(Action a) {
  switch (a) {
    case Action::kScheduleSession: return "schedule_session";
    case Action::kCollectAssessment: return "collect_assessment";
    case Action::kReview: return "review";
    case Action::kReassess: return "reassess";
    case Action::kSafetyAlert: return "safety_alert";
    case Action::kHold: return "hold";
  }
  return "review";
}

std::string_view to_string(Priority p) {
  switch (p) {
    case Priority::kRoutine: return "routine";
    case Priority::kSoon: return "soon";
    case Priority::kUrgent: return "urgent";
    case Priority::kEmergency: return "emergency";
  }
  return "routine";
}

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::kSession: return "session";
    case EventKind::kMissedSession: return "missed_session";
    case EventKind::kAssessment: return "assessment";
    case EventKind::kObservation: return "observation";
    case EventKind::kDecision: return "decision";
  }
  return "session";
}

std::string_view Plan::name_of(const PlanNode& n) const {
  switch (n.op) {
    case Op::kFact: return facts[static_cast<size_t>(n.index)].name;
    case Op::kParam: return parameters[static_cast<size_t>(n.index)].qualified_name;
    case Op::kState: return state[static_cast<size_t>(n.index)].name;
    default: return "today";
  }
}

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

template <class T, class F>
std::vector<std::string> quote_each(const std::vector<T>& items, F&& text) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(quoted(text(item)));
  return out;
}

QuotedTexts quote_texts(const Plan& p) {
  using Rule = Plan::Rule;
  using Transition = Plan::Transition;
  QuotedTexts q;
  q.rule_id = quote_each(p.rules, [](const Rule& r) -> std::string_view { return r.id; });
  q.rule_location = quote_each(p.rules, [](const Rule& r) -> std::string_view { return r.location; });
  q.rule_when = quote_each(p.rules, [](const Rule& r) {
    return r.when ? std::string_view(r.when->text) : std::string_view("true");
  });
  q.transition_id = quote_each(p.transitions, [](const Transition& t) -> std::string_view { return t.id; });
  q.transition_location = quote_each(p.transitions, [](const Transition& t) -> std::string_view { return t.location; });
  q.transition_when = quote_each(p.transitions, [](const Transition& t) {
    return t.when ? std::string_view(t.when->text) : std::string_view();
  });
  q.citation = quote_each(p.sources, [](const Plan::Source& s) -> std::string_view { return s.citation; });
  q.phase_name = quote_each(p.phases, [](const Plan::Phase& ph) -> std::string_view { return ph.name; });
  q.fact_name = quote_each(p.facts, [](const Plan::Fact& f) -> std::string_view { return f.name; });
  q.param_name = quote_each(p.parameters, [](const Plan::Parameter& x) -> std::string_view { return x.qualified_name; });
  q.state_name = quote_each(p.state, [](const Plan::StateVar& s) -> std::string_view { return s.name; });
  q.today = quoted("today");
  return q;
}

}  // namespace

std::string Plan::where(SourcePos pos) const { return fmt::format("{}:{}:{}", file, pos.line, pos.column); }

namespace {

// A broken invariant between checker and compiler: a bug, reported as an internal error.
[[noreturn]] void invariant(const char* what) { throw std::logic_error(std::string("compiler invariant: ") + what); }

Action action_of(const std::string& s) {
  static const std::map<std::string, Action> kMap = {
      {"schedule_session", Action::kScheduleSession}, {"collect_assessment", Action::kCollectAssessment},
      {"review", Action::kReview}, {"reassess", Action::kReassess}, {"safety_alert", Action::kSafetyAlert},
      {"hold", Action::kHold}};
  auto it = kMap.find(s);
  if (it == kMap.end()) invariant("unknown action");
  return it->second;
}

Priority priority_of(const std::string& s) {
  if (s == "routine") return Priority::kRoutine;
  if (s == "soon") return Priority::kSoon;
  if (s == "urgent") return Priority::kUrgent;
  if (s == "emergency") return Priority::kEmergency;
  invariant("unknown priority");
}

Field field_of(const std::string& f) {
  if (f == "date") return Field::kDate;
  if (f == "route") return Field::kRoute;
  if (f.starts_with("dose_")) return Field::kDose;
  if (f == "score") return Field::kScore;
  if (f == "instrument") return Field::kInstrument;
  if (f == "value") return Field::kValue;
  if (f == "unit") return Field::kUnit;
  if (f == "code") return Field::kCode;
  if (f == "kind") return Field::kKind;
  if (f == "by") return Field::kBy;
  if (f == "note") return Field::kNote;
  invariant("unknown field");
}

Constant constant_of(const ast::Literal& l) {
  Constant c;
  c.type = l.type;
  c.bool_value = l.bool_value;
  c.int_value = l.int_value;
  c.number_value = l.type == Type::kNumber ? l.number_value : static_cast<double>(l.int_value);
  c.string_value = l.string_value;
  c.list_value = l.list_value;
  return c;
}

class Compiler {
 public:
  explicit Compiler(const CheckedProtocol& c) : c_(c), p_(c.ast) {}

  Plan run() {
    plan_.file = p_.file;
    plan_.id = p_.id.value;
    plan_.version = p_.version.value;
    plan_.title = p_.title;
    plan_.description = p_.description;
    for (const ast::Source& s : p_.sources) {
      std::string citation = s.id.value + ": " + s.title;
      if (s.certainty == "unchecked") citation += " (unchecked)";
      plan_.sources.push_back({s.id.value, s.title, s.url, s.note, s.certainty, std::move(citation)});
    }
    std::vector<InstrumentSpec> specs;
    for (const ast::Instrument& i : p_.instruments)
      specs.push_back(InstrumentSpec{i.name.value, i.label, i.min_score, i.max_score, i.items, i.item_min, i.item_max});
    plan_.instruments = InstrumentCatalog(std::move(specs));
    for (const ast::Parameter& prm : p_.parameters) {
      Plan::Parameter out{prm.name.value, prm.type, {}, {}, {}, {}, prm.unit, prm.description, cites(prm.cites),
                          prm.name.pos, "params." + prm.name.value};
      if (prm.default_value) out.default_value = constant_of(*prm.default_value);
      if (prm.min) out.min = constant_of(*prm.min).number_value;
      if (prm.max) out.max = constant_of(*prm.max).number_value;
      if (prm.at_most)
        for (uint32_t i = 0; i < p_.parameters.size(); ++i)
          if (p_.parameters[i].name.value == prm.at_most->value) out.at_most = i;
      plan_.parameters.push_back(std::move(out));
    }
    for (const ast::Fact& f : p_.facts) {
      if (!f.value) invariant("fact without value");
      plan_.facts.push_back({f.name.value, expr(*f.value, f.text.text), f.description, f.when_unknown, f.name.pos});
    }
    plan_.fact_order = c_.fact_order;
    for (const ast::StateVar& s : p_.state) {
      Plan::StateVar out{s.name.value, s.type, {}, s.name.pos};
      if (s.initial) out.initial = expr(*s.initial, s.initial_text->text);
      plan_.state.push_back(std::move(out));
    }
    for (const ast::Phase& ph : p_.phases)
      plan_.phases.push_back({ph.name.value, ph.description, ph.start, ph.terminal, ph.name.pos});
    plan_.start_phase = c_.start_phase;
    collect_flags();
    for (const ast::Transition& t : p_.transitions) plan_.transitions.push_back(transition(t));
    plan_.transitions_by_phase_and_event.assign(p_.phases.size() * Plan::kEventKinds, {});
    for (uint32_t ti = 0; ti < plan_.transitions.size(); ++ti)
      for (uint32_t ph = 0; ph < p_.phases.size(); ++ph)
        if (plan_.transitions[ti].from[ph])
          plan_.transitions_by_phase_and_event[ph * Plan::kEventKinds + static_cast<size_t>(plan_.transitions[ti].on)].push_back(ti);
    for (const ast::Rule& r : p_.rules) plan_.rules.push_back(rule(r));
    plan_.reads_observations =
        std::any_of(plan_.transitions.begin(), plan_.transitions.end(),
                    [](const Plan::Transition& t) { return t.on == EventKind::kObservation; }) ||
        std::any_of(plan_.nodes.begin(), plan_.nodes.end(),
                    [](const PlanNode& n) { return n.op == Op::kCall && n.fn == Builtin::kLatestObservation; });
    plan_.quoted = quote_texts(plan_);
    return std::move(plan_);
  }

 private:
  std::vector<uint32_t> cites(const std::vector<ast::Name>& names) {
    std::vector<uint32_t> out;
    for (const ast::Name& n : names)
      for (uint32_t i = 0; i < p_.sources.size(); ++i)
        if (p_.sources[i].id.value == n.value) out.push_back(i);
    return out;
  }

  std::vector<bool> phase_mask(const std::vector<ast::Name>& names) {
    std::vector<bool> mask(p_.phases.size(), names.empty());
    for (const ast::Name& n : names) {
      if (n.value == "any") std::fill(mask.begin(), mask.end(), true);
      for (uint32_t i = 0; i < p_.phases.size(); ++i)
        if (p_.phases[i].name.value == n.value) mask[i] = true;
    }
    return mask;
  }

  int32_t phase_of(const std::string& name) {
    for (uint32_t i = 0; i < p_.phases.size(); ++i)
      if (p_.phases[i].name.value == name) return static_cast<int32_t>(i);
    invariant("unknown phase");
  }

  void collect_flags() {
    std::vector<std::string> names;
    for (const ast::Rule& r : p_.rules) {
      for (const ast::Name& f : r.flags) names.push_back(f.value);
      if (r.overdue_flag) names.push_back(r.overdue_flag->value);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    plan_.flag_names = std::move(names);
  }

  uint32_t flag(const std::string& name) {
    auto it = std::lower_bound(plan_.flag_names.begin(), plan_.flag_names.end(), name);
    return static_cast<uint32_t>(it - plan_.flag_names.begin());
  }

  CompiledExpr expr(const Expr& e, const std::string& text) {
    CompiledExpr out{node(e), text, e.pos, {}};
    collect_reads(out.root, out.reads);
    return out;
  }

  /// The name nodes under `node`, depth first, leaving out a name already read.
  void collect_reads(uint32_t node, std::vector<uint32_t>& out) const {
    const PlanNode& n = plan_.nodes[node];
    if (n.op == Op::kFact || n.op == Op::kParam || n.op == Op::kState || n.op == Op::kToday) {
      const bool seen = std::any_of(out.begin(), out.end(), [&](uint32_t r) {
        return plan_.nodes[r].op == n.op && plan_.nodes[r].index == n.index;
      });
      if (!seen) out.push_back(node);
      return;
    }
    for (uint16_t i = 0; i < n.arg_count; ++i) collect_reads(plan_.args[n.first_arg + i], out);
  }

  uint32_t add_constant(Constant c) {
    plan_.constants.push_back(std::move(c));
    return static_cast<uint32_t>(plan_.constants.size() - 1);
  }

  // Flattens an expression; returns its node index. Children are compiled first, then their
  // indices are stored contiguously in Plan::args.
  uint32_t node(const Expr& e) {
    PlanNode n;
    n.type = e.type;
    n.pos = e.pos;
    std::vector<uint32_t> children;
    switch (e.kind) {
      case Expr::Kind::kLiteral: {
        n.op = Op::kConst;
        Constant c;
        c.type = e.type;
        c.known = e.literal_type != Type::kError;  // the `unknown` literal
        c.bool_value = e.bool_value;
        c.int_value = e.int_value;
        c.number_value = e.literal_type == Type::kInt ? static_cast<double>(e.int_value) : e.number_value;
        c.string_value = e.string_value;
        n.index = static_cast<int32_t>(add_constant(std::move(c)));
        break;
      }
      case Expr::Kind::kName: return name(e);
      case Expr::Kind::kCall: {
        n.op = Op::kCall;
        n.fn = builtins()[static_cast<size_t>(e.symbol)].id;
        if (n.fn == Builtin::kDate) {  // a fixed date: fold it now
          n.op = Op::kConst;
          Constant c;
          c.type = Type::kDate;
          c.int_value = parse_date(e.args[0].string_value).value->date.days;
          n.index = static_cast<int32_t>(add_constant(std::move(c)));
          break;
        }
        for (const Expr& a : e.args) children.push_back(a.symbol_kind == SymbolKind::kInstrument ? instrument(a) : node(a));
        break;
      }
      case Expr::Kind::kField:
        n.op = Op::kField;
        n.field = field_of(e.name);
        if (n.field == Field::kDose) n.index = static_cast<int32_t>(add_constant(Constant{Type::kString, true, false, 0, 0, e.name, {}}));
        children.push_back(node(e.args[0]));
        break;
      case Expr::Kind::kUnary:
        n.op = e.name == "not" ? Op::kNot : Op::kNeg;
        children.push_back(node(e.args[0]));
        break;
      case Expr::Kind::kBinary: {
        static const std::map<std::string, Op> kOps = {
            {"+", Op::kAdd}, {"-", Op::kSub}, {"*", Op::kMul}, {"/", Op::kDiv}, {"<", Op::kLt}, {"<=", Op::kLe},
            {">", Op::kGt},  {">=", Op::kGe}, {"==", Op::kEq}, {"!=", Op::kNe}, {"in", Op::kIn}, {"and", Op::kAnd},
            {"or", Op::kOr}};
        n.op = kOps.at(e.name);
        children.push_back(node(e.args[0]));
        children.push_back(node(e.args[1]));
        break;
      }
      case Expr::Kind::kIf:
        n.op = Op::kIf;
        for (const Expr& a : e.args) children.push_back(node(a));
        break;
      case Expr::Kind::kList: {
        n.op = Op::kConst;  // lists are lists of literal strings: fold them
        Constant c;
        c.type = Type::kStringList;
        for (const Expr& a : e.args) c.list_value.push_back(a.string_value);
        n.index = static_cast<int32_t>(add_constant(std::move(c)));
        break;
      }
    }
    return push(n, children);
  }

  uint32_t instrument(const Expr& e) {
    PlanNode n;
    n.op = Op::kConst;
    n.type = Type::kInstrument;
    n.pos = e.pos;
    n.index = static_cast<int32_t>(add_constant(Constant{Type::kInstrument, true, false, e.symbol, 0, {}, {}}));
    return push(n, {});
  }

  uint32_t name(const Expr& e) {
    PlanNode n;
    n.pos = e.pos;
    n.index = e.symbol;
    switch (e.symbol_kind) {
      case SymbolKind::kParameter: n.op = Op::kParam; n.type = p_.parameters[e.symbol].type; break;
      case SymbolKind::kFact: n.op = Op::kFact; n.type = p_.facts[e.symbol].value->type; break;
      case SymbolKind::kState: n.op = Op::kState; n.type = p_.state[e.symbol].type; break;
      case SymbolKind::kToday: n.op = Op::kToday; n.type = Type::kDate; break;
      case SymbolKind::kEvent: n.op = Op::kEvent; break;
      case SymbolKind::kInstrument: return instrument(e);
      default: invariant("unresolved name");
    }
    if (n.op == Op::kEvent) n.type = e.fields.empty() ? e.type : Type::kError;  // refined below
    uint32_t current = push(n, {});
    // Trailing fields: series.last.date → field(date, state(series.last))
    for (const std::string& f : e.fields) {
      PlanNode fn;
      fn.op = Op::kField;
      fn.field = field_of(f);
      fn.pos = e.pos;
      if (fn.field == Field::kDose) fn.index = static_cast<int32_t>(add_constant(Constant{Type::kString, true, false, 0, 0, f, {}}));
      current = push(fn, {current});
    }
    plan_.nodes[current].type = e.type;
    return current;
  }

  uint32_t push(PlanNode n, const std::vector<uint32_t>& children) {
    n.first_arg = static_cast<uint32_t>(plan_.args.size());
    n.arg_count = static_cast<uint16_t>(children.size());
    plan_.args.insert(plan_.args.end(), children.begin(), children.end());
    plan_.nodes.push_back(n);
    return static_cast<uint32_t>(plan_.nodes.size() - 1);
  }

  CompiledTemplate templ(const Template& t) {
    CompiledTemplate out;
    out.text = t.source.text;
    for (const Template::Part& part : t.parts) {
      if (part.is_expr) out.parts.push_back(CompiledTemplate::Part{{}, expr(part.expr, part.text)});
      else out.parts.push_back(CompiledTemplate::Part{part.text, std::nullopt});
    }
    return out;
  }

  Plan::Transition transition(const ast::Transition& t) {
    Plan::Transition out;
    out.id = t.id.value;
    out.from = phase_mask(t.from);
    const size_t colon = t.on.value.find(':');
    const std::string kind = t.on.value.substr(0, colon), detail = colon == std::string::npos ? "" : t.on.value.substr(colon + 1);
    if (kind == "session") out.on = EventKind::kSession;
    else if (kind == "missed_session") out.on = EventKind::kMissedSession;
    else if (kind == "assessment") out.on = EventKind::kAssessment;
    else if (kind == "observation") out.on = EventKind::kObservation;
    else out.on = EventKind::kDecision;
    if (out.on == EventKind::kAssessment && !detail.empty())
      for (uint32_t i = 0; i < p_.instruments.size(); ++i)
        if (p_.instruments[i].name.value == detail) out.detail = static_cast<int32_t>(i);
    if (out.on == EventKind::kDecision && !detail.empty())
      out.detail = detail == "start_series" ? 0 : detail == "start_maintenance" ? 1 : 2;
    if (out.on == EventKind::kObservation) out.observation_code = detail;
    out.to = t.to ? phase_of(t.to->value) : -1;
    if (t.when) out.when = expr(*t.when, t.when_text->text);
    for (const ast::Assignment& a : t.set) {
      auto it = std::find_if(p_.state.begin(), p_.state.end(), [&](const ast::StateVar& s) { return s.name.value == a.target.value; });
      out.set.push_back({static_cast<uint32_t>(it - p_.state.begin()), expr(*a.value, a.text.text)});
    }
    if (t.warn) out.warn = templ(*t.warn);
    if (t.explain) out.explain = templ(*t.explain);
    out.cites = cites(t.cites);
    out.description = t.description;
    out.pos = t.id.pos.known() ? t.id.pos : t.pos;
    out.location = plan_.where(out.pos);
    return out;
  }

  Plan::Window window(const ast::Window& w) {
    Plan::Window out{expr(*w.earliest, w.earliest_text.text), expr(*w.latest, w.latest_text.text), {}};
    out.reads = out.earliest.reads;
    auto same_name = [&](uint32_t a, uint32_t b) {
      const PlanNode &x = plan_.nodes[a], &y = plan_.nodes[b];
      return x.op == y.op && (x.op == Op::kToday || x.index == y.index);
    };
    for (uint32_t n : out.latest.reads)
      if (std::none_of(out.reads.begin(), out.reads.end(), [&](uint32_t m) { return same_name(m, n); })) out.reads.push_back(n);
    return out;
  }

  Plan::Rule rule(const ast::Rule& r) {
    Plan::Rule out;
    out.id = r.id.value;
    out.phases = phase_mask(r.phases);
    if (r.when) out.when = expr(*r.when, r.when_text->text);
    if (r.action) out.action = action_of(r.action->value);
    out.priority = priority_of(r.priority.value);
    if (r.window) out.window = window(*r.window);
    for (const ast::Name& f : r.flags) out.flags.push_back(flag(f.value));
    if (r.overdue_flag) out.overdue_flag = flag(r.overdue_flag->value);
    for (const ast::Name& i : r.instruments)
      for (uint32_t k = 0; k < p_.instruments.size(); ++k)
        if (p_.instruments[k].name.value == i.value) out.instruments.push_back(k);
    for (const ast::Name& c : r.checklist) out.checklist.push_back(c.value);
    if (r.summary) out.summary = templ(*r.summary);
    if (r.explain) out.explain = templ(*r.explain);
    out.cites = cites(r.cites);
    out.description = r.description;
    // A rule's place is where its condition starts (else its id): what an auditor looks up.
    out.pos = r.when_text && !r.when_text->positions.empty() ? r.when_text->positions.front()
                                                             : (r.id.pos.known() ? r.id.pos : r.pos);
    out.location = plan_.where(out.pos);
    return out;
  }

  const CheckedProtocol& c_;
  const ast::Protocol& p_;
  Plan plan_;
};

}  // namespace

Plan compile_protocol(const CheckedProtocol& checked) { return Compiler(checked).run(); }

Result<Plan> build_plan(const SourceFile& source) {
  Result<Plan> out;
  Result<ast::Protocol> loaded = load_protocol(source);
  out.diagnostics.append(loaded.diagnostics);
  if (!loaded.ok()) return out;
  // Check even a file that had load errors, so one run reports every mistake; the parts that
  // did not load are absent from the AST and are not reported twice.
  Result<CheckedProtocol> checked = check_protocol(std::move(*loaded.value));
  out.diagnostics.append(checked.diagnostics);
  if (!checked.ok() || out.diagnostics.has_errors()) {
    out.diagnostics.sort_by_position();
    return out;
  }
  // The lint waits until nothing is wrong: on a broken file its warnings would be guesses.
  lint_protocol(*checked.value, out.diagnostics);
  out.diagnostics.sort_by_position();
  out.value = compile_protocol(*checked.value);
  return out;
}

}  // namespace regimen
