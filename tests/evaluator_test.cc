// The evaluator as a library: determinism, as_of, overrides, and the trace's content.

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <tuple>

#include "regimen/compile/compiler.h"
#include "regimen/compile/overrides.h"
#include "regimen/evaluate/evaluator.h"
#include "regimen/explain/report.h"
#include "regimen/load/timeline_reader.h"

#include <nlohmann/json.hpp>

using namespace regimen;

namespace {

const Plan& default_plan() {
  static const Plan plan = *build_plan(default_protocol_source()).value;
  return plan;
}

Timeline timeline(const std::string& json) { return *read_timeline(SourceFile("t.json", json)).value; }

const std::string kSeries = R"({"patient": {"id": "e-1"},
  "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-07"}, {"date": "2026-01-09"}, {"date": "2026-02-01"}],
  "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 22, "items": {"9": 0}},
                  {"date": "2026-01-09", "instrument": "phq9", "score": 15}]})";

Evaluation at(const Timeline& t, int y, int m, int d, bool trace = true) {
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(y, m, d);
  o.trace = trace;
  return evaluate(default_plan(), t, o);
}

}  // namespace

TEST_CASE("the same input gives byte-identical JSON", "[evaluate]") {
  const Timeline t = timeline(kSeries);
  ReportInfo info;
  info.protocol_sha256 = "x";
  CHECK(to_json(default_plan(), at(t, 2026, 1, 12), info) == to_json(default_plan(), at(t, 2026, 1, 12), info));
}

TEST_CASE("a traced evaluation written without its trace is the untraced evaluation's JSON", "[evaluate]") {
  // An audited batch records the traced output and writes this one when asked for no trace.
  const Timeline t = timeline(kSeries);
  ReportInfo info;
  const std::string untraced = to_json(default_plan(), at(t, 2026, 2, 20, /*trace=*/false), info, JsonWriter::Style::kCompact);
  const Evaluation traced = at(t, 2026, 2, 20);
  REQUIRE_FALSE(traced.trace.empty());
  REQUIRE_FALSE(traced.history.empty());
  REQUIRE(to_json(default_plan(), traced, info, JsonWriter::Style::kCompact) != untraced);
  info.omit_trace = true;
  CHECK(to_json(default_plan(), traced, info, JsonWriter::Style::kCompact) == untraced);
}

TEST_CASE("compact and pretty JSON say the same, an event named in many places included", "[evaluate]") {
  // Compact output writes an event named again (a fact, a trace value) by copying its first
  // text: it must read as the pretty output, which writes every one in full, and be the same
  // when written after other lines in one buffer (a batch's block).
  const Timeline t = timeline(R"({"patient": {"id": "e-3"},
    "sessions": [{"date": "2026-01-05", "route": "iv", "dose_mg_per_kg": 0.5}, {"date": "2026-01-07T10:30"},
                 {"date": "2026-01-09"}, {"date": "2026-02-01"}],
    "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 22, "items": {"9": 0}},
                    {"date": "2026-01-09T11:00", "instrument": "phq9", "score": 15},
                    {"date": "2026-01-09T11:00", "instrument": "gad7", "score": 12}],
    "decisions": [{"date": "2026-01-10", "kind": "start_maintenance", "by": "dr \"q\"", "note": "ok"}]})");
  ReportInfo info;
  for (const auto& [y, m, d] : {std::tuple{2026, 1, 8}, {2026, 1, 12}, {2026, 2, 20}, {2026, 6, 1}}) {
    const Evaluation e = at(t, y, m, d);
    const std::string compact = to_json(default_plan(), e, info, JsonWriter::Style::kCompact);
    const std::string pretty = to_json(default_plan(), e, info, JsonWriter::Style::kPretty);
    INFO(compact);
    CHECK(nlohmann::json::parse(compact) == nlohmann::json::parse(pretty));
    // Byte for byte: the pretty text less its whitespace outside strings, in the same key order.
    std::string squeezed;
    bool in_string = false;
    for (size_t i = 0; i < pretty.size(); ++i) {
      const char c = pretty[i];
      if (in_string && c == '\\') {
        squeezed += pretty.substr(i, 2);
        ++i;
        continue;
      }
      if (c == '"') in_string = !in_string;
      if (in_string || (c != ' ' && c != '\n')) squeezed += c;
    }
    CHECK(squeezed + "\n" == compact);
    std::string block = "{\"an earlier line\": 1}\n";
    const size_t before = block.size();
    {
      JsonWriter w(block, JsonWriter::Style::kCompact);
      write_json(w, default_plan(), e, info);
    }
    CHECK(block.substr(before) + "\n" == compact);
  }
  // The case the copying is for: one assessment in several places of one line.
  const std::string line = to_json(default_plan(), at(t, 2026, 2, 20), info, JsonWriter::Style::kCompact);
  const std::string phq9 = R"({"date":"2026-01-09","time":"11:00:00","instrument":"phq9","score":15})";
  size_t count = 0;
  for (size_t at = line.find(phq9); at != std::string::npos; at = line.find(phq9, at + 1)) ++count;
  CHECK(count >= 2);
}

