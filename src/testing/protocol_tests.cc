// The protocol test runner. A test file:
//
//   protocol: ../ketamine-depression.yaml   # relative to this file; default: the built-in protocol
//   cases:
//     - name: …
//       as_of: 2026-01-26
//       timeline: {patient: {id: t}, sessions: […], …}   # or timeline_file: path
//       set: {series.target_sessions: 8}                # parameter overrides
//       expect: {phase, actions, flags, flags_include, flags_exclude, recommendations: […],
//                warnings_include, ignored_events, facts}

#include "regimen/testing/protocol_tests.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <set>
#include <yaml-cpp/yaml.h>

#include "load/timeline_node.h"
#include "load/yaml_parse.h"
#include "regimen/common/file_text.h"
#include "regimen/common/suggest.h"
#include "regimen/compile/compiler.h"
#include "regimen/compile/overrides.h"
#include "regimen/evaluate/evaluator.h"
#include "regimen/load/protocol_loader.h"
#include "test_file_shape.h"

namespace regimen {
namespace {

namespace fs = std::filesystem;

SourcePos pos_of(const YAML::Node& n) { return load::position_of(n.Mark()); }

std::string join(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + xs[i];
  return out + "]";
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;  // an absent key: yaml-cpp throws on using it
  if (n.IsScalar()) out.push_back(n.Scalar());
  else if (n.IsSequence())
    for (const auto& x : n) out.push_back(x.Scalar());
  return out;
}

struct PlanCache {
  std::map<std::string, Result<Plan>> plans;
  std::map<std::string, SourceFile> sources;

  const Result<Plan>& get(const std::string& path) {
    auto it = plans.find(path);
    if (it != plans.end()) return it->second;
    SourceFile source;
    if (path.empty()) {
      source = default_protocol_source();
    } else {
      FileText file = read_file_text(path);
      if (!file.ok()) {
        Result<Plan> r;
        r.diagnostics.add(Diagnostic{Severity::kError, "test.protocol", path, {}, 1, "", "cannot read the protocol: " + file.problem});
        return plans.emplace(path, std::move(r)).first->second;
      }
      source = SourceFile(path, std::move(file.text));
    }
    sources[path] = source;
    return plans.emplace(path, build_plan(source)).first->second;
  }
};

// What the cases run against one protocol text exercised.
struct CoverageAccumulator {
  const Plan* plan = nullptr;
  SourceFile source;
  CoverageSink sink;
  std::vector<CoverageCase> cases;
};

class CaseRunner {
 public:
  CaseRunner(const Plan& plan, const SourceFile& file, TestRun& run, CoverageAccumulator* coverage)
      : plan_(plan), file_(file), run_(run), coverage_(coverage) {}

