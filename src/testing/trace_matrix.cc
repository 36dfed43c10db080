// The traceability matrix in Markdown (for a reviewer), CSV (for a spreadsheet) and JSON.

#include "regimen/testing/trace_matrix.h"

#include <fmt/format.h>

#include "regimen/common/json_writer.h"

namespace regimen {
namespace {

size_t failing(const ProtocolCoverage& c) {
  size_t n = 0;
  for (const CoverageCase& k : c.cases) n += k.passed ? 0 : 1;
  return n;
}

std::string case_label(const CoverageCase& c) {
  return fmt::format("{}:{} {}{}", c.file, c.pos.line, c.name, c.passed ? "" : " (FAILING)");
}

std::string source_label(const RuleCoverage::Cite& s) {
  std::string out = s.id;
  if (!s.title.empty() && s.title != s.id) out += ": " + s.title;
  if (!s.certainty.empty()) out += " [" + s.certainty + "]";
  return out;
}

// An uncovered branch, short: "`a > b` never false (12:7)".
std::string branch_label(const CoverageItem& i, bool markdown) {
  const std::string q = markdown ? "`" : "'";
  std::string what;
  switch (i.kind) {
    case CoverageItem::Kind::kCondition: what = fmt::format("condition never {}", i.outcome); break;
    case CoverageItem::Kind::kArm: what = fmt::format("{} arm {}{}{} never taken", i.outcome, q, i.text, q); break;
    default: what = fmt::format("{}{}{} never {}", q, i.text, q, i.outcome); break;
  }
  return fmt::format("{} ({}:{})", what, i.pos.line, i.pos.column);
}

// A Markdown table cell: no '|' and no line break may end it early.
std::string cell(std::string s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

template <class T, class F>
std::string joined(const std::vector<T>& xs, const std::string& sep, F&& f) {
  std::string out;
  for (const T& x : xs) {
    if (!out.empty()) out += sep;
    out += f(x);
  }
  return out;
}

}  // namespace

std::string trace_matrix_markdown(const ProtocolCoverage& c, const std::string& tests) {
  std::string out = fmt::format("# Traceability matrix: {} {}\n\n", c.id, c.version);
  size_t exercised = 0;
  for (const RuleCoverage& r : c.rules) exercised += r.cases.empty() ? 0 : 1;
  const size_t fails = failing(c);
  out += "| | |\n|---|---|\n";
  out += fmt::format("| Protocol | `{}`, SHA-256 `{}` |\n", cell(c.file), c.sha256);
  out += fmt::format("| Protocol tests | {}: {} case{}, {} |\n", cell(tests), c.cases.size(), c.cases.size() == 1 ? "" : "s",
                     fails == 0 ? "all passing" : fmt::format("**{} failing**", fails));
  out += fmt::format("| Rules exercised | {} of {} |\n", exercised, c.rules.size());
  out += fmt::format("| Branches covered (whole protocol) | {} of {} ({:.1f}%) |\n", c.branches.covered, c.branches.total, c.branches.percent());
  out += fmt::format("| Made by | regimen {} `trace-matrix` |\n\n", REGIMEN_VERSION);
  out +=
      "A test case *exercises* a rule when the rule fires in it. A rule's branches are the outcomes of its\n"
      "condition (true and false), of each operand of `and` / `or` (true and false) and of each `if` arm\n"
      "in its own `when`, `window` and `summary`; positions are line:column in the protocol file.\n\n";
  out += "| Rule | Where | Sources | Test cases that exercise it | Branches |\n";
  out += "|---|---|---|---|---|\n";
  for (const RuleCoverage& r : c.rules) {
    const std::string sources =
        r.cites.empty() ? "**none**" : joined(r.cites, "<br>", [](const RuleCoverage::Cite& s) { return cell(source_label(s)); });
    const std::string cases =
        r.cases.empty() ? "**none**" : joined(r.cases, "<br>", [&](size_t k) { return cell(case_label(c.cases[k])); });
    std::string branches = fmt::format("{}/{}", r.branches.covered, r.branches.total);
    if (!r.uncovered.empty())
      branches += "; not covered: " + joined(r.uncovered, "; ", [&](size_t k) { return cell(branch_label(c.items[k], true)); });
    out += fmt::format("| `{}` | {}:{} | {} | {} | {} |\n", cell(r.id), cell(c.file), r.pos.line, sources, cases, branches);
  }
  return out;
}

// A list in one CSV cell: one item a line (the cell is quoted), since a source's title or a
// case's name may itself hold "; " or a comma.
constexpr const char* kCsvListSeparator = "\n";

std::string trace_matrix_csv(const ProtocolCoverage& c) {
  std::string out = "rule,file,line,column,sources,test_cases,test_case_count,branches_covered,branches_total,uncovered_branches\r\n";
  for (const RuleCoverage& r : c.rules) {
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\r\n", csv_field(r.id), csv_field(c.file), r.pos.line, r.pos.column,
                       csv_field(joined(r.cites, kCsvListSeparator, source_label)),
                       csv_field(joined(r.cases, kCsvListSeparator, [&](size_t k) { return case_label(c.cases[k]); })), r.cases.size(),
                       r.branches.covered, r.branches.total,
                       csv_field(joined(r.uncovered, kCsvListSeparator, [&](size_t k) { return branch_label(c.items[k], false); })));
  }
  return out;
}

std::string trace_matrix_json(const ProtocolCoverage& c) {
  JsonWriter w(JsonWriter::Style::kPretty);
  w.begin_object();
  w.key("protocol").begin_object();
  w.key("file").value(c.file).key("id").value(c.id).key("version").value(c.version).key("sha256").value(c.sha256);
  w.end_object();
  w.key("cases").value(static_cast<uint64_t>(c.cases.size()));
  w.key("failing_cases").value(static_cast<uint64_t>(failing(c)));
  w.key("branches").begin_object();
  w.key("covered").value(static_cast<uint64_t>(c.branches.covered)).key("total").value(static_cast<uint64_t>(c.branches.total));
  w.key("percent").value(c.branches.percent());
  w.end_object();
  w.key("rules").begin_array();
  for (const RuleCoverage& r : c.rules) {
    w.begin_object();
    w.key("id").value(r.id);
    w.key("file").value(c.file).key("line").value(r.pos.line).key("column").value(r.pos.column);
    w.key("sources").begin_array();
    for (const RuleCoverage::Cite& s : r.cites) {
      w.begin_object().key("id").value(s.id).key("title").value(s.title);
      if (!s.certainty.empty()) w.key("certainty").value(s.certainty);
      w.end_object();
    }
    w.end_array();
    w.key("cases").begin_array();
    for (const size_t k : r.cases) {
      const CoverageCase& tc = c.cases[k];
      w.begin_object().key("file").value(tc.file).key("line").value(tc.pos.line).key("name").value(tc.name);
      w.key("passed").value(tc.passed).end_object();
    }
    w.end_array();
    w.key("branches").begin_object();
    w.key("covered").value(static_cast<uint64_t>(r.branches.covered)).key("total").value(static_cast<uint64_t>(r.branches.total));
    w.end_object();
    w.key("uncovered").begin_array();
    for (const size_t k : r.uncovered) write_coverage_item_json(c.items[k], c.file, w);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take_line();
}

}  // namespace regimen
