#include "regimen/explain/quoted_plan.h"

#include "regimen/common/json_writer.h"

namespace regimen {
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

}  // namespace

QuotedPlan::QuotedPlan(const Plan& p) : plan(&p), today(quoted("today")) {
  using Rule = Plan::Rule;
  using Transition = Plan::Transition;
  rule_id = quote_each(p.rules, [](const Rule& r) -> std::string_view { return r.id; });
  rule_location = quote_each(p.rules, [](const Rule& r) -> std::string_view { return r.location; });
  rule_when = quote_each(p.rules, [](const Rule& r) -> std::string_view { return r.when ? std::string_view(r.when->text) : std::string_view("true"); });
  transition_id = quote_each(p.transitions, [](const Transition& t) -> std::string_view { return t.id; });
  transition_location = quote_each(p.transitions, [](const Transition& t) -> std::string_view { return t.location; });
  transition_when =
      quote_each(p.transitions, [](const Transition& t) -> std::string_view { return t.when ? std::string_view(t.when->text) : std::string_view(); });
  citation = quote_each(p.sources, [](const Plan::Source& s) -> std::string_view { return s.citation; });
  phase_name = quote_each(p.phases, [](const Plan::Phase& ph) -> std::string_view { return ph.name; });
  fact_name = quote_each(p.facts, [](const Plan::Fact& f) -> std::string_view { return f.name; });
  param_name = quote_each(p.parameters, [](const Plan::Parameter& x) -> std::string_view { return x.qualified_name; });
  state_name = quote_each(p.state, [](const Plan::StateVar& s) -> std::string_view { return s.name; });
}

std::string_view QuotedPlan::name_of(const PlanNode& n) const {
  switch (n.op) {
    case Op::kFact: return fact_name[static_cast<size_t>(n.index)];
    case Op::kParam: return param_name[static_cast<size_t>(n.index)];
    case Op::kState: return state_name[static_cast<size_t>(n.index)];
    default: return today;
  }
}

}  // namespace regimen