  void run(const YAML::Node& c, size_t number) {
    TestCaseResult result;
    result.file = file_.name();
    result.pos = pos_of(c);
    const bool named = c.IsMap() && c["name"] && c["name"].IsScalar();
    result.name = named ? c["name"].Scalar() : fmt::format("case {}", number);
    if (!testing_shape::check_case(c, file_, run_.errors)) {
      result.differences.push_back("the case is not written as a test case (see the errors above), so it was not run");
      return finish(std::move(result));
    }
    auto fail_setup = [&](SourcePos at, std::string message) {
      run_.errors.add(Diagnostic{Severity::kError, "test.case", file_.name(), at, 1, "",
                                 fmt::format("{}: {}", result.name, message)});
      result.differences.push_back(std::move(message));
      finish(std::move(result));
    };

    // The timeline.
    TimelineReadOptions read_options;
    read_options.instruments = &plan_.instruments;
    Result<Timeline> timeline;
    if (c["timeline"]) {
      timeline = load::read_timeline_node(c["timeline"], file_, read_options);
    } else if (c["timeline_file"]) {
      const fs::path path = fs::path(file_.name()).parent_path() / c["timeline_file"].Scalar();
      timeline = read_timeline_file(path.string(), read_options).result;
    } else {
      return fail_setup(result.pos, "the case has no 'timeline' or 'timeline_file'");
    }
    if (!timeline.ok()) {
      for (const Diagnostic& d : timeline.diagnostics) run_.errors.add(d);
      return fail_setup(result.pos, "its timeline is not valid (see the errors above)");
    }

    EvaluateOptions options;
    const YAML::Node as_of = c["as_of"];
    if (as_of) {
      DateParse p = parse_date_or_datetime(as_of.Scalar());  // a date-time is accepted wherever a date is
      if (!p.value) return fail_setup(pos_of(as_of), fmt::format("as_of '{}' is not a date: {}", as_of.Scalar(), p.problem));
      options.as_of = p.value->date;
    } else if (timeline.value->as_of) {
      options.as_of = timeline.value->as_of->date;
    } else {
      return fail_setup(result.pos, "the case has no as_of (and its timeline none)");
    }
    if (const YAML::Node set = c["set"]) {
      std::vector<ParameterOverride> overrides;
      for (auto it = set.begin(); it != set.end(); ++it) {
        OverrideResult o = parse_override(plan_, it->first.Scalar(), it->second.Scalar());
        if (!o.value) return fail_setup(pos_of(it->first), o.error);
        overrides.push_back(*o.value);
        options.overrides.emplace_back(o.value->index, std::move(o.value->value));
      }
      if (std::string order = check_parameter_order(plan_, overrides); !order.empty()) return fail_setup(pos_of(set), order);
    }

    const Evaluation e = evaluate(plan_, *timeline.value, options);
    input_warnings_.clear();
    for (const Diagnostic& d : timeline.diagnostics) input_warnings_.push_back(d.code);
    compare(c["expect"], e, result.differences);  // the shape check made sure there is one
    result.passed = result.differences.empty();
    if (coverage_) measure(*timeline.value, options, e, result);
    finish(std::move(result));
  }

 private:
  void finish(TestCaseResult r) {
    (r.passed ? run_.passed : run_.failed) += 1;
    run_.cases.push_back(std::move(r));
  }

  // Coverage counts what deciding the answer evaluated, so the case is evaluated once more
  // without the trace (which evaluates every fact, for display) and with the sink.
  void measure(const Timeline& timeline, const EvaluateOptions& options, const Evaluation& traced,
               const TestCaseResult& result) {
    EvaluateOptions measured = options;
    measured.trace = false;
    measured.coverage = &coverage_->sink;
    evaluate(plan_, timeline, measured);
    CoverageCase c{result.file, result.pos, result.name, result.passed, {}};
    for (const TraceEntry& t : traced.trace)
      if (t.result == Outcome::kTrue) c.fired.push_back(t.rule);
    coverage_->cases.push_back(std::move(c));
  }

  /// Every name an expectation gives must be one the protocol has: `not_actions:
  /// [colect_assessment]` would otherwise pass whatever happened, a check that is not made.
  void check_names(const YAML::Node& x, std::vector<std::string>& diff) {
    std::vector<std::string_view> actions, flags, rules, phases;
    for (int a = 0; a <= static_cast<int>(Action::kHold); ++a) actions.push_back(to_string(static_cast<Action>(a)));
    for (const std::string& f : plan_.flag_names) flags.push_back(f);
    for (const Plan::Rule& r : plan_.rules) rules.push_back(r.id);
    for (const auto& p : plan_.phases) phases.push_back(p.name);
    auto check = [&](const char* key, std::string_view what, const std::vector<std::string_view>& known) {
      const YAML::Node given = x[key];
      for (const std::string& name : given && given.IsScalar() ? std::vector<std::string>{given.Scalar()} : strings(given)) {
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        std::string message = fmt::format("{}: the protocol has no {} {}", key, what, name);
        if (auto m = closest_match(name, known)) message += fmt::format(" (did you mean {}?)", *m);
        diff.push_back(std::move(message));
      }
    };
    check("phase", "phase", phases);
    for (const char* key : {"actions", "not_actions"}) check(key, "action", actions);
    for (const char* key : {"flags", "flags_include", "flags_exclude"}) check(key, "flag", flags);
    for (const char* key : {"fired_include", "fired_exclude"}) check(key, "rule", rules);
  }