TEST_CASE("a session's route and doses are carried into the facts and the explanation", "[evaluate]") {
  const Timeline t = timeline(R"({"patient": {"id": "e-2"},
    "sessions": [{"date": "2026-01-05", "route": "iv", "dose_mg_per_kg": 0.5},
                 {"date": "2026-01-07", "route": "im", "dose_mg_per_kg": 0.75, "dose_mg": 52.5}],
    "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 22, "items": {"9": 0}}]})");
  const Evaluation e = at(t, 2026, 1, 8);
  const auto json = nlohmann::json::parse(to_json(default_plan(), e, ReportInfo{}));
  const auto& last = json["facts"]["sessions.last"];
  CHECK(last["date"] == "2026-01-07");
  CHECK(last["route"] == "im");
  CHECK(last["dose_mg_per_kg"] == 0.75);
  CHECK(last["dose_mg"] == 52.5);
  const std::string text = explain_text(default_plan(), e, ReportInfo{});
  CHECK(text.find("session on 2026-01-05 (iv, 0.5 mg/kg)") != std::string::npos);
}

TEST_CASE("an event's time of day is in the facts, the history and the explanation", "[evaluate]") {
  // A PHQ-9 taken after the day's first session is no baseline: the output must show the times
  // that decided it, or the explanation contradicts itself ("no PHQ-9 before the first session"
  // beside a PHQ-9 "of 2026-04-06").
  const Timeline t = timeline(R"({"patient": {"id": "e-time"},
    "sessions": [{"date": "2026-04-06T10:00:00"}],
    "assessments": [{"date": "2026-04-06T11:30:00+02:00", "instrument": "phq9", "score": 20, "items": {"9": 0}}]})");
  const Evaluation e = at(t, 2026, 4, 7);
  const auto json = nlohmann::json::parse(to_json(default_plan(), e, ReportInfo{}));
  CHECK(json["facts"]["phq9.latest_assessment"]["time"] == "11:30:00+02:00");
  CHECK(json["history"][0]["time"] == "10:00:00");
  const std::string text = explain_text(default_plan(), e, ReportInfo{});
  CHECK(text.find("session on 2026-04-06 at 10:00:00") != std::string::npos);
  // An untimed event has no time key.
  const Timeline series = timeline(kSeries);  // the evaluation points into it
  const Evaluation untimed = at(series, 2026, 1, 12);
  const auto plain = nlohmann::json::parse(to_json(default_plan(), untimed, ReportInfo{}));
  CHECK_FALSE(plain["history"][0].contains("time"));
}

TEST_CASE("the text answer and the explanation show each instrument's baseline, latest score and change", "[evaluate]") {
  // The spec: GAD-7 baseline, latest and change are shown in facts and explanations, like PHQ-9's.
  const Timeline t = timeline(R"({"patient": {"id": "e-3"},
    "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-07"}],
    "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 20, "items": {"9": 0}},
                    {"date": "2026-01-05", "instrument": "gad7", "score": 14},
                    {"date": "2026-01-08", "instrument": "phq9", "score": 10},
                    {"date": "2026-01-08", "instrument": "gad7", "score": 7}]})");
  const Evaluation e = at(t, 2026, 1, 8);
  for (const std::string& text : {to_text(default_plan(), e, ReportInfo{}), explain_text(default_plan(), e, ReportInfo{})}) {
    std::string flat = text;
    std::replace(flat.begin(), flat.end(), '\n', ' ');  // the line may wrap
    CHECK(flat.find("Scores: PHQ-9 20 at baseline, 10 latest (-50 %); GAD-7 14 at baseline, 7 latest (-50 %)") !=
          std::string::npos);
  }
}

TEST_CASE("an untimed decision is read before its day's session, whether the session has a time or not", "[evaluate]") {
  // The spec: "On its day a decision is read after the PHQ-9s and before the sessions, unless
  // times order them"; one time alone orders nothing.
  for (const std::string session : {R"("2026-05-03")", R"("2026-05-03T10:00")"}) {
    INFO("the session of " << session);
    const Timeline t = timeline(R"({"patient": {"id": "e-4"},
      "sessions": [{"date": "2026-04-01"}, {"date": "2026-04-03"}, {"date": "2026-04-05"}, {"date": "2026-04-08"},
                   {"date": "2026-04-10"}, {"date": "2026-04-12"}, {"date": )" + session + R"(}],
      "assessments": [{"date": "2026-03-31", "instrument": "phq9", "score": 20, "items": {"9": 0}},
                      {"date": "2026-04-13", "instrument": "phq9", "score": 8},
                      {"date": "2026-05-03", "instrument": "phq9", "score": 15}],
      "decisions": [{"date": "2026-05-03", "kind": "start_series"}]})");
    const Evaluation e = at(t, 2026, 5, 4);
    CHECK(default_plan().phases[e.phase].name == "initial_series");  // the session is the new series' first
    const auto json = nlohmann::json::parse(to_json(default_plan(), e, ReportInfo{}));
    CHECK(json["facts"]["series.sessions_done"] == 1);
  }
}

