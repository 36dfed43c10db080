// What-if and plan requests: from data to alternatives and projections, one path for the
// command line and for replaying a recorded decision.

#include "regimen/evaluate/requests.h"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "load/yaml_parse.h"
#include "regimen/common/json_writer.h"
#include "regimen/common/suggest.h"

namespace regimen {
namespace {

// A problem in the request: its message, and where in a scenario file. Thrown only inside this
// file and caught at its edge.
struct Problem {
  std::string message;
  YAML::Mark mark = YAML::Mark::null_mark();
};

constexpr std::string_view kScenarioKeys[] = {"alternatives"};
constexpr std::string_view kAlternativeKeys[] = {"name", "miss_session", "add_session", "add_score", "set"};
constexpr std::string_view kScoreKeys[] = {"date", "instrument", "score", "items"};

// The problems of a scenario document, as many as there are (up to a bound, as for a timeline),
// so that one run shows them all: each change is read on its own, and a problem in one does not
// hide those of the others.
class Problems {
 public:
  static constexpr size_t kMax = 50;
  /// Runs `read`; a problem it throws is kept and reading goes on with the next change.
  template <class F>
  void attempt(F&& read) {
    try {
      read();
    } catch (const Problem& p) {
      add(p);
    }
  }
  void add(Problem p) { list_.push_back(std::move(p)); }
  [[nodiscard]] bool empty() const { return list_.empty(); }
  [[nodiscard]] const std::vector<Problem>& list() const { return list_; }