  void compare(const YAML::Node& x, const Evaluation& e, std::vector<std::string>& diff) {
    check_names(x, diff);
    std::vector<std::string> actions, flags = e.flags;
    for (const Recommendation& r : e.recommendations) actions.emplace_back(to_string(r.action));
    const std::string phase = plan_.phases[e.phase].name;
    if (x["phase"] && x["phase"].Scalar() != phase)
      diff.push_back(fmt::format("phase: expected {}, got {}", x["phase"].Scalar(), phase));
    if (x["actions"] && strings(x["actions"]) != actions)
      diff.push_back(fmt::format("actions: expected {}, got {}", join(strings(x["actions"])), join(actions)));
    for (const std::string& a : strings(x["not_actions"]))
      if (std::find(actions.begin(), actions.end(), a) != actions.end())
        diff.push_back(fmt::format("actions: expected no {}, got {}", a, join(actions)));
    if (x["flags"]) {
      std::vector<std::string> want = strings(x["flags"]);
      std::sort(want.begin(), want.end());
      if (want != flags) diff.push_back(fmt::format("flags: expected {}, got {}", join(want), join(flags)));
    }
    for (const std::string& f : strings(x["flags_include"]))
      if (std::find(flags.begin(), flags.end(), f) == flags.end())
        diff.push_back(fmt::format("flags: expected {} among {}", f, join(flags)));
    for (const std::string& f : strings(x["flags_exclude"]))
      if (std::find(flags.begin(), flags.end(), f) != flags.end())
        diff.push_back(fmt::format("flags: expected no {}, got {}", f, join(flags)));
    if (x["ignored_events"] && std::to_string(e.ignored_events) != x["ignored_events"].Scalar())
      diff.push_back(fmt::format("ignored_events: expected {}, got {}", x["ignored_events"].Scalar(), e.ignored_events));
    for (const std::string& code : strings(x["warnings_include"]))
      if (std::none_of(e.warnings.begin(), e.warnings.end(), [&](const EvaluationWarning& w) { return w.code == code; }) &&
          std::find(input_warnings_.begin(), input_warnings_.end(), code) == input_warnings_.end())
        diff.push_back(fmt::format("warnings: expected one with code {}", code));
    if (const YAML::Node facts = x["facts"]) {
      for (auto it = facts.begin(); it != facts.end(); ++it) {
        const std::string name = it->first.Scalar(), want = it->second.IsNull() ? "unknown" : it->second.Scalar();
        auto f = std::find_if(e.facts.begin(), e.facts.end(), [&](const auto& p) { return plan_.facts[p.first].name == name; });
        if (f == e.facts.end()) {
          std::vector<std::string_view> known;
          for (const auto& fact : plan_.facts) known.push_back(fact.name);
          std::string message = fmt::format("facts: the protocol has no fact {}", name);
          if (auto m = closest_match(name, known)) message += fmt::format(" (did you mean {}?)", *m);
          diff.push_back(std::move(message));
        } else if (format_value(f->second, e) != want)
          diff.push_back(fmt::format("facts: {} expected {}, got {}", name, want, format_value(f->second, e)));
      }
    }
    // Rules that fired (notes and flags included), by id.
    std::vector<std::string> fired;
    for (const TraceEntry& t : e.trace)
      if (t.result == Outcome::kTrue) fired.push_back(plan_.rules[t.rule].id);
    for (const std::string& id : strings(x["fired_include"]))
      if (std::find(fired.begin(), fired.end(), id) == fired.end())
        diff.push_back(fmt::format("rules fired: expected {} among {}", id, join(fired)));
    for (const std::string& id : strings(x["fired_exclude"]))
      if (std::find(fired.begin(), fired.end(), id) != fired.end())
        diff.push_back(fmt::format("rules fired: expected {} not to fire", id));
    if (const YAML::Node recs = x["recommendations"]) {
      for (const auto& want : recs) compare_recommendation(want, e, diff);
    }
  }