TEST_CASE("the plan's texts quoted when compiling read back as the texts themselves", "[evaluate]") {
  // Result lines copy these instead of escaping the same texts for every patient.
  const Plan& plan = default_plan();
  auto text = [](const std::string& quoted) { return nlohmann::json::parse(quoted).get<std::string>(); };
  for (size_t i = 0; i < plan.rules.size(); ++i) {
    CHECK(text(plan.quoted.rule_id[i]) == plan.rules[i].id);
    CHECK(text(plan.quoted.rule_location[i]) == plan.rules[i].location);
    CHECK(text(plan.quoted.rule_when[i]) == (plan.rules[i].when ? plan.rules[i].when->text : "true"));
  }
  for (size_t i = 0; i < plan.sources.size(); ++i) CHECK(text(plan.quoted.citation[i]) == plan.sources[i].citation);
  for (size_t i = 0; i < plan.facts.size(); ++i) CHECK(text(plan.quoted.fact_name[i]) == plan.facts[i].name);
  for (size_t i = 0; i < plan.parameters.size(); ++i)
    CHECK(text(plan.quoted.param_name[i]) == "params." + plan.parameters[i].name);
  // And a trace entry shows them as they are.
  const Timeline t = timeline(kSeries);
  const nlohmann::json out = nlohmann::json::parse(to_json(plan, at(t, 2026, 1, 12), ReportInfo{}));
  for (const auto& entry : out["trace"]) {
    const auto rule = std::find_if(plan.rules.begin(), plan.rules.end(), [&](const Plan::Rule& r) { return r.id == entry["rule"]; });
    REQUIRE(rule != plan.rules.end());
    CHECK(entry["when"] == (rule->when ? rule->when->text : "true"));
    CHECK(entry["source"] == rule->location);
  }
}

TEST_CASE("an evaluation reused for the next patient holds nothing of the last", "[evaluate]") {
  // A batch worker evaluates every patient into one Evaluation (evaluate_into).
  const Timeline series = timeline(kSeries);
  const Timeline other = timeline(R"({"patient": {"id": "e-2"}, "sessions": [{"date": "2026-01-05", "status": "missed"}],
    "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 9, "items": {"9": 2}},
                    {"date": "2026-01-05", "instrument": "phq9", "score": 11}],
    "decisions": [{"date": "2026-01-06", "kind": "start_maintenance"}]})");  // ignored: a warning
  EvaluateOptions traced, plain, overridden;
  traced.as_of = plain.as_of = overridden.as_of = *Date::from_ymd(2026, 1, 12);
  plain.trace = false;
  const auto eight = parse_override(default_plan(), "series.target_sessions", "8");
  overridden.overrides.emplace_back(eight.value->index, eight.value->value);
  ReportInfo info;
  Evaluation reused;
  for (const EvaluateOptions* first : {&traced, &plain, &overridden})
    for (const EvaluateOptions* second : {&traced, &plain, &overridden})
      for (const Timeline* a : {&series, &other})
        for (const Timeline* b : {&series, &other}) {
          evaluate_into(default_plan(), *a, *first, reused);
          evaluate_into(default_plan(), *b, *second, reused);
          const Evaluation fresh = evaluate(default_plan(), *b, *second);
          REQUIRE(to_json(default_plan(), reused, info) == to_json(default_plan(), fresh, info));
          REQUIRE(reused.texts.size() == fresh.texts.size());
          REQUIRE(reused.merged_assessments.size() == fresh.merged_assessments.size());
        }
}

TEST_CASE("events after as_of are ignored and counted", "[evaluate]") {
  const Timeline t = timeline(kSeries);
  const Evaluation e = at(t, 2026, 1, 10);
  CHECK(e.ignored_events == 1);  // the session of 2026-02-01
  CHECK(default_plan().phases[e.phase].name == "initial_series");
  REQUIRE(e.recommendations.size() == 1);
  CHECK(e.recommendations[0].window->earliest.to_string() == "2026-01-11");
  CHECK(e.recommendations[0].window->latest.to_string() == "2026-01-13");
}

TEST_CASE("observations a protocol never reads are left out of the replay, and change nothing", "[evaluate]") {
  // The default protocol has no transition on observations and no latest_observation(): the
  // replay reads fewer events. One that asks for an observation keeps them.
  CHECK_FALSE(default_plan().reads_observations);
  const std::string path = std::string(REGIMEN_SOURCE_DIR) + "/rules/esketamine-trd.yaml";  // asks for blood pressure
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const Result<Plan> asks = build_plan(SourceFile(path, text));
  REQUIRE(asks.ok());
  CHECK(asks.value->reads_observations);

  const Timeline t = timeline(R"({"patient": {"id": "e-1"},
    "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-07"}, {"date": "2026-01-09"}],
    "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 22, "items": {"9": 0}},
                    {"date": "2026-01-09", "instrument": "phq9", "score": 15}],
    "observations": [{"date": "2026-01-05", "code": "bp_systolic", "value": 150},
                     {"date": "2026-01-07T10:00", "code": "heart_rate", "value": 70},
                     {"date": "2026-02-01", "code": "bp_systolic", "value": 120}]})");
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 10);
  const Evaluation left_out = evaluate(default_plan(), t, o);
  o.all_events = true;
  const Evaluation kept = evaluate(default_plan(), t, o);
  CHECK(left_out.events.size() + 2 == kept.events.size());
  CHECK(left_out.ignored_events == 1);  // the observation after as_of is still counted
  CHECK(to_json(default_plan(), left_out, ReportInfo{}) == to_json(default_plan(), kept, ReportInfo{}));
}

TEST_CASE("a past decision is re-made exactly as it was", "[evaluate]") {
  // The same timeline with later events added gives the same answer for an earlier as_of.
  const Timeline early = timeline(kSeries);
  Timeline later = early;
  later.sessions.push_back(Session{*parse_date_or_datetime("2026-03-01").value, SessionStatus::kCompleted, "", {}, 9});
  ReportInfo info;
  const std::string a = to_json(default_plan(), at(early, 2026, 1, 12), info);
  const std::string b = to_json(default_plan(), at(later, 2026, 1, 12), info);
  // Only the count of ignored events differs.
  CHECK(a.substr(0, a.find("\"ignored_events\"")) == b.substr(0, b.find("\"ignored_events\"")));
}