 private:
  std::vector<Problem> list_;
};

// The problems of one scenario document, thrown out of alternatives_from when there are any.
struct AllProblems {
  std::vector<Problem> list;
};

// A scenario's keys are all known: a misspelt one would drop its change, and "nothing differs".
// Each unknown or repeated key is a problem of its own.
void known_keys(const YAML::Node& n, std::span<const std::string_view> known, std::string_view what, Problems& problems) {
  if (!n.IsMap()) throw Problem{fmt::format("{} must be a map", what), n.Mark()};
  std::vector<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    if (KeyProblem p = check_key(it->first.Scalar(), seen, known, what); !p.message.empty())
      problems.add(Problem{std::move(p.message), it->first.Mark()});
  }
}

const std::string& scalar(const YAML::Node& n, std::string_view what) {
  if (!n.IsScalar()) throw Problem{fmt::format("{} must be a single value", what), n.Mark()};
  return n.Scalar();
}

// A date-time is accepted wherever a date is (CONTRACT §1): a what-if's event is placed on its
// calendar date.
Date date_of(const YAML::Node& n, std::string_view what) {
  const std::string& text = scalar(n, what);
  DateParse p = parse_date_or_datetime(text);
  if (!p.value) throw Problem{fmt::format("{} '{}' is not a date: {}", what, text, p.problem), n.Mark()};
  return p.value->date;
}

// A list of dates; one date alone is a list of one.
std::vector<Date> dates_of(const YAML::Node& n, std::string_view what) {
  if (!n || n.IsNull()) return {};
  if (n.IsScalar()) return {date_of(n, what)};
  if (!n.IsSequence()) throw Problem{fmt::format("{} must be a date or a list of dates", what), n.Mark()};
  std::vector<Date> out;
  for (const YAML::Node& d : n) out.push_back(date_of(d, what));
  return out;
}

int int_of(const YAML::Node& n, std::string_view what) {
  const std::string& text = scalar(n, what);
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    throw Problem{fmt::format("{} '{}' is not a whole number", what, text), n.Mark()};
  return v;
}

/// A score to add; `item` names an item answer as the asker wrote it ("--item 9=1" on the
/// command line, "item 9=1" in a scenario file). Each of its fields is read on its own, so that a
/// score with a bad date and an undeclared instrument reports both; the score is added only when
/// all are good.
void add_score_change(const Plan& plan, const YAML::Node& s, std::string_view item, Problems& problems,
                      std::vector<TimelineChange>& changes) {
  const size_t before = problems.list().size();
  known_keys(s, kScoreKeys, "a score to add", problems);
  if (!s["date"] || !s["instrument"] || !s["score"]) throw Problem{"add_score needs a date, an instrument and a score", s.Mark()};
  TimelineChange c;
  c.kind = TimelineChange::Kind::kAddScore;
  problems.attempt([&] { c.date = date_of(s["date"], "the score's date"); });
  const InstrumentSpec* spec = nullptr;
  problems.attempt([&] {
    c.instrument = scalar(s["instrument"], "the instrument");
    spec = plan.instruments.find(c.instrument);
    if (!spec) throw Problem{fmt::format("instrument '{}' is not declared by the protocol", c.instrument), s["instrument"].Mark()};
  });
  problems.attempt([&] {
    c.score = int_of(s["score"], "the score");
    if (spec && (c.score < spec->min_score || c.score > spec->max_score))
      throw Problem{fmt::format("{} score {} is outside its range {}-{}", spec->label, c.score, spec->min_score, spec->max_score),
                    s["score"].Mark()};
  });
  const YAML::Node items = s["items"];
  if (items && !items.IsNull()) problems.attempt([&] {
    if (!items.IsMap()) throw Problem{"'items' must be a map of item number → answer", items.Mark()};
    for (auto it = items.begin(); it != items.end(); ++it) problems.attempt([&] {
      const std::string& key = scalar(it->first, "an item number");
      const std::string text = key + "=" + scalar(it->second, "an item answer");
      const int n = int_of(it->first, "the item number"), v = int_of(it->second, "the item answer");
      if (!spec) return;  // (its instrument's problem is reported)
      // Written as a timeline writes it ("9", not "09" or "+9"), as the timeline reader requires.
      if (key != std::to_string(n) || n < 1 || n > spec->item_count || v < spec->item_min || v > spec->item_max)
        throw Problem{fmt::format("{} {}: {} items are 1-{} (written without a leading zero) with answers {}-{}", item, text,
                                  spec->label, spec->item_count, spec->item_min, spec->item_max),
                      it->first.Mark()};
      for (const ItemAnswer& earlier : c.items)
        if (earlier.item == n)
          throw Problem{fmt::format("{} {}: item {} is given twice for this score", item, text, n), it->first.Mark()};
      c.items.push_back(ItemAnswer{n, v});
    });
  });
  if (problems.list().size() == before) changes.push_back(std::move(c));
}

std::vector<Alternative> alternatives_from(const Plan& plan, const YAML::Node& root, bool a_file) {
  std::vector<Alternative> out;
  if (!root.IsMap() || !root["alternatives"] || !root["alternatives"].IsSequence())
    throw Problem{"no alternatives (expected a list under 'alternatives:')", root.Mark()};
  Problems problems;
  known_keys(root, kScenarioKeys, "a scenario", problems);
  for (const auto& n : root["alternatives"]) {
    Alternative a;
    a.name = fmt::format("alternative {}", out.size() + 1);
    const size_t before = problems.list().size();
    problems.attempt([&] {
      known_keys(n, kAlternativeKeys, "an alternative", problems);
      if (n["name"]) problems.attempt([&] { a.name = scalar(n["name"], "'name'"); });
      // Each date of a list is read on its own.
      for (const auto& [key, kind] : {std::pair{"miss_session", TimelineChange::Kind::kMissSession},
                                      std::pair{"add_session", TimelineChange::Kind::kAddSession}}) {
        const YAML::Node dates = n[key];
        problems.attempt([&] {
          if (dates && dates.IsSequence()) {
            for (const YAML::Node& d : dates)
              problems.attempt([&] { a.changes.push_back({kind, date_of(d, key), "", 0, {}}); });
            return;
          }
          for (Date d : dates_of(dates, key)) a.changes.push_back({kind, d, "", 0, {}});
        });
      }
      if (const YAML::Node scores = n["add_score"]; scores && !scores.IsNull()) problems.attempt([&] {
        if (!scores.IsSequence()) throw Problem{"add_score must be a list of scores", scores.Mark()};
        for (const auto& s : scores)
          problems.attempt([&] { add_score_change(plan, s, a_file ? "item" : "--item", problems, a.changes); });
      });
      if (const YAML::Node set = n["set"]; set && !set.IsNull()) problems.attempt([&] {
        if (!set.IsMap()) throw Problem{"'set' must be a map of parameter → value", set.Mark()};
        for (auto it = set.begin(); it != set.end(); ++it) {
          problems.attempt([&] {
            const std::string name = scalar(it->first, "a parameter name");
            OverrideResult r = parse_override(plan, name, scalar(it->second, "a parameter value"));
            if (!r.value) throw Problem{r.error, it->first.Mark()};
            for (const ParameterOverride& earlier : a.overrides)
              if (earlier.index == r.value->index)  // which of the two values was meant?
                throw Problem{fmt::format("'{}' is set twice in this alternative: give each parameter once", name),
                              it->first.Mark()};
            a.overrides.push_back(*r.value);
          });
        }
      });
      // The order of parameters is judged on the values read, when all of them were.
      if (problems.list().size() == before)
        if (std::string order = check_parameter_order(plan, a.overrides); !order.empty()) throw Problem{order, n.Mark()};
    });
    out.push_back(std::move(a));
  }
  if (out.empty()) problems.add(Problem{"no alternatives (expected a list under 'alternatives:')", root.Mark()});
  if (!problems.empty()) throw AllProblems{problems.list()};
  return out;
}

AlternativesRead read(const Plan& plan, std::string_view document, std::string_view name, bool a_file) {
  AlternativesRead r;
  // A scenario file's problems name their place; the command line's document is made by the
  // command line itself, so its places mean nothing to the person who typed it, and its problems
  // are the command line's.
  auto fail = [&](std::string code, SourcePos at, std::string message) {
    if (!a_file) {
      at = {};
      code = "usage.command_line";
    }
    // For a person the message names the file and place; the JSON error has them as fields.
    // Several problems are one line each; `problem` is the first.
    if (!r.error.empty()) r.error += "\n";
    r.error += at.known() ? fmt::format("{}:{}:{}: {}", name, at.line, at.column, message)
               : a_file   ? fmt::format("{}: {}", name, message)
                          : message;
    r.problems.add(Diagnostic{Severity::kError, std::move(code), a_file ? std::string(name) : std::string(), at, 1, "",
                              std::move(message)});
    r.problem = r.problems[0];
  };
  const SourceFile source{std::string(name), std::string(document)};
  Diagnostics syntax;
  const std::optional<YAML::Node> root = load::parse_yaml(source, "whatif.syntax", syntax);
  if (!root) {
    const Diagnostic& d = syntax[0];
    fail(d.code, d.pos, d.message);
    return r;
  }
  try {
    r.alternatives = alternatives_from(plan, *root, a_file);
  } catch (const AllProblems& all) {
    // In the file's order, each once (a YAML alias repeats a node, and its problem), at most
    // kMax and a count of the rest, as for a timeline. The command line's document is made by
    // the command line, in no order its user wrote: its first problem is the one reported.
    std::vector<std::pair<SourcePos, std::string>> found;
    for (const Problem& p : all.list) found.emplace_back(load::position_of(p.mark), p.message);
    std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
      return std::pair{x.first.line, x.first.column} < std::pair{y.first.line, y.first.column};
    });
    found.erase(std::unique(found.begin(), found.end(),
                            [](const auto& x, const auto& y) {
                              return x.first.line == y.first.line && x.first.column == y.first.column && x.second == y.second;
                            }),
                found.end());
    const size_t shown = a_file ? std::min(found.size(), Problems::kMax) : 1;
    for (size_t i = 0; i < shown; ++i) fail("whatif.scenario", found[i].first, found[i].second);
    if (found.size() > shown && a_file)
      fail("whatif.more_errors", {}, fmt::format("{} more problems are not shown", found.size() - shown));
  } catch (const Problem& p) {
    fail("whatif.scenario", load::position_of(p.mark), p.message);
  } catch (const YAML::Exception& e) {
    fail("whatif.scenario", {}, e.what());
  }
  if (!r.problems.empty()) r.alternatives.clear();
  return r;
}

}  // namespace

