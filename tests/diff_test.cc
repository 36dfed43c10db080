// regimen diff on tests/fixtures/diff/: old.yaml and new.yaml (five sessions instead of four,
// follow-up a week later, an urgent reassessment, a new low-baseline rule, a rule removed, two
// transitions swapped) and a five-patient cohort with one patient per kind of change.

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "regimen/compile/compiler.h"
#include "regimen/evaluate/compare.h"
#include "regimen/explain/diff_report.h"
#include "regimen/load/protocol_loader.h"
#include "regimen/load/timeline_reader.h"
#include "regimen/protocol/structural_diff.h"

using namespace regimen;

namespace {

const std::string kDir = std::string(REGIMEN_SOURCE_DIR) + "/tests/fixtures/diff/";

struct Version {
  LoadedProtocolFile file;
  Plan plan;
};

const Version& version(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Version>> loaded;
  auto& v = loaded[name];
  if (!v) {
    v = std::make_unique<Version>();
    v->file = load_protocol_file(kDir + name);
    REQUIRE(v->file.result.ok());
    Result<Plan> plan = build_plan(v->file.source);
    REQUIRE(plan.ok());
    v->plan = std::move(*plan.value);
  }
  return *v;
}

std::vector<std::string> cohort_lines() {
  std::ifstream in(kDir + "cohort.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Timeline read(const std::string& line) {
  JsonTimelineReader reader(version("old.yaml").plan.instruments);
  Result<Timeline> t = reader.read(line, "cohort.jsonl");
  REQUIRE(t.ok());
  return std::move(*t.value);
}

// The kinds of change of one cohort line, evaluated as `regimen diff` does (no trace).
std::vector<ChangeKind> kinds_of(const std::string& line) {
  const Plan& a = version("old.yaml").plan;
  const Plan& b = version("new.yaml").plan;
  const Timeline t = read(line);
  EvaluateOptions options;
  options.as_of = t.as_of->date;
  options.trace = false;
  const Evaluation x = evaluate(a, t, options);
  const Evaluation y = evaluate(b, t, options);
  return change_kinds(differences(a, x, b, y));
}

std::vector<std::string> labels(const std::vector<ChangeKind>& kinds) {
  std::vector<std::string> out;
  for (const ChangeKind& k : kinds) out.push_back(k.label);
  return out;
}

const ItemChange* item(const std::vector<ItemChange>& changes, const std::string& section, const std::string& name) {
  for (const ItemChange& c : changes)
    if (c.section == section && c.name == name) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("the structural diff matches items by name and says what changed in each", "[diff]") {
  const std::vector<ItemChange> changes =
      structural_diff(*version("old.yaml").file.result.value, *version("new.yaml").file.result.value);
  std::vector<std::string> summary;
  for (const ItemChange& c : changes) summary.push_back(c.section + " " + c.name + " " + std::string(to_string(c.kind)));
  CHECK(summary == std::vector<std::string>{
                       "protocol booster-course changed", "parameter course.sessions changed", "parameter follow_up.days changed",
                       "fact phq9.baseline changed", "transition course.responded changed",
                       "transition course.not_responded changed", "rule course.overdue_review removed",
                       "rule review.no_response changed", "rule baseline.low added"});

  const ItemChange* sessions = item(changes, "parameter", "course.sessions");
  REQUIRE(sessions->fields.size() == 2);
  CHECK(sessions->fields[0].field == "default");
  CHECK(sessions->fields[0].before == "4");
  CHECK(sessions->fields[0].after == "5");
  CHECK(sessions->fields[1].field == "range");
  CHECK(sessions->fields[1].before == "[2, 8]");
  CHECK(sessions->fields[1].after == "[2, 10]");
  // 28 and 5w are both written durations: compared as days, shown as days.
  const ItemChange* follow = item(changes, "parameter", "follow_up.days");
  REQUIRE(follow->fields.size() == 1);
  CHECK(follow->fields[0].before == "28 days");
  CHECK(follow->fields[0].after == "35 days");
  // Moved in the file, not a change; read in another order, a change.
  const ItemChange* responded = item(changes, "transition", "course.responded");
  REQUIRE(responded->fields.size() == 1);
  CHECK(responded->fields[0].field == "order");
  CHECK(responded->fields[0].before == "read before course.not_responded");
  CHECK(responded->fields[0].after == "read after course.not_responded");
  CHECK(responded->before_pos.line == 44);
  CHECK(responded->after_pos.line == 49);
  CHECK_FALSE(item(changes, "rule", "course.next_session"));  // the same rule, though the file around it moved
  const ItemChange* priority = item(changes, "rule", "review.no_response");
  REQUIRE(priority->fields.size() == 1);
  CHECK(priority->fields[0].field == "priority");
  CHECK(priority->fields[0].before == "soon");
  CHECK(priority->fields[0].after == "urgent");
  const ItemChange* added = item(changes, "rule", "baseline.low");
  CHECK(added->before_pos.line == 0);
  CHECK(added->after_pos.line == 89);
  CHECK(added->fields[0].field == "when");
  CHECK(added->fields[0].after == "phq9.baseline < 10");
}

TEST_CASE("a protocol compared with itself has no structural change", "[diff]") {
  const ast::Protocol& p = *version("old.yaml").file.result.value;
  CHECK(structural_diff(p, p).empty());
}

TEST_CASE("each patient of the cohort falls in the groups its change belongs to", "[diff]") {
  const std::vector<std::string> lines = cohort_lines();
  REQUIRE(lines.size() == 5);
  // p-mid: "Session 3 of 4" becomes "Session 3 of 5", nothing else.
  CHECK(labels(kinds_of(lines[0])) == std::vector<std::string>{"schedule_session worded differently (course.next_session)"});
  // p-four: four sessions were the whole course; now a fifth is due. Baseline 9: a new flag.
  CHECK(labels(kinds_of(lines[1])) == std::vector<std::string>{"action collect_assessment removed", "action schedule_session added",
                                                               "flag low_baseline added"});
  // p-responder: responded after four sessions, which no longer ends the course.
  CHECK(labels(kinds_of(lines[2])) ==
        std::vector<std::string>{"phase follow_up → course", "schedule_session now from rule course.next_session (was follow_up.visit)",
                                 "flag low_baseline added"});
  // p-follow: in follow-up under both; the visit comes 35 days after the last session, not 28.
  CHECK(labels(kinds_of(lines[3])) == std::vector<std::string>{"schedule_session window moved by +7 days"});
  // p-nonresp: reassessment under both, now urgent.
  CHECK(labels(kinds_of(lines[4])) == std::vector<std::string>{"reassess priority soon → urgent"});
}

TEST_CASE("the tally counts each group, keeps the first example ids and orders by count", "[diff]") {
  const std::vector<std::string> lines = cohort_lines();
  ChangeTally tally(1);
  for (size_t i = 0; i < lines.size(); ++i) tally.add(read(lines[i]).patient_id, i + 1, kinds_of(lines[i]));
  tally.add("p-same", 6, {});
  CHECK(tally.evaluated == 6);
  CHECK(tally.changed == 5);
  CHECK(tally.wording_only == 1);
  CHECK(tally.in_several == 2);
  const std::vector<ChangeGroup> groups = tally.groups();
  REQUIRE(groups.size() == 8);
  CHECK(groups[0].label == "flag low_baseline added");
  CHECK(groups[0].count == 2);
  CHECK(groups[0].examples == std::vector<std::string>{"p-four"});  // at most 1, the first in input order
  CHECK(groups[0].first_line == 2);
  CHECK(groups[0].subject == "low_baseline");
  // The rest, one patient each, by label.
  CHECK(groups[1].label == "action collect_assessment removed");
  CHECK(groups[3].label == "phase follow_up → course");
  CHECK(groups[3].before == "follow_up");
  CHECK(groups[3].after == "course");
  CHECK(groups[7].label == "schedule_session worded differently (course.next_session)");
}

TEST_CASE("the example of a phase change shows where the two replays part, and why", "[diff]") {
  const Plan& a = version("old.yaml").plan;
  const Plan& b = version("new.yaml").plan;
  Timeline t = read(cohort_lines()[2]);  // p-responder
  const Date day = t.as_of->date;
  const auto c = compare_patient(a, b, std::move(t), day);
  REQUIRE(c->divergence);
  const ReplayDivergence& d = *c->divergence;
  CHECK(c->before.events[d.event].date.to_string() == "2026-03-24");  // the PHQ-9 after session four
  REQUIRE(d.before);
  CHECK(a.transitions[d.before->transition].id == "course.responded");
  CHECK_FALSE(d.after);  // the new version takes no transition there
  REQUIRE(d.after_passed);
  CHECK(b.transitions[d.after_passed->transition].id == "course.responded");
  CHECK_FALSE(d.after_passed->unknown);
  CHECK(format_values(d.after_passed->values, c->after) ==
        "course.count = 4, params.course.sessions = 5, phq9.responding = true");

  // The rules that differ, with their place in each file.
  bool saw_next_session = false;
  for (const Difference& x : c->differences)
    if (x.what == "rule" && x.rule == "course.next_session") {
      saw_next_session = true;
      CHECK(x.before == "not considered (other phase)");
      CHECK(x.after == "fires");
      CHECK(a.where(a.rules[static_cast<size_t>(x.before_rule)].pos) == a.file + ":62:11");
      CHECK(b.where(b.rules[static_cast<size_t>(x.after_rule)].pos) == b.file + ":62:11");
    }
  CHECK(saw_next_session);
}

TEST_CASE("a rule only one version has is 'not in this version' on the other side", "[diff]") {
  const Plan& a = version("old.yaml").plan;
  const Plan& b = version("new.yaml").plan;
  const auto c = compare_patient(a, b, read(cohort_lines()[1]), parse_date("2026-03-25").value->date);  // p-four
  const Difference* low = nullptr;
  for (const Difference& x : c->differences)
    if (x.what == "rule" && x.rule == "baseline.low") low = &x;
  REQUIRE(low);
  CHECK(low->before == "not in this version");
  CHECK(low->after == "fires");
  CHECK(low->before_rule == -1);
}

TEST_CASE("the text report names the changes, the groups and one example each", "[diff]") {
  const Plan& a = version("old.yaml").plan;
  const Plan& b = version("new.yaml").plan;
  DiffReport r;
  r.before = {&a, "x"};
  r.after = {&b, "y"};
  r.structure = structural_diff(*version("old.yaml").file.result.value, *version("new.yaml").file.result.value);
  r.has_cohort = true;
  r.cohort = "cohort.jsonl";
  const std::vector<std::string> lines = cohort_lines();
  ChangeTally tally(3);
  for (size_t i = 0; i < lines.size(); ++i) tally.add(read(lines[i]).patient_id, i + 1, kinds_of(lines[i]));
  r.evaluated = tally.evaluated;
  r.changed = tally.changed;
  r.wording_only = tally.wording_only;
  r.in_several = tally.in_several;
  r.groups = tally.groups();
  std::vector<std::unique_ptr<PatientComparison>> kept;
  for (const ChangeGroup& g : r.groups) {
    Timeline t = read(lines[g.first_line - 1]);
    const Date day = t.as_of->date;
    kept.push_back(compare_patient(a, b, std::move(t), day));
    r.examples.push_back(kept.back().get());
  }
  const std::string text = diff_text(r);
  CHECK_THAT(text, Catch::Contains("  ~ parameter course.sessions, at"));
  // The fixture's absolute path decides where the line wraps, so the place is checked apart.
  CHECK_THAT(text, Catch::Contains("new.yaml:16:3"));
  CHECK_THAT(text, Catch::Contains("(old: line 16)\n      default: 4 → 5\n      range: [2, 8] → [2, 10]\n"));
  CHECK_THAT(text, Catch::Contains("  - rule course.overdue_review, removed from"));
  CHECK_THAT(text, Catch::Contains("  + rule baseline.low, added at"));
  CHECK_THAT(text, Catch::Contains("5 patients of cohort.jsonl evaluated under both versions"));
  CHECK_THAT(text, Catch::Contains("         1  in phase course instead of follow_up\n"));
  CHECK_THAT(text, Catch::Contains("         3  in the same phase, with other recommendations"));
  CHECK_THAT(text, Catch::Contains("         1  in the same phase, with a recommendation only worded differently\n"));
  CHECK_THAT(text, Catch::Contains("         2  flag low_baseline added\n              e.g. p-four, p-responder\n"));
  CHECK_THAT(text, Catch::Contains("what differs: params.course.sessions = 4 → 5"));
  CHECK_THAT(text, Catch::Contains("the summary reads: params.course.sessions = 4 → 5"));

  const std::string json = diff_json(r);
  for (const char* key : {"\"protocol_changes\"", "\"cohort\"", "\"groups\"", "\"kind\": \"phase\"", "\"divergence\"",
                          "\"old_source\"", "\"new_source\"", "\"wording_only\": 1", "\"in_several_groups\": 2"})
    CHECK_THAT(json, Catch::Contains(key));
}

TEST_CASE("the structural diff sees a parameter's at_most", "[diff]") {
  const std::string before = "protocol: {id: t, version: 1.0.0, title: T}\n"
                             "parameters:\n  lo: {type: days, default: 2, at_most: hi}\n  hi: {type: days, default: 4}\n";
  std::string after = before;
  after.replace(after.find(", at_most: hi"), 13, "");
  const Result<ast::Protocol> a = load_protocol(SourceFile("a.yaml", before)), b = load_protocol(SourceFile("b.yaml", after));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  const std::vector<ItemChange> changes = structural_diff(*a.value, *b.value);
  const ItemChange* lo = item(changes, "parameter", "lo");
  REQUIRE(lo != nullptr);
  REQUIRE(lo->fields.size() == 1);
  CHECK(lo->fields[0].field == "at_most");
  CHECK(lo->fields[0].before == "hi");
}

namespace {

std::string old_text() {
  std::ifstream in(kDir + "old.yaml");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The kinds of change of one cohort line between old.yaml and the given text of a new version.
std::vector<std::string> labels_against(const std::string& new_text, size_t line) {
  const Plan& a = version("old.yaml").plan;
  Result<Plan> b = build_plan(SourceFile("changed.yaml", new_text));
  REQUIRE(b.ok());
  const Timeline t = read(cohort_lines()[line]);
  EvaluateOptions options;
  options.as_of = t.as_of->date;
  options.trace = false;
  return labels(change_kinds(differences(a, evaluate(a, t, options), *b.value, evaluate(*b.value, t, options))));
}

}  // namespace

TEST_CASE("a rule whose action changed gives one action removed and another added, never a rewording", "[diff]") {
  // p-nonresp is in review under both; its rule now asks for a review instead of a reassessment,
  // and says so in other words.
  std::string text = replaced(old_text(), "    action: reassess\n", "    action: review\n");
  CHECK(labels_against(text, 4) == std::vector<std::string>{"action reassess removed", "action review added"});
  text = replaced(text, "reassess.\"", "review the course.\"");
  CHECK(labels_against(text, 4) == std::vector<std::string>{"action reassess removed", "action review added"});
}

TEST_CASE("an action the other version recommends anyway, from another rule, is not added or removed", "[diff]") {
  const std::string second_rule = "  - id: review.second_opinion\n    phase: review\n    action: reassess\n"
                                  "    checklist: [second_opinion]\n    summary: \"Ask for a second opinion.\"\n    cites: [seed]\n";
  const std::string text = old_text() + second_rule;
  CHECK(labels_against(text, 4) == std::vector<std::string>{"reassess now also from rule review.second_opinion"});
  // And the other way round: the old version has the two rules, the new one the first only.
  const Plan& b = version("old.yaml").plan;
  Result<Plan> a = build_plan(SourceFile("two.yaml", text));
  REQUIRE(a.ok());
  const Timeline t = read(cohort_lines()[4]);
  EvaluateOptions options;
  options.as_of = t.as_of->date;
  options.trace = false;
  CHECK(labels(change_kinds(differences(*a.value, evaluate(*a.value, t, options), b, evaluate(b, t, options)))) ==
        std::vector<std::string>{"reassess no longer also from rule review.second_opinion"});
}

TEST_CASE("the structural diff reads expressions as the engine does: layout and set order are no change", "[diff]") {
  std::string text = replaced(old_text(), "when: course.count >= params.course.sessions and phq9.responding",
                              "when: \"(course.count >=   params.course.sessions)\n      and phq9.responding\"");
  text = replaced(text, "    from: follow_up\n    on: session", "    from: [follow_up]\n    on: session");
  text = replaced(text, "latest: course.next_day + 2d}", "latest: (course.next_day) + 2d}");
  const Result<ast::Protocol> b = load_protocol(SourceFile("layout.yaml", text));
  REQUIRE(b.ok());
  CHECK(structural_diff(*version("old.yaml").file.result.value, *b.value).empty());
  // A change of meaning still shows, in the engine's own form.
  text = replaced(text, "and phq9.responding", "or phq9.responding");
  const Result<ast::Protocol> c = load_protocol(SourceFile("meaning.yaml", text));
  REQUIRE(c.ok());
  const std::vector<ItemChange> changes = structural_diff(*version("old.yaml").file.result.value, *c.value);
  REQUIRE(changes.size() == 1);
  REQUIRE(changes[0].fields.size() == 1);
  CHECK(changes[0].fields[0].before == "course.count >= params.course.sessions and phq9.responding");
  CHECK(changes[0].fields[0].after == "course.count >= params.course.sessions or phq9.responding");
  // An int and a number literal differ (their arithmetic does): 1 and 1.0 are a change.
  const std::string times_int = replaced(old_text(), "phq9.change: pct_change(phq9.baseline, phq9.latest)",
                                         "phq9.change: pct_change(phq9.baseline, phq9.latest) * 1");
  const std::string times_number = replaced(old_text(), "phq9.change: pct_change(phq9.baseline, phq9.latest)",
                                            "phq9.change: pct_change(phq9.baseline, phq9.latest) * 1.0");
  const Result<ast::Protocol> i = load_protocol(SourceFile("i.yaml", times_int));
  const Result<ast::Protocol> n = load_protocol(SourceFile("n.yaml", times_number));
  REQUIRE(i.ok());
  REQUIRE(n.ok());
  const std::vector<ItemChange> literal = structural_diff(*i.value, *n.value);
  REQUIRE(literal.size() == 1);
  CHECK(literal[0].fields[0].after == "pct_change(phq9.baseline, phq9.latest) * 1.0");
}