TEST_CASE("without the trace the answer is the same", "[evaluate]") {
  const Timeline t = timeline(kSeries);
  const Evaluation full = at(t, 2026, 1, 12, true), bare = at(t, 2026, 1, 12, false);
  CHECK(full.phase == bare.phase);
  CHECK(full.flags == bare.flags);
  REQUIRE(full.recommendations.size() == bare.recommendations.size());
  for (size_t i = 0; i < full.recommendations.size(); ++i) CHECK(full.recommendations[i].summary == bare.recommendations[i].summary);
  CHECK(bare.trace.empty());
  CHECK(bare.facts.empty());
}

TEST_CASE("a trace entry names the rule, its place, its condition and the values it saw", "[evaluate]") {
  const Timeline series = timeline(kSeries);  // the evaluation points into it
  const Evaluation e = at(series, 2026, 1, 12);
  const Plan& plan = default_plan();
  const TraceEntry* entry = nullptr;
  for (const TraceEntry& t : e.trace)
    if (plan.rules[t.rule].id == "series.next_session") entry = &t;
  REQUIRE(entry);
  CHECK(entry->result == Outcome::kTrue);
  CHECK(plan.rules[entry->rule].when->text == "not series.interrupted");
  CHECK(plan.where(plan.rules[entry->rule].pos).starts_with("rules/ketamine-depression.yaml:"));
  REQUIRE(entry->values.size() == 1);
  CHECK(entry->values[0].name == "series.interrupted");
  CHECK(e.recommendations[0].because == std::vector<uint32_t>{entry->id});
}

TEST_CASE("parameter overrides are checked against their declaration", "[evaluate][overrides]") {
  const Plan& plan = default_plan();
  CHECK(parse_override(plan, "series.target_sessions", "8").value);
  CHECK(parse_override(plan, "maintenance.max_interval_days", "8w").value->value.int_value == 56);
  CHECK(parse_override(plan, "series.target_session", "8").error ==
        "unknown parameter 'series.target_session' (did you mean 'series.target_sessions'?)");
  CHECK(parse_override(plan, "series.target_sessions", "40").error ==
        "series.target_sessions = 40 is outside the allowed range: 2 to 12 sessions");
  CHECK(parse_override(plan, "series.min_gap_days", "two").error ==
        "'two' is not a valid value for series.min_gap_days: expected a number of days, like 28 or 28d or 4w (1 to 7 days)");
  CHECK(parse_override(plan, "cost.per_session", "450").value->value.number_value == 450);
  CHECK(parse_override(plan, "cost.per_session", "12.5").value->value.number_value == 12.5);
  CHECK(parse_override(plan, "cost.per_session", "1e3").value->value.number_value == 1000);
  // A number in decimal only: strtod's nan (which passed every range check), inf, hexadecimal
  // and spaces are not values.
  for (const char* text : {"nan", "-nan", "inf", "0x10", " 5", "5 ", "1e999", "", "-", "+-5"})
    CHECK_FALSE(parse_override(plan, "cost.per_session", text).value);
  CHECK_FALSE(parse_override(plan, "series.target_sessions", "+-5").value);
  CHECK_FALSE(parse_override(plan, "maintenance.max_interval_days", "1317624576693539402w").value);  // beyond 64 bits

  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 12);
  auto eight = parse_override(plan, "series.target_sessions", "8");
  o.overrides.emplace_back(eight.value->index, eight.value->value);
  const Timeline t = timeline(kSeries);  // alive while the evaluation is read: it points into it
  const Evaluation e = evaluate(plan, t, o);
  CHECK(e.recommendations[0].summary.find("of 8") != std::string::npos);
  CHECK(e.overridden[eight.value->index]);
}

TEST_CASE("an overridden list or text parameter is the evaluation's own: it outlives the options", "[evaluate]") {
  // A plan or what-if writes its parameters after the options it evaluated with are gone; a list
  // or text override pointed into those options (a use after free).
  const Plan& plan = default_plan();
  const Timeline t = timeline(kSeries);
  Evaluation e;
  uint32_t index = 0;
  {
    EvaluateOptions o;
    o.as_of = *Date::from_ymd(2026, 1, 12);
    auto conditions = parse_override(plan, "screening.review_conditions", "bipolar_disorder,some_other_condition");
    REQUIRE(conditions.value);
    index = conditions.value->index;
    o.overrides.emplace_back(index, conditions.value->value);
    e = evaluate(plan, t, o);
  }
  // Memory the options held is likely to be reused here.
  std::vector<std::vector<std::string>> reuse(8, std::vector<std::string>{"reused", "reused", "reused-reused-reused-reused"});
  REQUIRE(e.overridden[index]);
  CHECK(format_value(e.parameters[index], e) == "bipolar_disorder, some_other_condition");
}

namespace {
// Evaluates one PHQ-9 of 10 on 2026-01-05 under the protocol text, on 2026-01-10, and hands the
// result to `check` while the plan and timeline it points into are alive.
template <class F>
void evaluated_on_jan_10(const std::string& protocol, F&& check) {
  const Result<Plan> plan = build_plan(SourceFile("demo.yaml", protocol));
  REQUIRE(plan.ok());
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 10);
  const Timeline t = timeline(R"({"patient": {"id": "v"}, "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 10}]})");
  check(*plan.value, evaluate(*plan.value, t, o));
}
}  // namespace