AlternativesRead read_alternatives(const Plan& plan, std::string_view document, std::string_view name) {
  return read(plan, document, name, true);
}

std::string to_json(const WhatIfRequest& r) {
  JsonWriter w;
  w.begin_object().key("flags").value(r.flags).key("scenario").value(r.scenario).key("scenario_name").value(r.scenario_name);
  w.end_object();
  return w.take();
}

AlternativesRead alternatives_of(const Plan& plan, const WhatIfRequest& r) {
  AlternativesRead out;
  if (!r.flags.empty()) out = read(plan, r.flags, "the command line", false);
  if (!out.error.empty() || r.scenario_name.empty()) return out;  // no scenario file (an empty one is read)
  AlternativesRead file = read_alternatives(plan, r.scenario, r.scenario_name);
  if (!file.error.empty()) return file;
  for (Alternative& a : file.alternatives) out.alternatives.push_back(std::move(a));
  return out;
}

bool parse_whatif_request(std::string_view json, WhatIfRequest& out) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("flags") || !j["flags"].is_string()) return false;
  out.flags = j["flags"].get<std::string>();
  out.scenario = j.value("scenario", "");
  out.scenario_name = j.value("scenario_name", "");
  return true;
}

std::string to_json(const PlanRequest& r) {
  JsonWriter w;
  w.begin_object().key("scenario").value(r.scenario).key("horizon_days").value(r.horizon_days).key("set").begin_array();
  for (const std::string& s : r.set) w.value(s);
  w.end_array().end_object();
  return w.take();
}