  void compare_recommendation(const YAML::Node& want, const Evaluation& e, std::vector<std::string>& diff) {
    // Matched by rule when given, else by the first recommendation with the action.
    const Recommendation* got = nullptr;
    for (const Recommendation& r : e.recommendations) {
      if (want["rule"] && plan_.rules[r.rule].id != want["rule"].Scalar()) continue;
      if (want["action"] && std::string(to_string(r.action)) != want["action"].Scalar()) continue;
      got = &r;
      break;
    }
    const std::string label = want["rule"] ? want["rule"].Scalar() : (want["action"] ? want["action"].Scalar() : "?");
    if (!got) {
      diff.push_back(fmt::format("recommendation {}: expected, but there is none", label));
      return;
    }
    if (want["priority"] && want["priority"].Scalar() != to_string(got->priority))
      diff.push_back(fmt::format("recommendation {}: priority expected {}, got {}", label, want["priority"].Scalar(), to_string(got->priority)));
    if (const YAML::Node w = want["window"]) {
      const std::string expected = fmt::format("[{}, {}]", w[0].Scalar(), w[1].Scalar());
      const std::string actual = got->window ? fmt::format("[{}, {}]", got->window->earliest.to_string(), got->window->latest.to_string()) : "none";
      if (expected != actual) diff.push_back(fmt::format("recommendation {}: window expected {}, got {}", label, expected, actual));
    }
    if (want["overdue"]) {
      const bool overdue = got->window && got->window->overdue;
      if ((want["overdue"].Scalar() == "true") != overdue)
        diff.push_back(fmt::format("recommendation {}: overdue expected {}, got {}", label, want["overdue"].Scalar(), overdue));
    }
    if (want["instruments"] && strings(want["instruments"]) != got->instruments)
      diff.push_back(fmt::format("recommendation {}: instruments expected {}, got {}", label, join(strings(want["instruments"])), join(got->instruments)));
    if (want["checklist"] && strings(want["checklist"]) != got->checklist)
      diff.push_back(fmt::format("recommendation {}: checklist expected {}, got {}", label, join(strings(want["checklist"])), join(got->checklist)));
    for (const std::string& part : strings(want["summary_contains"]))
      if (got->summary.find(part) == std::string::npos)
        diff.push_back(fmt::format("recommendation {}: summary expected to contain \"{}\", got \"{}\"", label, part, got->summary));
  }

  const Plan& plan_;
  const SourceFile& file_;
  TestRun& run_;
  CoverageAccumulator* coverage_;
  std::vector<std::string> input_warnings_;  ///< codes of the warnings from reading the timeline
};

}  // namespace

// The files the paths name, each once (a file named twice, or also through its folder, would
// count its cases twice).
std::vector<std::string> test_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  std::set<fs::path> seen;
  auto add = [&](const std::string& file) {
    std::error_code ec;
    const fs::path key = file == "-" ? fs::path("-") : fs::weakly_canonical(file, ec);
    if (seen.insert(ec ? fs::path(file) : key).second) files.push_back(file);
  };
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> in_dir;
      for (const auto& entry : fs::directory_iterator(p, ec))
        if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") in_dir.push_back(entry.path().string());
      std::sort(in_dir.begin(), in_dir.end());
      for (const std::string& f : in_dir) add(f);
    } else {
      add(p);
    }
  }
  return files;
}

