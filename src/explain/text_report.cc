// Text for people: the answer first, in an 80-column terminal; colour only when asked for.

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "regimen/common/utf8.h"
#include "regimen/explain/report.h"
#include "text_parts.h"

namespace regimen {
namespace text_parts {

// Wraps `text` to kWidth columns: the first line starts with `indent`, the others with
// `indent` plus `hang` more spaces (so a "- " bullet's text lines up).
std::string wrap(std::string_view text_in, std::string_view indent, size_t hang) {
  // Summaries and explanations may carry text from the timeline (a clinician's name, a code):
  // shown as a terminal can show it, like every other field meant for a person.
  const std::string shown = printable(text_in);
  const std::string_view text = shown;
  std::string out, line(indent);
  const std::string rest = std::string(indent) + std::string(hang, ' ');
  size_t start = indent.size();
  size_t i = 0;
  while (i < text.size()) {
    const size_t space = text.find(' ', i);
    const std::string_view word = text.substr(i, space == std::string_view::npos ? std::string_view::npos : space - i);
    if (line.size() > start && count_code_points(line) + 1 + count_code_points(word) > kWidth) {
      out += line;
      out += '\n';
      line = rest;
      start = rest.size();
    }
    if (line.size() > start) line += ' ';
    line += word;
    if (space == std::string_view::npos) break;
    i = space + 1;
  }
  if (line.size() > start) {
    out += line;
    out += '\n';
  }
  return out;
}

// A "- " bullet: continuation lines line up with the text after the dash.
std::string bullet(std::string_view text, std::string_view indent) { return wrap(fmt::format("- {}", text), indent, 2); }

std::string action_words(Action a) {
  switch (a) {
    case Action::kScheduleSession: return "Schedule a session";
    case Action::kCollectAssessment: return "Collect an assessment";
    case Action::kReview: return "Clinician review";
    case Action::kReassess: return "Reassess";
    case Action::kSafetyAlert: return "SAFETY ALERT";
    case Action::kHold: return "Hold";
  }
  return "Review";
}

}  // namespace text_parts

namespace {

using text_parts::action_words;
using text_parts::bullet;
using text_parts::wrap;

struct Style {
  bool on;
  std::string bold(std::string_view s) const { return on ? fmt::format("\033[1m{}\033[0m", s) : std::string(s); }
  std::string dim(std::string_view s) const { return on ? fmt::format("\033[2m{}\033[0m", s) : std::string(s); }
  std::string priority(Priority p, std::string_view s) const {
    if (!on) return std::string(s);
    switch (p) {
      case Priority::kEmergency: return fmt::format("\033[1;41;97m{}\033[0m", s);
      case Priority::kUrgent: return fmt::format("\033[1;31m{}\033[0m", s);
      case Priority::kSoon: return fmt::format("\033[1;33m{}\033[0m", s);
      default: return std::string(s);
    }
  }
};

}  // namespace

std::string protocol_line(const Plan& plan, const ReportInfo& info) {
  std::string out = fmt::format("Protocol {} {}, {}", plan.id, plan.version, plan.file);
  if (!info.protocol_sha256.empty()) out += fmt::format(", sha256 {}…", info.protocol_sha256.substr(0, 12));
  return out;
}

namespace {

std::string answer(const Plan& plan, const Evaluation& e, const ReportInfo& info, const Style& st) {
  std::string out;
  out += st.bold(fmt::format("Patient {} on {}: phase {}", printable(e.patient_id), e.as_of.to_string(), plan.phases[e.phase].name));
  out += "\n";
  out += st.dim(protocol_line(plan, info)) + "\n\n";
  if (e.recommendations.empty()) {
    // The phase's own description says why (for the ketamine protocol's `ended`: only the safety
    // rule still applies).
    const std::string& why = plan.phases[e.phase].description;
    out += why.empty() ? std::string("No recommendation today.\n") : fmt::format("No recommendation today (phase {}: {}).\n", plan.phases[e.phase].name, why);
  } else {
    out += st.bold("What to do") + "\n";
    int n = 0;
    for (const Recommendation& r : e.recommendations) {
      std::string head = fmt::format("{}. {} ({})", ++n, action_words(r.action), to_string(r.priority));
      if (r.window) {
        head += r.window->earliest == r.window->latest
                    ? fmt::format(", on {}", r.window->earliest.to_string())
                    : fmt::format(", {} to {}", r.window->earliest.to_string(), r.window->latest.to_string());
        if (r.window->overdue) head += ", OVERDUE";
        // The window as the summary may give it opened earlier: say since when, so that the two agree.
        else if (r.window->days_open > 0)
          head += fmt::format(" (open since {})", (r.window->earliest - r.window->days_open).to_string());
      }
      out += "  " + st.priority(r.priority, head) + "\n";
      out += wrap(r.summary, "     ");
      if (!r.instruments.empty()) {
        std::string list;
        for (const std::string& i : r.instruments) {
          if (!list.empty()) list += ", ";
          list += i;
        }
        out += wrap("Instruments: " + list, "     ");
      }
      if (!r.checklist.empty()) {
        out += "     Checklist:\n";
        for (const std::string& c : r.checklist) out += "       [ ] " + c + "\n";
      }
      const Plan::Rule& rule = plan.rules[r.rule];
      out += st.dim(fmt::format("     rule {}, {}", rule.id, plan.where(rule.pos))) + "\n";
    }
  }
  out += "\n";
  std::string flags;
  for (const std::string& f : e.flags) {
    if (!flags.empty()) flags += ", ";
    flags += f;
  }
  out += wrap("Flags: " + (flags.empty() ? std::string("none") : flags), "");
  // Each instrument's baseline, latest score and change, where the protocol computes them (the
  // spec shows GAD-7's beside PHQ-9's, though no rule reads it).
  auto fact = [&](const std::string& name) -> const Value* {
    for (const auto& [index, value] : e.facts)
      if (plan.facts[index].name == name) return value.known ? &value : nullptr;
    return nullptr;
  };
  std::string scores;
  for (const InstrumentSpec& spec : plan.instruments.specs()) {
    const Value* latest = fact(spec.name + ".latest");
    if (!latest) continue;
    if (!scores.empty()) scores += "; ";
    scores += spec.label + " ";
    if (const Value* baseline = fact(spec.name + ".baseline")) {
      scores += format_value(*baseline, e) + " at baseline, " + format_value(*latest, e) + " latest";
      // Rounded as the protocol's round() does, halves away from zero (fmt's {:.0f} rounds them to even).
      if (const Value* change = fact(spec.name + ".change")) scores += fmt::format(" ({:+d} %)", std::lround(change->as_number()));
    } else {
      scores += format_value(*latest, e) + " latest (no baseline)";
    }
  }
  if (!scores.empty()) out += wrap("Scores: " + scores, "");
  const size_t warnings = info.input_warnings.size() + e.warnings.size();
  if (warnings > 0) {
    out += "Warnings:\n";
    for (const Diagnostic& d : info.input_warnings) out += bullet(d.message, "  ");
    for (const EvaluationWarning& w : e.warnings) out += bullet(w.message, "  ");
  }
  if (e.ignored_events > 0)
    out += fmt::format("{} event{} dated after {} {} ignored.\n", e.ignored_events, e.ignored_events == 1 ? "" : "s",
                       e.as_of.to_string(), e.ignored_events == 1 ? "was" : "were");
  return out;
}

// A blank line, then a bold heading. (Written as appends: GCC 12 reports a false -Wrestrict on
// `"literal" + std::string`.)
void heading(std::string& out, const Style& st, std::string_view title) {
  out += '\n';
  out += st.bold(title);
  out += '\n';
}

// The facts the fired rules read, each with its definition and the values it read in turn, down
// the chain (each fact once): "maintenance.worsening = true" then why it is true.
void facts_behind(const Plan& plan, const Evaluation& e, const std::vector<const TraceEntry*>& fired, std::string& out,
                  const Style& st) {
  std::vector<uint32_t> queue;
  auto add_facts = [&](std::span<const uint32_t> nodes) {
    for (uint32_t nd : nodes) {
      const PlanNode& n = plan.nodes[nd];
      if (n.op == Op::kFact && std::find(queue.begin(), queue.end(), static_cast<uint32_t>(n.index)) == queue.end())
        queue.push_back(static_cast<uint32_t>(n.index));
    }
  };
  for (const TraceEntry* t : fired) {
    for (const NamedValue& v : t->values) add_facts(std::span(&v.node, 1));
    for (const NamedValue& v : t->window_values) add_facts(std::span(&v.node, 1));
  }
  if (queue.empty()) return;
  auto fact_value = [&](uint32_t f) -> const Value* {
    for (const auto& [index, value] : e.facts)
      if (index == f) return &value;
    return nullptr;
  };
  heading(out, st, "The facts behind them");
  constexpr size_t kMost = 40;  // a long chain is cut, not printed whole
  for (size_t i = 0; i < queue.size() && i < kMost; ++i) {
    const Plan::Fact& f = plan.facts[queue[i]];
    const Value* v = fact_value(queue[i]);
    std::string line = fmt::format("{} = {}: {}", f.name, v ? format_value(*v, e) : std::string("?"), f.value.text);
    // What it read, as a trace entry shows the values a condition read (state is not kept).
    std::vector<NamedValue> read;
    for (uint32_t nd : f.value.reads) {
      const PlanNode& n = plan.nodes[nd];
      if (n.op == Op::kFact) {
        const Value* x = fact_value(static_cast<uint32_t>(n.index));
        read.push_back({plan.facts[n.index].name, x ? *x : Value::unknown(n.type), nd});
      } else if (n.op == Op::kParam && static_cast<size_t>(n.index) < e.parameters.size()) {
        read.push_back({plan.parameters[n.index].qualified_name, e.parameters[n.index], nd});
      } else if (n.op == Op::kToday) {
        read.push_back({"today", Value::date(e.as_of.days), nd});
      }
    }
    out += bullet(line, "  ");
    if (!read.empty()) out += st.dim(wrap("with " + format_values(read, e), "    "));
    add_facts(f.value.reads);
  }
  if (queue.size() > kMost) out += fmt::format("  … and {} more (the JSON output has every fact)\n", queue.size() - kMost);
}

}  // namespace

std::string to_text(const Plan& plan, const Evaluation& e, const ReportInfo& info) {
  return answer(plan, e, info, Style{info.color});
}

std::string explain_text(const Plan& plan, const Evaluation& e, const ReportInfo& info) {
  const Style st{info.color};
  std::string out = answer(plan, e, info, st);

  heading(out, st, "How the course got here");
  bool any = false;
  for (const HistoryEntry& h : e.history) {
    if (h.from_phase == h.to_phase && h.explanation.empty()) continue;  // bookkeeping, not a step
    any = true;
    const Plan::Transition& t = plan.transitions[h.transition];
    const EventRef& ev = e.events[h.event];
    std::string line = h.from_phase == h.to_phase
                           ? fmt::format("{}: {}", ev.date.to_string(), h.explanation)
                           : fmt::format("{}: {} moved the course from {} to {}.", ev.date.to_string(),
                                         format_value(Value::event(Type::kSession, h.event), e),
                                         plan.phases[h.from_phase].name, plan.phases[h.to_phase].name);
    if (h.from_phase != h.to_phase && !h.explanation.empty()) line += " " + h.explanation;
    out += bullet(line, "  ");
    std::string because = fmt::format("({}, {}", t.id, plan.where(t.pos));
    if (t.when) because += fmt::format(": {} with {}", t.when->text, format_values(h.values, e));
    out += st.dim(wrap(because + ")", "    "));
  }
  if (!any) out += fmt::format("  The course is still in its first phase, {}.\n", plan.phases[e.phase].name);

  heading(out, st, "Why");
  std::vector<const TraceEntry*> fired, not_fired;
  for (const TraceEntry& t : e.trace) (t.result == Outcome::kTrue ? fired : not_fired).push_back(&t);
  if (fired.empty()) out += "  No rule fired.\n";
  for (const TraceEntry* t : fired) {
    const Plan::Rule& r = plan.rules[t->rule];
    out += bullet(fmt::format("{} ({}) fired: {}", r.id, plan.where(r.pos), r.when ? r.when->text : std::string("it has no condition")), "  ");
    if (!t->values.empty()) out += wrap("with " + format_values(t->values, e), "    ");
    if (r.window && !t->window_values.empty())
      out += wrap(fmt::format("window from {} to {}, with {}", r.window->earliest.text, r.window->latest.text,
                              format_values(t->window_values, e)),
                  "    ");
    if (!t->explanation.empty()) out += wrap(t->explanation, "    ");
  }

  facts_behind(plan, e, fired, out, st);

  std::vector<std::string> missing;
  for (const TraceEntry* t : not_fired)
    for (const std::string& m : t->missing)
      if (std::find(missing.begin(), missing.end(), m) == missing.end()) missing.push_back(m);
  if (!missing.empty()) {
    heading(out, st, "Missing or unknown");
    for (const std::string& m : missing) out += bullet(m, "  ");
  }

  if (!not_fired.empty()) {
    heading(out, st, "Rules considered that did not fire");
    for (const TraceEntry* t : not_fired) {
      const Plan::Rule& r = plan.rules[t->rule];
      const std::string verdict = t->result == Outcome::kFalse ? "false" : "not evaluated (data missing)";
      out += bullet(fmt::format("{} ({}): {} is {}", r.id, plan.where(r.pos), r.when ? r.when->text : std::string("its window"), verdict), "  ");
      if (!t->values.empty()) out += st.dim(wrap("with " + format_values(t->values, e), "    "));
    }
  }

  // Why not that: the rules written for other phases, which the course's phase leaves out.
  std::string elsewhere;
  for (const Plan::Rule& r : plan.rules) {
    if (r.phases[e.phase]) continue;
    std::string where;
    for (size_t p = 0; p < r.phases.size(); ++p)
      if (r.phases[p]) where += (where.empty() ? "" : ", ") + plan.phases[p].name;
    elsewhere += fmt::format("{}{} ({})", elsewhere.empty() ? "" : "; ", r.id, where);
  }
  if (!elsewhere.empty()) {
    heading(out, st, fmt::format("Rules for other phases, not considered in {}", plan.phases[e.phase].name));
    out += wrap(elsewhere, "  ");
  }

  // What the fired rules and the transitions taken rest on, each source once.
  std::vector<uint32_t> sources;
  auto add_sources = [&](const std::vector<uint32_t>& cites) {
    for (uint32_t c : cites)
      if (std::find(sources.begin(), sources.end(), c) == sources.end()) sources.push_back(c);
  };
  for (const TraceEntry* t : fired) add_sources(plan.rules[t->rule].cites);
  for (const HistoryEntry& h : e.history) add_sources(plan.transitions[h.transition].cites);
  if (!sources.empty()) {
    heading(out, st, "Sources");
    for (uint32_t c : sources) {
      out += bullet(cite(plan, c), "  ");
      if (!plan.sources[c].url.empty()) out += st.dim("    " + plan.sources[c].url) + "\n";
    }
  }
  out += "\n";
  out += st.dim("Decision support for a clinician, not a decision.");
  out += "\n";
  return out;
}

}  // namespace regimen