TEST_CASE("values of every type come through negation, abs, min, joins and date arithmetic as their own type",
          "[evaluate]") {
  // A Value keeps its payload in a union read through its type: negation and abs of a number must
  // act on the number, of an int or a day count on the integer.
  const std::string protocol = R"(protocol: {id: value-demo, version: 1.0.0, title: Values of every type}
sources:
  guide: {title: A made-up guideline, certainty: unchecked}
instruments:
  phq9: {label: PHQ-9, range: [0, 27], items: 9}
parameters:
  pct: {type: number, default: 12.5, range: [0, 100]}
  gap: {type: days, default: 7d, range: [1d, 30d]}
facts:
  score: latest(phq9).score
  neg_number: -(score / 4)
  neg_int: -(score)
  abs_number: abs(-(score / 4))
  abs_int: abs(-(score))
  neg_param: -params.pct
  neg_days: -params.gap
  mixed_min: min(score, 2.5)
  joined: latest(phq9).instrument + '!'
  text_same: latest(phq9).instrument == 'phq9'
  day: latest(phq9).date - params.gap
phases:
  start: {start: true, terminal: true}
rules:
  - id: always
    phase: start
    action: review
    summary: "{neg_number} {neg_int} {abs_number} {abs_int} {neg_param} {neg_days} {mixed_min} {joined} {text_same} {day}"
    cites: [guide]
)";
  evaluated_on_jan_10(protocol, [](const Plan& plan, const Evaluation& e) {
    const auto json = nlohmann::json::parse(to_json(plan, e, ReportInfo{}));
    CHECK(json["facts"] == nlohmann::json::parse(R"({"score": 10, "neg_number": -2.5, "neg_int": -10, "abs_number": 2.5,
        "abs_int": 10, "neg_param": -12.5, "neg_days": -7, "mixed_min": 2.5, "joined": "phq9!", "text_same": true,
        "day": "2025-12-29"})"));
    REQUIRE(e.recommendations.size() == 1);
    CHECK(e.recommendations[0].summary == "-2.5 -10 2.5 10 -12.5 -7 days 2.5 phq9! true 2025-12-29");
  });
}

TEST_CASE("text() shows a value as a template does, and is unknown when the value is", "[evaluate]") {
  // So that a sentence can leave out what is not known: coalesce('… ' + text(x) + ' …', 'none').
  const std::string protocol = R"(protocol: {id: text-demo, version: 1.0.0, title: text()}
sources:
  guide: {title: A made-up guideline, certainty: unchecked}
instruments:
  phq9: {label: PHQ-9, range: [0, 27], items: 9}
  gad7: {label: GAD-7, range: [0, 21], items: 7}
parameters:
  gap: {type: days, default: 7d, range: [1d, 30d]}
facts:
  score: latest(phq9).score
  anxiety: latest(gad7).score
  shown: text(score) + ' / ' + text(score / 4) + ' / ' + text(latest(phq9).date) + ' / ' + text(params.gap) + ' / ' + text(score > 5)
  missing: coalesce('GAD-7 ' + text(anxiety), 'no GAD-7')
phases:
  start: {start: true, terminal: true}
rules:
  - id: always
    phase: start
    action: review
    summary: "{shown}; {missing}"
    cites: [guide]
)";
  evaluated_on_jan_10(protocol, [](const Plan&, const Evaluation& e) {
    REQUIRE(e.recommendations.size() == 1);
    CHECK(e.recommendations[0].summary == "10 / 2.5 / 2026-01-05 / 7 days / true; no GAD-7");
  });

  // An instrument is not a value to show.
  const std::string bad = protocol.substr(0, protocol.find("facts:")) + "facts:\n  named: text(phq9)\nphases:\n  start: {start: true, terminal: true}\n";
  const Result<Plan> refused = build_plan(SourceFile("bad.yaml", bad));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.diagnostics[0].code == "check.type_mismatch");
}

TEST_CASE("a date past 9999-12-31 or before 0001-01-01 is unknown, not a wrapped-around day", "[evaluate]") {
  // Date arithmetic on a day count could otherwise leave what YYYY-MM-DD can write (a window in
  // year 10000), or overflow it (today + 3000000000d printed as a date 3.5 million years back).
  const std::string protocol = R"(protocol: {id: far, version: 1.0.0, title: Far dates}
sources:
  guide: {title: A made-up guideline, certainty: unchecked}
instruments:
  phq9: {label: PHQ-9, range: [0, 27], items: 9}
facts:
  soon: today + 2d
  next_year: today + 10d
  far: today + 3000000000d
  long_ago: today - 3000000000d
phases:
  start: {start: true, terminal: true}
rules:
  - {id: always, phase: start, action: review, summary: "{soon} {next_year} {far} {long_ago}", cites: [guide]}
)";
  const Result<Plan> plan = build_plan(SourceFile("far.yaml", protocol));
  REQUIRE(plan.ok());
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(9999, 12, 28);
  const Timeline t = timeline(R"({"patient": {"id": "f"}})");  // alive while the evaluation is read
  const Evaluation e = evaluate(*plan.value, t, o);
  const auto json = nlohmann::json::parse(to_json(*plan.value, e, ReportInfo{}));
  CHECK(json["facts"]["soon"] == "9999-12-30");
  CHECK(json["facts"]["next_year"].is_null());
  CHECK(json["facts"]["far"].is_null());
  CHECK(json["facts"]["long_ago"].is_null());
}