TestRun run_protocol_tests(const std::vector<std::string>& paths, const TestRunOptions& options) {
  TestRun run;
  PlanCache plans;
  const SourceFile* protocol_override = options.protocol;
  std::optional<Result<Plan>> override_plan;
  if (protocol_override) override_plan = build_plan(*protocol_override);
  // By text: the built-in protocol and the file it was made from are one protocol.
  std::map<std::string, CoverageAccumulator> coverage;
  // One file's cases; a protocol it names is relative to `dir`.
  auto run_file = [&](const SourceFile& file, const fs::path& dir) {
    run.sources.push_back(file);
    const std::optional<YAML::Node> parsed = load::parse_yaml(file, "test.yaml_syntax", run.errors);
    if (!parsed) {
      ++run.failed;
      return;
    }
    const YAML::Node& root = *parsed;
    if (!testing_shape::check_file(root, file, run.errors)) {
      ++run.failed;
      return;
    }
    std::string protocol;
    if (root["protocol"]) protocol = (dir / root["protocol"].Scalar()).lexically_normal().string();
    const Result<Plan>& plan = override_plan ? *override_plan : plans.get(protocol);
    if (!plan.ok()) {
      for (const Diagnostic& d : plan.diagnostics) run.errors.add(d);
      // Placed at the file's `protocol:` (the built-in protocol when it names none).
      const bool unreadable = std::any_of(plan.diagnostics.begin(), plan.diagnostics.end(),
                                          [](const Diagnostic& d) { return d.message.starts_with("cannot read"); });
      const SourcePos at = root["protocol"] ? load::position_of(root["protocol"].Mark()) : SourcePos{};
      run.errors.add(Diagnostic{Severity::kError, "test.protocol", file.name(), at, 1, "",
                                unreadable ? "its protocol cannot be read" : "its protocol does not compile"});
      run.protocol_failed = true;
      ++run.failed;
      return;
    }
    CoverageAccumulator* measured = nullptr;
    if (options.coverage) {
      const SourceFile& source = override_plan ? *protocol_override : plans.sources[protocol];
      CoverageAccumulator& a = coverage[source.text()];
      if (!a.plan) a = CoverageAccumulator{&*plan.value, source, CoverageSink(*plan.value), {}};
      measured = &a;
    }
    CaseRunner runner(*plan.value, file, run, measured);
    size_t number = 0;
    for (const auto& c : root["cases"]) runner.run(c, ++number);
  };
  for (const std::string& path : test_files(paths)) {
    if (path == "-") {  // standard input: the paths it names are relative to the working directory
      FileText input = read_file_text("-");
      if (!input.ok()) {
        run.errors.add(Diagnostic{Severity::kError, "test.io", input_name("-"), {}, 1, "",
                                  "cannot read the test file: " + input.problem});
        ++run.failed;
        continue;
      }
      run_file(SourceFile(input_name("-"), std::move(input.text)), fs::path());
      continue;
    }
    FileText file = read_file_text(path);
    if (!file.ok()) {
      const bool absent = !std::filesystem::exists(path);
      run.errors.add(Diagnostic{Severity::kError, "test.io", path, {}, 1, "",
                                absent ? "cannot read the test file: there is no such file or directory (`regimen test` "
                                         "with no path reads rules/tests from the current directory)"
                                       : "cannot read the test file: " + file.problem});
      ++run.failed;
      continue;
    }
    run_file(SourceFile(path, std::move(file.text)), fs::path(path).parent_path());
  }
  // Paths that hold no case at all (an empty folder, a misspelt one): a run that tested nothing
  // must not pass.
  if (run.cases.empty() && !run.errors.has_errors()) {
    std::string named;
    for (const std::string& p : paths) named += (named.empty() ? "" : ", ") + p;
    run.errors.add(Diagnostic{Severity::kError, "test.none", paths.size() == 1 ? paths.front() : std::string(), {}, 1, "",
                              "no protocol test case found in " + named + " (a folder is read for its *.yaml files)"});
  }
  for (const auto& [path, source] : plans.sources) run.sources.push_back(source);
  if (protocol_override) run.sources.push_back(*protocol_override);
  for (auto& [text, a] : coverage) run.coverage.push_back(coverage_report(*a.plan, a.source, a.sink, std::move(a.cases)));
  std::stable_sort(run.coverage.begin(), run.coverage.end(),
                   [](const ProtocolCoverage& a, const ProtocolCoverage& b) { return a.file < b.file; });
  return run;
}

}  // namespace regimen
