#pragma once
// Test coverage of a protocol: which rules the protocol tests made fire, which transitions they
// took, and which branches they exercised, each at its file:line:col. Built from what the
// evaluations recorded (regimen/evaluate/coverage_sink.h) and the protocol's text; rendered by
// `regimen test --coverage` and `regimen trace-matrix`. What counts is in docs/protocol-tests.md.

#include <cstdint>
#include <string>
#include <vector>

#include "regimen/common/json_writer.h"
#include "regimen/common/source.h"
#include "regimen/compile/plan.h"
#include "regimen/evaluate/coverage_sink.h"

namespace regimen {

/// One thing a test can exercise.
struct CoverageItem {
  enum class Kind : uint8_t {
    kRule,        ///< a rule fired
    kTransition,  ///< a transition was taken
    kCondition,   ///< a rule's or transition's `when` was true / false
    kOperand,     ///< an operand of `and` / `or` was true / false
    kArm,         ///< an arm of `if` was taken
  };
  Kind kind = Kind::kRule;
  SourcePos pos;
  std::string text;     ///< the expression as written (whitespace collapsed); for rules and transitions, the id
  std::string outcome;  ///< fired, taken, true, false, then, else
  std::string owner_kind;  ///< where it is: rule, transition, fact or state
  std::string owner;       ///< the id or name of that rule, transition, fact or state variable
  int32_t rule = -1;    ///< the rule whose own text (when, window, summary) holds it, else -1
  bool covered = false;
  std::string note;     ///< why it could not be covered, when known ("no case ended in its phase")

  /// What was never seen: "rule 'x' never fired", "branch 'a > b' never false".
  [[nodiscard]] std::string message() const;
  [[nodiscard]] bool is_branch() const { return kind != Kind::kRule && kind != Kind::kTransition; }
};

struct CoverageCount {
  size_t covered = 0, total = 0;
  /// 100 × covered / total, one decimal; 100 when there is nothing to cover.
  [[nodiscard]] double percent() const;
};

/// A protocol test case, as the matrix names it.
struct CoverageCase {
  std::string file;
  SourcePos pos;
  std::string name;
  bool passed = false;
  std::vector<uint32_t> fired;  ///< the rules that fired in it (Plan::rules indices)
};

struct RuleCoverage {
  std::string id;
  SourcePos pos;
  struct Cite {
    std::string id, title, certainty;
  };
  std::vector<Cite> cites;
  std::vector<size_t> cases;  ///< indices into ProtocolCoverage::cases: the cases in which it fired
  CoverageCount branches;     ///< the branches of its own when, window and summary
  std::vector<size_t> uncovered;  ///< indices into ProtocolCoverage::items
};

/// The coverage of one protocol file by the cases run against it.
struct ProtocolCoverage {
  std::string file, id, version;
  std::string sha256;  ///< of the protocol's text: which protocol this is, whatever its file is called
  std::vector<CoverageCase> cases;
  std::vector<CoverageItem> items;  ///< by position
  std::vector<RuleCoverage> rules;  ///< in file order
  CoverageCount rules_fired, transitions_taken, branches;
};

/// The report for `plan` (compiled from `source`) from what `sink` recorded over `cases`.
ProtocolCoverage coverage_report(const Plan& plan, const SourceFile& source, const CoverageSink& sink,
                                 std::vector<CoverageCase> cases);

/// `regimen test --coverage`: per protocol a summary, then every uncovered item by position.
std::string coverage_text(const std::vector<ProtocolCoverage>& reports);
/// The same as one JSON array (stable keys).
void write_coverage_json(const std::vector<ProtocolCoverage>& reports, JsonWriter& out);
/// One item as a JSON object: file, line, column, kind, text, never, in {kind, id}, note, message.
void write_coverage_item_json(const CoverageItem& item, const std::string& file, JsonWriter& out);

}  // namespace regimen
