// What-if and plan requests: from data to alternatives and projections, one path for the
// command line and for replaying a recorded decision.

#include "regimen/evaluate/requests.h"

#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "regimen/common/json_writer.h"

namespace regimen {
namespace {

// A problem in the request: its message. Thrown only inside this file and caught at its edge.
struct Problem {
  std::string message;
};

// A date-time is accepted wherever a date is (CONTRACT §1): a what-if's event is placed on its
// calendar date.
Date date_of(const std::string& text, std::string_view what) {
  DateParse p = parse_date_or_datetime(text);
  if (!p.value) throw Problem{fmt::format("{} '{}' is not a date: {}", what, text, p.problem)};
  return p.value->date;
}

int int_of(const std::string& text, std::string_view what) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) throw Problem{fmt::format("{} '{}' is not a whole number", what, text)};
  return v;
}

TimelineChange score_change(const Plan& plan, const YAML::Node& s) {
  TimelineChange c;
  c.kind = TimelineChange::Kind::kAddScore;
  if (!s["date"] || !s["instrument"] || !s["score"]) throw Problem{"add_score needs a date, an instrument and a score"};
  c.date = date_of(s["date"].Scalar(), "the score's date");
  c.instrument = s["instrument"].Scalar();
  c.score = int_of(s["score"].Scalar(), "the score");
  const InstrumentSpec* spec = plan.instruments.find(c.instrument);
  if (!spec) throw Problem{fmt::format("instrument '{}' is not declared by the protocol", c.instrument)};
  if (c.score < spec->min_score || c.score > spec->max_score)
    throw Problem{fmt::format("{} score {} is outside its range {}-{}", spec->label, c.score, spec->min_score, spec->max_score)};
  if (const YAML::Node items = s["items"])
    for (auto it = items.begin(); it != items.end(); ++it) {
      const std::string text = it->first.Scalar() + "=" + it->second.Scalar();
      const int n = int_of(it->first.Scalar(), "the item number"), v = int_of(it->second.Scalar(), "the item answer");
      if (n < 1 || n > spec->item_count || v < spec->item_min || v > spec->item_max)
        throw Problem{fmt::format("--item {}: {} items are 1-{} with answers {}-{}", text, spec->label, spec->item_count,
                                  spec->item_min, spec->item_max)};
      c.items.push_back(ItemAnswer{n, v});
    }
  return c;
}

std::vector<Alternative> alternatives_from(const Plan& plan, const YAML::Node& root, std::string_view name) {
  std::vector<Alternative> out;
  if (!root.IsMap() || !root["alternatives"] || !root["alternatives"].IsSequence())
    throw Problem{fmt::format("{}: no alternatives (expected a list under 'alternatives:')", name)};
  for (const auto& n : root["alternatives"]) {
    Alternative a;
    a.name = n["name"] ? n["name"].Scalar() : fmt::format("alternative {}", out.size() + 1);
    for (const auto& d : n["miss_session"]) a.changes.push_back({TimelineChange::Kind::kMissSession, date_of(d.Scalar(), "miss_session"), "", 0, {}});
    for (const auto& d : n["add_session"]) a.changes.push_back({TimelineChange::Kind::kAddSession, date_of(d.Scalar(), "add_session"), "", 0, {}});
    for (const auto& s : n["add_score"]) a.changes.push_back(score_change(plan, s));
    if (const YAML::Node set = n["set"])
      for (auto it = set.begin(); it != set.end(); ++it) {
        OverrideResult r = parse_override(plan, it->first.Scalar(), it->second.Scalar());
        if (!r.value) throw Problem{r.error};
        a.overrides.push_back(*r.value);
      }
    if (std::string order = check_parameter_order(plan, a.overrides); !order.empty()) throw Problem{order};
    out.push_back(std::move(a));
  }
  if (out.empty()) throw Problem{fmt::format("{}: no alternatives (expected a list under 'alternatives:')", name)};
  return out;
}

}  // namespace

AlternativesRead read_alternatives(const Plan& plan, std::string_view document, std::string_view name) {
  AlternativesRead r;
  try {
    r.alternatives = alternatives_from(plan, YAML::Load(std::string(document)), name);
  } catch (const Problem& p) {
    r.error = p.message;
  } catch (const YAML::Exception& e) {
    r.error = fmt::format("{}: {}", name, e.what());
  }
  return r;
}

std::string to_json(const WhatIfRequest& r) {
  JsonWriter w;
  w.begin_object().key("flags").value(r.flags).key("scenario").value(r.scenario).key("scenario_name").value(r.scenario_name);
  w.end_object();
  return w.take();
}

AlternativesRead alternatives_of(const Plan& plan, const WhatIfRequest& r) {
  AlternativesRead out;
  if (!r.flags.empty()) out = read_alternatives(plan, r.flags, "the command line");
  if (!out.error.empty() || r.scenario.empty()) return out;
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
    options.overrides.push_back(*r.value);
  }
  if (std::string order = check_parameter_order(plan, options.overrides); !order.empty()) {
    out.error = order;
    return out;
  }
  out.overrides = options.overrides;
  for (Scenario s : {Scenario::kResponder, Scenario::kPartial, Scenario::kNonresponder}) {
    if (request.scenario != "all" && request.scenario != to_string(s)) continue;
    options.scenario = s;
    out.projections.push_back(project(plan, timeline, options));
  }
  return out;
}

}  // namespace regimen
