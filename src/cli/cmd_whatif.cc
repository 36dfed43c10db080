// `regimen whatif`: the same patient as the timeline is and as changed, side by side.

#include <charconv>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <yaml-cpp/yaml.h>

#include "cli.h"
#include "regimen/common/sha256.h"
#include "regimen/explain/scenario_report.h"
#include "regimen/explain/svg.h"

namespace regimen::cli {
namespace {

struct Options {
  std::string timeline, protocol, as_of, format = "text", output = "-", svg, scenario;
  std::vector<std::string> add_session, miss_session, add_score, items, set;
};

// A usage error: the message, then the hint, exit 2.
struct UsageError {
  std::string message;
};

Date date_or_throw(const std::string& text, std::string_view what) {
  DateParse p = parse_date(text);
  if (!p.value) throw UsageError{fmt::format("{} '{}' is not a date: {}", what, text, p.problem)};
  return p.value->date;
}

int int_or_throw(const std::string& text, std::string_view what) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) throw UsageError{fmt::format("{} '{}' is not a whole number", what, text)};
  return v;
}

TimelineChange score_change(const Plan& plan, const std::string& date, const std::string& instrument, const std::string& score) {
  TimelineChange c;
  c.kind = TimelineChange::Kind::kAddScore;
  c.date = date_or_throw(date, "the score's date");
  c.instrument = instrument;
  c.score = int_or_throw(score, "the score");
  const InstrumentSpec* spec = plan.instruments.find(instrument);
  if (!spec) throw UsageError{fmt::format("instrument '{}' is not declared by the protocol", instrument)};
  if (c.score < spec->min_score || c.score > spec->max_score)
    throw UsageError{fmt::format("{} score {} is outside its range {}-{}", spec->label, c.score, spec->min_score, spec->max_score)};
  return c;
}

void add_item(const Plan& plan, TimelineChange& c, const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) throw UsageError{fmt::format("--item '{}' must be N=V, e.g. 9=1", text)};
  const int n = int_or_throw(text.substr(0, eq), "the item number"), v = int_or_throw(text.substr(eq + 1), "the item answer");
  const InstrumentSpec* spec = plan.instruments.find(c.instrument);
  if (spec && (n < 1 || n > spec->item_count || v < spec->item_min || v > spec->item_max))
    throw UsageError{fmt::format("--item {}: {} items are 1-{} with answers {}-{}", text, spec->label, spec->item_count,
                                 spec->item_min, spec->item_max)};
  c.items.push_back(ItemAnswer{n, v});
}

ParameterOverride override_or_throw(const Plan& plan, const std::string& name, const std::string& value) {
  OverrideResult r = parse_override(plan, name, value);
  if (!r.value) throw UsageError{r.error};
  return *r.value;
}

// The alternative the command-line flags describe; --item applies to the --add-score before it.
std::optional<Alternative> from_flags(const Plan& plan, const Options& o) {
  Alternative a;
  std::vector<std::string> parts;
  for (const std::string& d : o.miss_session) {
    a.changes.push_back({TimelineChange::Kind::kMissSession, date_or_throw(d, "--miss-session"), "", 0, {}});
    parts.push_back("misses " + d);
  }
  for (const std::string& d : o.add_session) {
    a.changes.push_back({TimelineChange::Kind::kAddSession, date_or_throw(d, "--add-session"), "", 0, {}});
    parts.push_back("a session on " + d);
  }
  const auto& args = raw_arguments();
  int score = -1;
  std::vector<TimelineChange> scores;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--add-score") {
      if (i + 3 >= args.size()) throw UsageError{"--add-score needs DATE INSTRUMENT SCORE"};
      scores.push_back(score_change(plan, args[i + 1], args[i + 2], args[i + 3]));
      score = static_cast<int>(scores.size()) - 1;
      i += 3;
    } else if (args[i] == "--item" || args[i].starts_with("--item=")) {
      const std::string value = args[i] == "--item" ? (i + 1 < args.size() ? args[++i] : "") : args[i].substr(7);
      if (score < 0) throw UsageError{"--item must follow the --add-score it belongs to"};
      add_item(plan, scores[static_cast<size_t>(score)], value);
    }
  }
  for (const TimelineChange& c : scores) {
    a.changes.push_back(c);
    parts.push_back(fmt::format("{} {} on {}", c.instrument, c.score, c.date.to_string()));
  }
  for (const std::string& s : o.set) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos) throw UsageError{fmt::format("--set '{}' must be PARAM=VALUE", s)};
    a.overrides.push_back(override_or_throw(plan, s.substr(0, eq), s.substr(eq + 1)));
    parts.push_back(s);
  }
  if (a.changes.empty() && a.overrides.empty()) return std::nullopt;
  for (const std::string& p : parts) a.name += (a.name.empty() ? "" : "; ") + p;
  return a;
}

