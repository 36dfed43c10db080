// clean_timeline_check: the fast path for clean JSON timelines (src/load/clean_timeline.h) must
// give exactly what the walker gives, for every document it accepts. Reads JSON Lines (a generated
// cohort, fixtures) and, for each line and for each of a set of small mutations of it, reads the
// document both ways and compares:
//   - when the fast path accepts, the walker must find nothing to say, and the timelines must be
//     equal field by field (canonical JSON, plus each event's order and index);
//   - a line the walker reads without a word should be accepted by the fast path (counted; with
//     --all-clean, an unmutated one not taken is an error, so that batch really takes the fast
//     path, and so is a mutation that applies to no line, so that the input exercises them all).
// Exit 0 when all holds, 1 otherwise, with the first mismatches on stderr.
//
//   clean_timeline_check [--all-clean] FILE...     (FILE.json: one document; else JSON Lines)

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "load/clean_timeline.h"
#include "load/document_node.h"
#include "load/timeline_walker.h"
#include "regimen/timeline/timeline_json.h"

namespace {

using namespace regimen;

std::string describe(const Timeline& t) {
  std::string out = to_canonical_json(t);
  auto order = [&](const char* name, const auto& events) {
    out += '\n';
    out += name;
    for (const auto& e : events) out += ' ' + std::to_string(e.index);
  };
  order("sessions", t.sessions);
  order("assessments", t.assessments);
  order("observations", t.observations);
  order("conditions", t.conditions);
  order("decisions", t.decisions);
  return out;
}

// Small edits that each make a clean line unclean in one way, or leave it clean in another form.
struct Mutation {
  const char* name;
  std::string from, to;
  bool drop_string = false;  ///< remove `from` and the rest of the string value it opens
  bool new_string = false;   ///< keep `from`, and make the string value it opens `to`
};
const std::vector<Mutation> kMutations = {
    {"score as 12.0", "\"score\":12,", "\"score\":12.0,"},
    {"score out of range", "\"score\":12,", "\"score\":99,"},
    {"unknown top-level field", "{\"patient\":", "{\"extra\":1,\"patient\":"},
    {"unknown session field", "\"route\":", "\"routes\":\"im\",\"route\":"},
    {"duplicate date", "\"date\":\"2026-", "\"date\":\"2026-01-01\",\"date\":\"2026-"},
    {"null status", "\"status\":\"completed\"", "\"status\":null"},
    {"bad status", "\"status\":\"completed\"", "\"status\":\"complete\""},
    {"null unit", "\"unit\":\"mmHg\"", "\"unit\":null"},
    {"route not a string", "\"route\":\"", "\"route\":5,\"x\":\""},
    {"undeclared instrument", "\"instrument\":\"phq9\"", "\"instrument\":\"phq10\""},
    {"empty instrument", "\"instrument\":\"phq9\"", "\"instrument\":\"\""},
    {"duplicate item", "\"items\":{\"1\":", "\"items\":{\"1\":0,\"1\":"},
    {"item out of range", "\"items\":{\"1\":", "\"items\":{\"1\":7,\"2\":"},
    {"item zero", "\"items\":{\"1\":", "\"items\":{\"0\":1,\"1\":"},
    {"null items", "\"items\":{\"1\":", "\"items\":null,\"x\":{\"1\":"},
    {"date-time with zone", "\"date\":\"", "2026-01-01T10:00:00+02:00", false, true},
    {"date-time in UTC", "\"date\":\"", "2026-01-01T10:00Z", false, true},
    {"plain date", "\"date\":\"", "2026-01-01", false, true},
    {"impossible date", "\"date\":\"", "2026-02-30", false, true},
    {"leap day", "\"date\":\"", "2024-02-29", false, true},
    {"year 0000", "\"date\":\"", "0000-01-01", false, true},
    {"hour 24", "\"date\":\"", "2026-01-01T24:00", false, true},
    {"minute 60", "\"date\":\"", "2026-01-01T10:60", false, true},
    {"date-time with seconds", "\"date\":\"", "2026-01-01T10:00:30", false, true},
    {"date with a sign", "\"date\":\"", "2026-+1-01", false, true},
    {"date-time with a space", "\"date\":\"", "2026-01-01 10:00", false, true},
    {"null as_of", "\"as_of\":\"", "\"as_of\":null,\"x\":\""},
    {"no patient id", "\"patient\":{\"id\":", "\"patient\":{\"name\":"},
    {"long patient id", "\"patient\":{\"id\":\"", "\"patient\":{\"id\":\"" + std::string(130, 'x')},
    {"null dose", "\"dose_mg\":", "\"dose_mg\":null,\"dose_x\":"},
    {"duplicate dose", "\"dose_mg\":", "\"dose_mg\":1,\"dose_mg\":"},
    {"negative dose", "\"dose_mg\":", "\"dose_mg\":-1,\"dose_y\":"},
    {"null sessions", "\"sessions\":[", "\"sessions\":null,\"s\":["},
    {"sessions not an array", "\"sessions\":[", "\"sessions\":{},\"s\":["},
    {"integer value", "\"value\":", "\"value\":1e2,\"v\":"},
    {"onset null", "\"onset\":", "\"onset\":null,\"o\":"},
    {"decision kind", "\"kind\":\"", "\"kind\":\"start_\",\"k\":\""},
    {"note null", "\"note\":", "\"note\":null,\"n\":"},
    {"same-day session", "\"sessions\":[{\"date\":\"", "\"sessions\":[{\"date\":\"2026-03-02\"},{\"date\":\"2026-03-02\"},{\"date\":\""},
    // Fields left out: a reader that reuses its memory must not keep the last timeline's value.
    {"no route", ",\"route\":\"", "", true},
    {"no note", ",\"note\":\"", "", true},
    {"no by", ",\"by\":\"", "", true},
    {"no unit", ",\"unit\":\"mmHg\"", ""},
    {"no items", ",\"items\":{", ",\"i\":{"},
    {"no status", "\"status\":\"completed\",", ""},
    {"escaped string", "\"code\":\"", "\"code\":\"a\\u00e9\\n\",\"c\":\""},
};

struct Counts {
  size_t documents = 0, accepted = 0, walker_clean = 0, missed_clean = 0, failures = 0;
};

void check(std::string_view text, const std::string& what, bool must_accept_clean, simdjson::dom::parser& parser,
           Timeline& fast, Counts& c) {
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) return;  // not JSON: no fast path
  ++c.documents;
  const bool accepted = load::read_clean_timeline(root, default_instruments(), fast);
  Diagnostics diagnostics;
  load::TimelineWalker<load::JsonNode> walker("check", default_instruments(), diagnostics);
  const std::optional<Timeline> slow = walker.walk(load::JsonNode(root));
  const bool clean = slow && diagnostics.empty();
  c.walker_clean += clean;
  c.accepted += accepted;
  auto fail = [&](const std::string& why) {
    if (++c.failures <= 10) std::cerr << what << ": " << why << "\n";
  };
  if (accepted && !clean)
    fail("the fast path accepted a document the walker reports: " +
         (diagnostics.empty() ? std::string("(rejected)") : diagnostics[0].code + " " + diagnostics[0].message));
  else if (accepted && describe(fast) != describe(*slow))
    fail("the two readers disagree:\n  fast:   " + describe(fast) + "\n  walker: " + describe(*slow));
  if (clean && !accepted) {
    ++c.missed_clean;
    if (must_accept_clean) fail("a clean line was not taken by the fast path");
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool all_clean = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--all-clean") all_clean = true;
    else files.emplace_back(argv[i]);
  }
  if (files.empty()) {
    std::cerr << "usage: clean_timeline_check [--all-clean] FILE...\n";
    return 2;
  }
  simdjson::dom::parser parser;
  Timeline fast;  // reused from document to document, as batch does
  Counts unmutated, mutated;
  std::vector<size_t> mutation_hits(kMutations.size());
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "cannot read " << file << "\n";
      return 2;
    }
    // A .json file is one document; anything else is JSON Lines.
    const bool whole = file.ends_with(".json");
    std::string line;
    for (size_t n = 1; whole ? (n == 1 && std::getline(in, line, '\0')) : static_cast<bool>(std::getline(in, line)); ++n) {
      const std::string where = whole ? file : file + ":" + std::to_string(n);
      check(line, where, all_clean, parser, fast, unmutated);
      for (size_t m = 0; m < kMutations.size(); ++m) {
        const size_t at = line.find(kMutations[m].from);
        if (at == std::string::npos) continue;
        std::string changed = line;
        size_t length = kMutations[m].from.size();
        if (kMutations[m].drop_string || kMutations[m].new_string) {
          const size_t close = line.find('"', at + length);
          if (close == std::string::npos) continue;
          if (kMutations[m].new_string) {
            changed.replace(at + length, close - at - length, kMutations[m].to);
          } else {
            changed.erase(at, close + 1 - at);
          }
        } else {
          changed.replace(at, length, kMutations[m].to);
        }
        ++mutation_hits[m];
        check(changed, where + " (" + kMutations[m].name + ")", false, parser, fast, mutated);
      }
    }
  }
  std::printf("unmutated: %zu documents, %zu clean by the walker, %zu taken by the fast path, %zu clean ones not taken\n",
              unmutated.documents, unmutated.walker_clean, unmutated.accepted, unmutated.missed_clean);
  std::printf("mutated:   %zu documents, %zu clean by the walker, %zu taken by the fast path, %zu clean ones not taken\n",
              mutated.documents, mutated.walker_clean, mutated.accepted, mutated.missed_clean);
  for (size_t m = 0; m < kMutations.size() && all_clean; ++m)  // a cohort must exercise every mutation
    if (mutation_hits[m] == 0) {
      std::cerr << "mutation '" << kMutations[m].name << "' applied to no line: the input does not exercise it\n";
      ++mutated.failures;
    }
  const size_t failures = unmutated.failures + mutated.failures;
  if (failures > 0) std::cerr << failures << " failures\n";
  return failures == 0 ? 0 : 1;
}