TEST_CASE("a timed missed session orders an untimed assessment before a later timed one", "[evaluate][order]") {
  // A protocol where a missed session changes the phase: a -missed-> b, a -phq9-> c, b -phq9-> d.
  const Plan plan = *build_plan(SourceFile("order.yaml", R"(regimen: 1
protocol: {id: missed-order, version: 0.1.0, title: Missed session order}
sources:
  s: "test"
instruments:
  phq9: {label: PHQ-9, range: [0, 27], items: 9, item_range: [0, 3], cites: [s]}
phases:
  a: {start: true}
  b: {}
  c: {terminal: true}
  d: {terminal: true}
transitions:
  - {id: a.miss, from: a, on: missed_session, to: b, cites: [s]}
  - {id: a.phq, from: a, on: "assessment:phq9", to: c, cites: [s]}
  - {id: b.phq, from: b, on: "assessment:phq9", to: d, cites: [s]}
rules:
  - {id: r.c, phase: c, action: review, summary: "c", cites: [s]}
  - {id: r.d, phase: d, action: review, summary: "d", cites: [s]}
)")).value;
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 10);
  auto phase = [&](const std::string& json) { return plan.phases[evaluate(plan, timeline(json), o).phase].name; };
  // The untimed PHQ-9 is read at the start of the day, before the 10:00 missed session: phase c.
  CHECK(phase(R"({"patient": {"id": "m"}, "sessions": [{"date": "2026-01-05T10:00", "status": "missed"}],
      "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 5}]})") == "c");
  // A PHQ-9 at 12:00 is after the missed session, so the two PHQ-9s are ordered by it and not
  // merged: the untimed one still decides first.
  CHECK(phase(R"({"patient": {"id": "m"}, "sessions": [{"date": "2026-01-05T10:00", "status": "missed"}],
      "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 5},
                      {"date": "2026-01-05T12:00", "instrument": "phq9", "score": 6}]})") == "c");
  // At 09:00, before it, no time orders the two: merged, read at 09:00, still before the session.
  CHECK(phase(R"({"patient": {"id": "m"}, "sessions": [{"date": "2026-01-05T10:00", "status": "missed"}],
      "assessments": [{"date": "2026-01-05", "instrument": "phq9", "score": 5},
                      {"date": "2026-01-05T09:00", "instrument": "phq9", "score": 6}]})") == "c");
}

namespace {

// The evaluation as JSON, without the warnings (whose messages name input positions).
nlohmann::json answer(const Plan& plan, const Timeline& t, const char* as_of) {
  EvaluateOptions o;
  o.as_of = parse_date(as_of).value->date;
  nlohmann::json j = nlohmann::json::parse(to_json(plan, evaluate(plan, t, o), ReportInfo{}));
  j.erase("warnings");
  return j;
}

std::vector<std::string> warning_codes(const Plan& plan, const Timeline& t, const char* as_of) {
  EvaluateOptions o;
  o.as_of = parse_date(as_of).value->date;
  std::vector<std::string> codes;
  for (const EvaluationWarning& w : evaluate(plan, t, o).warnings) codes.push_back(w.code);
  return codes;
}

}  // namespace

TEST_CASE("the answer does not depend on the order of the timeline's arrays", "[evaluate][order]") {
  // Events that no time orders: two completed sessions on one day with different doses, two
  // different decisions on one day, two readings of one code at one time.
  const std::string forward = R"({"patient": {"id": "o-1"},
    "sessions": [{"date": "2026-01-05", "dose_mg_per_kg": 0.5}, {"date": "2026-01-05", "dose_mg_per_kg": 0.75},
                 {"date": "2026-01-07"}],
    "assessments": [{"date": "2026-01-02", "instrument": "phq9", "score": 20}, {"date": "2026-01-02", "instrument": "gad7", "score": 9}],
    "observations": [{"date": "2026-01-05T09:00", "code": "bp_systolic", "value": 150},
                     {"date": "2026-01-05T09:00", "code": "bp_systolic", "value": 128}],
    "decisions": [{"date": "2026-01-08", "kind": "end_treatment"}, {"date": "2026-01-08", "kind": "start_series"}]})";
  const std::string backward = R"({"patient": {"id": "o-1"},
    "sessions": [{"date": "2026-01-07"}, {"date": "2026-01-05", "dose_mg_per_kg": 0.75},
                 {"date": "2026-01-05", "dose_mg_per_kg": 0.5}],
    "assessments": [{"date": "2026-01-02", "instrument": "gad7", "score": 9}, {"date": "2026-01-02", "instrument": "phq9", "score": 20}],
    "observations": [{"date": "2026-01-05T09:00", "code": "bp_systolic", "value": 128},
                     {"date": "2026-01-05T09:00", "code": "bp_systolic", "value": 150}],
    "decisions": [{"date": "2026-01-08", "kind": "start_series"}, {"date": "2026-01-08", "kind": "end_treatment"}]})";
  const Timeline a = timeline(forward), b = timeline(backward);
  for (const char* as_of : {"2026-01-06", "2026-01-09"}) {
    INFO(as_of);
    CHECK(answer(default_plan(), a, as_of) == answer(default_plan(), b, as_of));
    CHECK(warning_codes(default_plan(), a, as_of) == warning_codes(default_plan(), b, as_of));
  }
  // The pair of decisions: end_treatment is read first, so care goes on (a new series), with a warning.
  CHECK(answer(default_plan(), a, "2026-01-09")["phase"] == "intake");
  const std::vector<std::string> codes = warning_codes(default_plan(), a, "2026-01-09");
  CHECK(std::count(codes.begin(), codes.end(), "replay.unordered_decisions") == 1);
  // A protocol that reads observations reads the same one whichever order the array has.
  const std::string path = std::string(REGIMEN_SOURCE_DIR) + "/rules/esketamine-trd.yaml";
  std::ifstream file(path);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const Result<Plan> reads = build_plan(SourceFile(path, text));
  REQUIRE(reads.ok());
  CHECK(answer(*reads.value, a, "2026-01-06") == answer(*reads.value, b, "2026-01-06"));
}

