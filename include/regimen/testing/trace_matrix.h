#pragma once
// The traceability matrix (`regimen trace-matrix`): for each rule of a protocol, its place in
// the file, the sources it cites, the protocol test cases that exercise it (the rule fired in
// the case) and how many of its branches those cases covered. IEC 62304 asks for this trace
// from requirements (here: rules and their sources) to tests.

#include <string>

#include "regimen/testing/coverage.h"

namespace regimen {

/// A Markdown document: a heading, what the columns mean, and one table row per rule.
std::string trace_matrix_markdown(const ProtocolCoverage& coverage, const std::string& tests);
/// RFC 4180 CSV with a header row; one row per rule; lists joined with "; ".
std::string trace_matrix_csv(const ProtocolCoverage& coverage);
/// One JSON object with stable keys.
std::string trace_matrix_json(const ProtocolCoverage& coverage);

}  // namespace regimen