std::vector<Alternative> from_file(const Plan& plan, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw UsageError{fmt::format("{}: {}", path, e.what())};
  }
  std::vector<Alternative> out;
  for (const auto& n : root["alternatives"]) {
    Alternative a;
    a.name = n["name"] ? n["name"].Scalar() : fmt::format("alternative {}", out.size() + 1);
    for (const auto& d : n["miss_session"]) a.changes.push_back({TimelineChange::Kind::kMissSession, date_or_throw(d.Scalar(), "miss_session"), "", 0, {}});
    for (const auto& d : n["add_session"]) a.changes.push_back({TimelineChange::Kind::kAddSession, date_or_throw(d.Scalar(), "add_session"), "", 0, {}});
    for (const auto& s : n["add_score"]) {
      TimelineChange c = score_change(plan, s["date"].Scalar(), s["instrument"].Scalar(), s["score"].Scalar());
      for (auto it = s["items"].begin(); it != s["items"].end(); ++it) add_item(plan, c, it->first.Scalar() + "=" + it->second.Scalar());
      a.changes.push_back(std::move(c));
    }
    for (auto it = n["set"].begin(); it != n["set"].end(); ++it)
      a.overrides.push_back(override_or_throw(plan, it->first.Scalar(), it->second.Scalar()));
    out.push_back(std::move(a));
  }
  if (out.empty()) throw UsageError{fmt::format("{}: no alternatives (expected a list under 'alternatives:')", path)};
  return out;
}

int run(const Options& o) {
  const bool json = o.format == "json";
  Inputs in = load_inputs(o.protocol, o.timeline, o.as_of, json, "whatif");
  if (in.exit_code != kSuccess) return in.exit_code;
  const Plan& plan = *in.protocol.plan.value;
  std::vector<Alternative> alternatives;
  try {
    if (!o.scenario.empty()) alternatives = from_file(plan, o.scenario);
    if (auto a = from_flags(plan, o)) alternatives.insert(alternatives.begin(), std::move(*a));
  } catch (const UsageError& e) {
    std::cerr << "regimen: " << e.message << "\nRun 'regimen whatif --help' for usage.\n";
    return kBadUsage;
  }
  if (alternatives.empty()) {
    std::cerr << "regimen: no change given: add --miss-session, --add-session, --add-score, --set or --scenario\n"
                 "Run 'regimen whatif --help' for usage.\n";
    return kBadUsage;
  }
  const WhatIf w = what_if(plan, *in.timeline.result.value, in.as_of, alternatives);
  ReportInfo info;
  info.protocol_sha256 = sha256_hex(in.protocol.source.text());
  info.input_warnings = in.timeline.result.diagnostics;
  if (!o.svg.empty()) {
    std::vector<CourseChart> panels{{"as it is", in.as_of, &w.timeline, &w.evaluation}};
    for (const Comparison& c : w.alternatives) panels.push_back({c.name, in.as_of, &c.timeline, &c.evaluation});
    if (const int rc = emit(o.svg, render_svg(plan, panels)); rc != kSuccess) return rc;
  }
  if (const int rc = emit(o.output, json ? whatif_json(plan, w, info) : whatif_text(plan, w, info)); rc != kSuccess) return rc;
  return kSuccess;
}

}  // namespace

Runner add_whatif_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("whatif", "Evaluate a changed copy of the timeline or parameters and show what differs");
  cmd->add_option("-t,--timeline", o->timeline, "The patient's timeline, JSON or YAML")->required();
  cmd->add_option("-p,--protocol", o->protocol, "Protocol file (default: the built-in one)");
  cmd->add_option("--as-of", o->as_of, "The day to compare on, YYYY-MM-DD (default: the timeline's as_of, else today)");
  cmd->add_option("--miss-session", o->miss_session,
                  "DATE: the session that day does not happen (a planned one: it happens as it is, not as changed)")
      ->take_all();
  cmd->add_option("--add-session", o->add_session, "DATE: a completed session that day")->take_all();
  cmd->add_option("--add-score", o->add_score, "DATE INSTRUMENT SCORE: an assessment, e.g. --add-score 2026-04-21 phq9 12")
      ->expected(3)
      ->take_all();
  cmd->add_option("--item", o->items, "N=V: an item answer of the --add-score before it, e.g. --item 9=1")->take_all();
  cmd->add_option("--set", o->set, "PARAM=VALUE: a parameter changed, checked against its range, e.g. --set maintenance.initial_interval_days=28")
      ->take_all();
  cmd->add_option("--scenario", o->scenario, "A YAML file of several named alternatives, compared in one table");
  cmd->add_option("--format", o->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to this file (written only when the run succeeds)");
  cmd->add_option("--svg", o->svg, "Also draw each alternative's course, one above the other, to this SVG file");
  cmd->footer(
      "Example, two changes at once:\n"
      "  regimen whatif -t patient.json --miss-session 2026-04-16 --add-score 2026-04-21 phq9 12 --item 9=0\n"
      "A scenario file:\n"
      "  alternatives:\n"
      "    - {name: misses Thursday, miss_session: [2026-04-16]}\n"
      "    - {name: four-week gaps, set: {maintenance.initial_interval_days: 28}}\n"
      "    - name: PHQ-9 of 12\n"
      "      add_score: [{date: 2026-04-21, instrument: phq9, score: 12, items: {9: 0}}]");
  return [o] { return run(*o); };
}

}  // namespace regimen::cli