TEST_CASE("two completed sessions on one day are a warning, when they are not after as_of", "[evaluate][order]") {
  const Timeline t = timeline(R"({"patient": {"id": "x"}, "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-05T14:00"},
      {"date": "2026-01-07"}, {"date": "2026-01-07", "status": "missed"}, {"date": "2026-01-20"}, {"date": "2026-01-20"}]})");
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 10);
  const Evaluation e = evaluate(default_plan(), t, o);
  REQUIRE(e.warnings.size() == 1);  // not the pair on 01-20, after as_of: a past decision is re-made as it was
  CHECK(e.warnings[0].code == "timeline.same_day_sessions");
  CHECK(e.warnings[0].pointer == "/sessions/1");
  CHECK(e.warnings[0].message == "two completed sessions on 2026-01-05 (/sessions/0 and /sessions/1); they count as one");
  o.as_of = *Date::from_ymd(2026, 1, 20);
  CHECK(evaluate(default_plan(), t, o).warnings.size() == 2);
}

TEST_CASE("a timed and an untimed decision of one day are read in a fixed order, with a warning", "[evaluate][order]") {
  // Only one carries a time, so no time orders them: the untimed one is read at the day's end.
  const Timeline t = timeline(R"({"patient": {"id": "o-2"},
    "assessments": [{"date": "2026-03-01", "instrument": "phq9", "score": 20}],
    "decisions": [{"date": "2026-03-05T10:00", "kind": "start_series"}, {"date": "2026-03-05", "kind": "end_treatment"}]})");
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 3, 6);
  const Evaluation e = evaluate(default_plan(), t, o);
  REQUIRE(e.warnings.size() == 1);
  CHECK(e.warnings[0].code == "replay.unordered_decisions");
  CHECK(e.warnings[0].message ==
        "the start_series and end_treatment decisions on 2026-03-05 have no times that order them: start_series is read first; "
        "give each a time to say which came last");
  // Two times order them: no warning.
  const Timeline timed = timeline(R"({"patient": {"id": "o-3"},
    "decisions": [{"date": "2026-03-05T10:00", "kind": "start_series"}, {"date": "2026-03-05T11:00", "kind": "end_treatment"}]})");
  CHECK(evaluate(default_plan(), timed, o).warnings.empty());
}

TEST_CASE("a transition's warning reads the moment it is taken, as its explanation does", "[evaluate]") {
  // Rendered after the set, {a} showed the new state beside {f.a} (= a) computed before it.
  const Result<Plan> plan = build_plan(SourceFile("warn.yaml", R"(regimen: 1
protocol: {id: t, version: 0.1.0, title: T}
sources: {s: "S"}
state:
  a: {type: int, initial: "0"}
  flag: {type: bool, initial: "true"}
facts:
  f.a: a
  f.b: a * 10
phases:
  one: {start: true, terminal: true}
transitions:
  - {id: t1, from: one, on: session, when: "f.a >= 0", set: {a: a + 1, flag: unknown}, warn: "state={a} fact={f.a} other={f.b}"}
rules:
  - {id: r, when: flag, action: review, summary: "x", cites: [s]}
)"));
  REQUIRE(plan.ok());  // `set: {flag: unknown}` on a bool forgets it, as on any other type
  const Timeline t = timeline(R"({"patient": {"id": "w"}, "sessions": [{"date": "2026-01-05"}, {"date": "2026-01-07"}]})");
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 8);
  const Evaluation e = evaluate(*plan.value, t, o);
  REQUIRE(e.warnings.size() == 2);
  CHECK(e.warnings[0].message == "state=0 fact=0 other=0");
  CHECK(e.warnings[1].message == "state=1 fact=1 other=10");
  CHECK(e.recommendations.empty());  // flag is unknown: the rule is not evaluated
}

TEST_CASE("whole numbers that leave 64 bits, and numbers that leave a double, are unknown", "[evaluate]") {
  // They wrapped around: 2^63 - 1 + 1 was the most negative int, and a huge observation rounded
  // to a huge negative int.
  const Result<Plan> plan = build_plan(SourceFile("n.yaml", R"(regimen: 1
protocol: {id: t, version: 0.1.0, title: T}
sources: {s: "S"}
facts:
  add: 9223372036854775807 + 1
  sub: -9223372036854775807 - 2
  mul: 9223372036854775807 * 2
  neg_abs: abs(-9223372036854775807 - 1)
  round_big: round(latest_observation('x').value)
  days_big: 9223372036854775807 * 2d
  e99: 1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000.0
  big_number: e99 * e99 * e99 * e99
  fine: 9223372036854775806 + 1
phases:
  one: {start: true, terminal: true}
rules:
  - {id: r, action: review, summary: "x", cites: [s]}
)"));
  REQUIRE(plan.ok());
  const Timeline t = timeline(R"({"patient": {"id": "n"}, "observations": [{"date": "2026-01-05", "code": "x", "value": 1e20}]})");
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 1, 8);
  const auto json = nlohmann::json::parse(to_json(*plan.value, evaluate(*plan.value, t, o), ReportInfo{}));
  for (const char* unknown : {"add", "sub", "mul", "neg_abs", "round_big", "days_big", "big_number"})
    CHECK(json["facts"][unknown].is_null());
  CHECK(json["facts"]["fine"] == 9223372036854775807LL);
}

