#include "test_file_shape.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "load/yaml_parse.h"
#include "regimen/common/suggest.h"

namespace regimen::testing_shape {
namespace {

constexpr std::string_view kFileKeys[] = {"protocol", "cases"};
constexpr std::string_view kCaseKeys[] = {"name", "as_of", "timeline", "timeline_file", "set", "expect"};
constexpr std::string_view kExpectKeys[] = {"phase",         "actions",          "not_actions",   "flags",
                                            "flags_include", "flags_exclude",    "ignored_events", "warnings_include",
                                            "facts",         "fired_include",    "fired_exclude", "recommendations"};
// Keys whose value is one name or a list of names.
constexpr std::string_view kExpectLists[] = {"actions",       "not_actions",      "flags",         "flags_include",
                                             "flags_exclude", "warnings_include", "fired_include", "fired_exclude"};
constexpr std::string_view kRecommendationKeys[] = {"rule",        "action",    "priority",        "window",
                                                    "overdue",     "instruments", "checklist",     "summary_contains"};
constexpr std::string_view kRecommendationLists[] = {"instruments", "checklist", "summary_contains"};

class Checker {
 public:
  Checker(const SourceFile& file, Diagnostics& out) : file_(file), out_(out) {}

  bool ok() const { return ok_; }

  void error(const YAML::Node& at, std::string message) {
    out_.add(Diagnostic{Severity::kError, "test.schema", file_.name(), load::position_of(at.Mark()), 1, "", std::move(message)});
    ok_ = false;
  }

  /// A map whose keys are all among `known`; false (reported) when it is not a map.
  bool map_of(const YAML::Node& n, std::span<const std::string_view> known, std::string_view what) {
    if (!n.IsMap()) {
      error(n, fmt::format("{} must be a map of {}", what, join_alternatives(known, ", ")));
      return false;
    }
    std::vector<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        error(key, fmt::format("a key of {} must be a name", what));
        continue;
      }
      if (KeyProblem p = check_key(key.Scalar(), seen, known, what); !p.message.empty()) error(key, std::move(p.message));
    }
    return true;
  }

  void scalar(const YAML::Node& n, std::string_view what) {
    if (n && !n.IsScalar()) error(n, fmt::format("{} must be a single value", what));
  }

  void names(const YAML::Node& n, std::string_view what) {
    if (!n || n.IsScalar()) return;
    if (!n.IsSequence()) {
      error(n, fmt::format("{} must be a name or a list of names", what));
      return;
    }
    for (const YAML::Node& x : n)
      if (!x.IsScalar()) error(x, fmt::format("each entry of {} must be a name", what));
  }

  void boolean(const YAML::Node& n, std::string_view what) {
    if (n && (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false")))
      error(n, fmt::format("{} must be true or false", what));
  }

  void whole_number(const YAML::Node& n, std::string_view what) {
    if (!n) return;
    const bool digits = n.IsScalar() && !n.Scalar().empty() &&
                        std::all_of(n.Scalar().begin(), n.Scalar().end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) error(n, fmt::format("{} must be a whole number", what));
  }

  void recommendation(const YAML::Node& r) {
    if (!map_of(r, kRecommendationKeys, "an expected recommendation")) return;
    if (!r["rule"] && !r["action"]) error(r, "an expected recommendation needs a 'rule' or an 'action' to find it by");
    scalar(r["rule"], "'rule'");
    scalar(r["action"], "'action'");
    scalar(r["priority"], "'priority'");
    if (const YAML::Node w = r["window"]; w && (!w.IsSequence() || w.size() != 2 || !w[0].IsScalar() || !w[1].IsScalar()))
      error(w, "'window' must be [earliest, latest], two dates");
    boolean(r["overdue"], "'overdue'");
    for (std::string_view key : kRecommendationLists) names(r[std::string(key)], fmt::format("'{}'", key));
  }

  void expect(const YAML::Node& x) {
    if (!map_of(x, kExpectKeys, "'expect'")) return;
    if (x.size() == 0) error(x, "'expect' is empty: the case would check nothing");
    scalar(x["phase"], "'phase'");
    for (std::string_view key : kExpectLists) names(x[std::string(key)], fmt::format("'{}'", key));
    whole_number(x["ignored_events"], "'ignored_events'");
    if (const YAML::Node facts = x["facts"]; facts) {
      if (!facts.IsMap()) error(facts, "'facts' must be a map of fact name → expected value");
      else
        for (auto it = facts.begin(); it != facts.end(); ++it)
          if (!it->first.IsScalar() || !(it->second.IsScalar() || it->second.IsNull()))
            error(it->first, "each expected fact must be a name and a single value (or null for unknown)");
    }
    if (const YAML::Node recs = x["recommendations"]; recs) {
      if (!recs.IsSequence()) error(recs, "'recommendations' must be a list of expected recommendations");
      else
        for (const YAML::Node& r : recs) recommendation(r);
    }
  }

 private:
  const SourceFile& file_;
  Diagnostics& out_;
  bool ok_ = true;
};

}  // namespace

bool check_file(const YAML::Node& root, const SourceFile& file, Diagnostics& out) {
  Checker c(file, out);
  if (!root || root.IsNull()) {
    out.add(Diagnostic{Severity::kError, "test.schema", file.name(), {}, 1, "", "the test file is empty: it needs a list of 'cases'"});
    return false;
  }
  if (!c.map_of(root, kFileKeys, "a test file")) return false;
  c.scalar(root["protocol"], "'protocol'");
  const YAML::Node cases = root["cases"];
  if (!cases) c.error(root, "a test file needs 'cases', a list of test cases");
  else if (!cases.IsSequence()) c.error(cases, "'cases' must be a list of test cases");
  else if (cases.size() == 0) c.error(cases, "'cases' is empty: a test file with no case tests nothing");
  return c.ok();
}

bool check_case(const YAML::Node& node, const SourceFile& file, Diagnostics& out) {
  Checker c(file, out);
  if (!c.map_of(node, kCaseKeys, "a test case")) return false;
  c.scalar(node["name"], "'name'");
  c.scalar(node["as_of"], "'as_of'");
  c.scalar(node["timeline_file"], "'timeline_file'");
  if (const YAML::Node set = node["set"]; set) {
    if (!set.IsMap()) c.error(set, "'set' must be a map of parameter → value");
    else
      for (auto it = set.begin(); it != set.end(); ++it)
        if (!it->first.IsScalar() || !it->second.IsScalar())
          c.error(it->first, "each entry of 'set' must be a parameter name and a single value");
  }
  if (!node["expect"]) c.error(node, "the case has no 'expect'");
  else c.expect(node["expect"]);
  return c.ok();
}

}  // namespace regimen::testing_shape
