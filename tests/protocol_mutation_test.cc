// Mutation check of the default protocol's tests: deleting any one rule from the YAML must make
// at least one protocol test fail. A rule whose deletion goes unnoticed is untested.

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "regimen/compile/compiler.h"
#include "regimen/testing/protocol_tests.h"

using namespace regimen;

namespace {

struct RuleBlock {
  std::string id;
  size_t begin, end;  // line range [begin, end)
};

// The `- id:` items of the top-level `rules:` list, by line.
std::vector<RuleBlock> rule_blocks(const std::vector<std::string>& lines) {
  std::vector<RuleBlock> blocks;
  size_t i = 0;
  while (i < lines.size() && lines[i] != "rules:") ++i;
  for (; i < lines.size(); ++i) {
    if (lines[i].rfind("  - id: ", 0) == 0) {
      if (!blocks.empty()) blocks.back().end = i;
      blocks.push_back(RuleBlock{lines[i].substr(8), i, lines.size()});
    }
  }
  return blocks;
}

}  // namespace

TEST_CASE("deleting any one rule of the default protocol makes a protocol test fail", "[protocol][mutation]") {
  const std::string dir = REGIMEN_SOURCE_DIR;
  std::ifstream in(dir + "/rules/ketamine-depression.yaml");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const auto blocks = rule_blocks(lines);
  REQUIRE(blocks.size() >= 20);

  // The unmutated protocol passes its tests.
  const TestRun clean = run_protocol_tests({dir + "/rules/tests"});
  REQUIRE(clean.failed == 0);
  REQUIRE(clean.passed > 0);

  std::vector<std::string> unnoticed;
  for (const RuleBlock& b : blocks) {
    std::ostringstream mutated;
    for (size_t i = 0; i < lines.size(); ++i)
      if (i < b.begin || i >= b.end) mutated << lines[i] << '\n';
    const SourceFile source("rules/ketamine-depression.yaml", mutated.str());
    const TestRun run = run_protocol_tests({dir + "/rules/tests"}, &source);
    if (run.failed == 0) unnoticed.push_back(b.id);
  }
  INFO("rules whose deletion no test notices: " << Catch::StringMaker<std::vector<std::string>>::convert(unnoticed));
  CHECK(unnoticed.empty());
}