TEST_CASE("a window whose earliest day is after its latest recommends nothing, and says why", "[evaluate]") {
  const Result<Plan> plan = build_plan(SourceFile("w.yaml", R"(regimen: 1
protocol: {id: t, version: 0.1.0, title: T}
sources: {s: "S"}
phases:
  one: {start: true, terminal: true}
rules:
  - {id: r, action: schedule_session, window: {earliest: today + 5d, latest: today + 1d}, summary: "x", cites: [s]}
)"));
  REQUIRE(plan.ok());
  EvaluateOptions o;
  o.as_of = *Date::from_ymd(2026, 2, 1);
  const Timeline t = timeline(R"({"patient": {"id": "w"}})");  // the evaluation points into it
  const Evaluation e = evaluate(*plan.value, t, o);
  CHECK(e.recommendations.empty());
  REQUIRE(e.trace.size() == 1);
  CHECK(e.trace[0].result == Outcome::kNotEvaluated);
  CHECK(e.trace[0].missing == std::vector<std::string>{"the window is empty: its earliest day 2026-02-06 is after its latest day 2026-02-02"});
}

TEST_CASE("the history names the clinician's decision, who made it and why, and what each step cites", "[evaluate]") {
  const Timeline t = timeline(R"({"patient": {"id": "d"},
    "decisions": [{"date": "2026-01-20", "kind": "end_treatment", "by": "dr-b", "note": "moved away"}]})");
  const Evaluation e = at(t, 2026, 3, 1);
  const auto json = nlohmann::json::parse(to_json(default_plan(), e, ReportInfo{}));
  const auto& step = json["history"][0];
  CHECK(step["decision"] == "end_treatment");
  CHECK(step["by"] == "dr-b");
  CHECK(step["note"] == "moved away");
  CHECK_FALSE(step["cites"].empty());
  const std::string text = explain_text(default_plan(), e, ReportInfo{});
  CHECK(text.find("end_treatment on 2026-01-20 (by dr-b: \"moved away\")") != std::string::npos);
  CHECK(text.find("Sources") != std::string::npos);  // the transition's, though no rule fired
  // Why not that: the rules of other phases are named, with their phases.
  std::string flat = text;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  CHECK(flat.find("Rules for other phases, not considered in ended") != std::string::npos);
  CHECK(flat.find("screening.review (intake, initial_series, series_evaluation)") != std::string::npos);
}

TEST_CASE("text from the timeline reaches a person's terminal without control characters", "[evaluate]") {
  // A decision's `by` is rendered by the protocol's own explanation ({event.by}) as well as in
  // the history line: neither may carry an escape sequence to the terminal.
  const Timeline t = timeline(R"({"patient": {"id": "c"},
    "decisions": [{"date": "2026-01-20", "kind": "end_treatment", "by": "dr\u001b[2J", "note": "a\nb"}]})");
  const Evaluation e = at(t, 2026, 3, 1);
  const std::string text = explain_text(default_plan(), e, ReportInfo{});
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("dr?[2J recorded an end_treatment decision") != std::string::npos);
  CHECK(text.find("\"a?b\"") != std::string::npos);
  // JSON keeps them as they are (escaped).
  const auto json = nlohmann::json::parse(to_json(default_plan(), e, ReportInfo{}));
  CHECK(json["history"][0]["by"] == "dr\x1b[2J");
}

TEST_CASE("explain follows each fact a fired rule read down to the values it rests on", "[evaluate]") {
  // series.next_session reads series.interrupted, a fact; the explanation shows why it is false
  // (days since the last session against the limit), and the fact that one reads in turn.
  const Timeline t = timeline(kSeries);  // the evaluation points into it
  const Evaluation e = at(t, 2026, 1, 12);
  std::string text = explain_text(default_plan(), e, ReportInfo{});
  std::replace(text.begin(), text.end(), '\n', ' ');
  const size_t section = text.find("The facts behind them");
  REQUIRE(section != std::string::npos);
  const size_t interrupted = text.find("series.interrupted = false: series.days_since_last >", section);
  CHECK(interrupted != std::string::npos);
  CHECK(text.find("with series.days_since_last = 3 days,", interrupted) != std::string::npos);
  CHECK(text.find("series.days_since_last = 3 days: days_since(series.last)", interrupted) != std::string::npos);
}

TEST_CASE("a window that cannot be computed says so, not that data is missing", "[evaluate]") {
  // A baseline on 9999-12-29: the first session's window runs past 9999-12-31, which no date can
  // be. It used to say "no such data in the timeline".
  const Timeline t = timeline(R"({"patient": {"id": "y"}, "assessments": [{"date": "9999-12-29", "instrument": "phq9", "score": 20}]})");
  const Evaluation e = at(t, 9999, 12, 31);
  const TraceEntry* first = nullptr;
  for (const TraceEntry& x : e.trace)
    if (default_plan().rules[x.rule].id == "intake.first_session") first = &x;
  REQUIRE(first);
  CHECK(first->result == Outcome::kNotEvaluated);
  REQUIRE(first->missing.size() == 1);
  CHECK(first->missing[0].starts_with("intake.window_latest: cannot be computed from the values it reads"));
}