bool parse_plan_request(std::string_view json, PlanRequest& out) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("scenario") || !j["scenario"].is_string() || !j.contains("horizon_days") ||
      !j["horizon_days"].is_number_integer())
    return false;
  out.scenario = j["scenario"].get<std::string>();
  out.horizon_days = j["horizon_days"].get<int>();
  out.set.clear();
  if (j.contains("set") && j["set"].is_array())
    for (const auto& s : j["set"])
      if (s.is_string()) out.set.push_back(s.get<std::string>());
  return true;
}

PlanRun run_plan(const Plan& plan, const Timeline& timeline, Date as_of, const PlanRequest& request) {
  PlanRun out;
  ProjectionOptions options;
  options.as_of = as_of;
  options.horizon_days = request.horizon_days;
  for (const std::string& s : request.set) {
    const size_t eq = s.find('=');
    OverrideResult r = eq == std::string::npos ? OverrideResult{std::nullopt, fmt::format("--set '{}' must be PARAM=VALUE", s)}
                                               : parse_override(plan, s.substr(0, eq), s.substr(eq + 1));
    if (!r.value) {
      out.error = r.error;
      return out;
    }
    for (const ParameterOverride& earlier : options.overrides)
      if (earlier.index == r.value->index) {  // which of the two values was meant?
        out.error = fmt::format("--set {} is given twice: give each parameter once", s.substr(0, eq));
        return out;
      }
    options.overrides.push_back(*r.value);
  }
  if (std::string order = check_parameter_order(plan, options.overrides); !order.empty()) {
    out.error = order;
    return out;
  }
  out.overrides = options.overrides;
  EvaluateOptions today;
  today.as_of = as_of;
  today.trace = false;
  for (const ParameterOverride& ov : options.overrides) today.overrides.emplace_back(ov.index, ov.value);
  out.now = evaluate(plan, timeline, today);
  for (Scenario s : {Scenario::kResponder, Scenario::kPartial, Scenario::kNonresponder}) {
    if (request.scenario != "all" && request.scenario != to_string(s)) continue;
    options.scenario = s;
    out.projections.push_back(project(plan, timeline, options));
  }
  return out;
}

}  // namespace regimen
