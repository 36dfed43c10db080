// clean_timeline_check: the fast path for clean JSON timelines (src/load/clean_timeline.h) must
// give exactly what simdjson and the walker give, for every document it accepts. Reads JSON Lines
// (a generated cohort, fixtures) and, for each line, for each of a set of small mutations of it,
// and for random byte edits of it, reads the text both ways and compares:
//   - when the fast path accepts, simdjson must parse the text (the fast path reads JSON only), the
//     walker must find nothing to say, and the timelines must be equal field by field (canonical
//     JSON, plus each event's order and index);
//   - a line the walker reads without a word should be accepted by the fast path (counted; with
//     --all-clean, an unmutated one not taken is an error, so that batch really takes the fast
//     path, and so is a mutation that applies to no line, so that the input exercises them all).
// Exit 0 when all holds, 1 otherwise, with the first mismatches on stderr.
//
//   clean_timeline_check [--all-clean] [--edits N] FILE...
//     FILE.json: one document; else JSON Lines. N random byte edits of each line (default 4).

#include <cstdint>
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
  bool still_clean = false;  ///< the line stays clean: with --all-clean, the fast path must take it
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
    // Dates in the month of the date before (the reader keeps that month's first day and length).
    {"day past the end of the month before", "\"sessions\":[{\"date\":\"",
     "\"sessions\":[{\"date\":\"2025-02-27\"},{\"date\":\"2025-02-29\"},{\"date\":\""},
    {"day 00 in the month before", "\"sessions\":[{\"date\":\"",
     "\"sessions\":[{\"date\":\"2026-04-30\"},{\"date\":\"2026-04-00T10:00\"},{\"date\":\""},
    {"leap day after its month", "\"sessions\":[{\"date\":\"",
     "\"sessions\":[{\"date\":\"2024-02-01\",\"status\":\"missed\"},{\"date\":\"2024-02-29T09:30\"},{\"date\":\"",
     false, false, true},
    {"the same day of the next month", "\"sessions\":[{\"date\":\"",
     "\"sessions\":[{\"date\":\"2026-01-31\"},{\"date\":\"2026-02-31\"},{\"date\":\""},
    // Fields left out: a reader that reuses its memory must not keep the last timeline's value.
    {"no route", ",\"route\":\"", "", true},
    {"no note", ",\"note\":\"", "", true},
    {"no by", ",\"by\":\"", "", true},
    {"no unit", ",\"unit\":\"mmHg\"", ""},
    {"no items", ",\"items\":{", ",\"i\":{"},
    {"no status", "\"status\":\"completed\",", ""},
    {"escaped string", "\"code\":\"", "\"code\":\"a\\u00e9\\n\",\"c\":\""},
    // The text itself: what the fast path reads by hand must be JSON, and all of it.
    {"spaces between tokens", "\"sessions\":[{\"date\":", " \"sessions\" :\t[ {\r\n\"date\" : "},
    {"UTF-8 in a string", "\"code\":\"", "\"code\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    {"UTF-8 in the patient id", "\"patient\":{\"id\":\"", "\"patient\":{\"id\":\"\xc3\xa9"},
    {"overlong UTF-8", "\"code\":\"", "\"code\":\"\xc0\xaf"},
    {"UTF-8 surrogate", "\"code\":\"", "\"code\":\"\xed\xa0\x80"},
    {"UTF-8 past U+10FFFF", "\"code\":\"", "\"code\":\"\xf4\x90\x80\x80"},
    {"truncated UTF-8", "\"code\":\"", "\"code\":\"\xe2\x82\""},
    {"stray continuation byte", "\"code\":\"", "\"code\":\"\x80"},
    {"control character in a string", "\"code\":\"", "\"code\":\"\t"},
    {"trailing comma in an object", "\"score\":12,", "\"score\":12,}"},
    {"trailing comma in an array", "\"sessions\":[", "\"sessions\":[{\"date\":\"2026-01-05\"},],\"s\":["},
    {"missing colon", "\"score\":12", "\"score\" 12"},
    // Keys are predicted in their usual order and matched with their quotes and colon.
    {"space before a colon", "\"score\":12", "\"score\" :12"},
    {"a key extending the expected one", "\"score\":12,", "\"scores\":1,\"score\":12,"},
    {"a key cut short", "\"score\":12,", "\"scor\":1,\"score\":12,"},
    {"leading zero", "\"score\":12", "\"score\":012"},
    {"number ending in a point", "\"value\":", "\"value\":1.,\"v\":"},
    {"number starting with a point", "\"value\":", "\"value\":.5,\"v\":"},
    {"minus alone", "\"value\":", "\"value\":-,\"v\":"},
    {"negative zero", "\"value\":", "\"value\":-0,\"v\":"},
    {"negative value", "\"value\":", "\"value\":-12.5,\"v\":"},
    {"huge exponent", "\"value\":", "\"value\":1e400,\"v\":"},
    {"many digits", "\"value\":", "\"value\":12345678901234567890123,\"v\":"},
    {"17 digits", "\"value\":", "\"value\":12345678901234567,\"v\":"},
    {"2^53 + 1", "\"value\":", "\"value\":9007199254740993,\"v\":"},
    {"16 decimals", "\"value\":", "\"value\":0.3000000000000004,\"v\":"},
    {"18 digits with a fraction", "\"value\":", "\"value\":987654321.123456789,\"v\":"},
    {"19 digits", "\"value\":", "\"value\":1234567890123456789,\"v\":"},
    {"exponent", "\"value\":", "\"value\":1.5E3,\"v\":"},
    {"item 01", "\"items\":{\"1\":", "\"items\":{\"01\":"},
    {"date with a backslash", "\"date\":\"", "2026-01-0\\", false, true},
    {"date-length text", "\"date\":\"", "2026/01/01", false, true},
    {"plus sign", "\"score\":12", "\"score\":+12"},
    {"null misspelt", "\"unit\":\"mmHg\"", "\"unit\":nul"},
    {"true as a value", "\"unit\":\"mmHg\"", "\"unit\":true"},
    {"single quotes", "\"unit\":\"mmHg\"", "\"unit\":'mmHg'"},
    {"unterminated string", "\"unit\":\"mmHg\"}", "\"unit\":\"mmHg"},
};

// Appended to whole lines: whatever follows the document.
const std::vector<std::pair<const char*, std::string>> kTails = {
    {"space after the document", " \t"},
    {"text after the document", " x"},
    {"a second document", "{}"},
    {"NUL after the document", std::string(1, '\0')},
};

/// A small deterministic generator (splitmix64), so that a failure is reproducible.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

/// One random edit: a byte changed, removed or inserted, favouring the bytes JSON is made of.
std::string edit(const std::string& line, Random& r) {
  static const std::string kBytes = "{}[]:,\"\\-.0123456789eE nulltruefalse\x80\xc3\xff\x01";
  std::string out = line;
  if (out.empty()) return out;
  const size_t at = r.below(out.size());
  const char c = kBytes[r.below(kBytes.size())];
  switch (r.below(3)) {
    case 0: out[at] = c; break;
    case 1: out.erase(at, 1); break;
    default: out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), c); break;
  }
  return out;
}

struct Counts {
  size_t documents = 0, not_json = 0, accepted = 0, walker_clean = 0, missed_clean = 0, failures = 0;
  void print(const char* what) const {
    std::printf("%-10s %zu texts, %zu not JSON, %zu clean by the walker, %zu taken by the fast path, %zu clean ones not taken\n",
                what, documents, not_json, walker_clean, accepted, missed_clean);
  }
};

void check(std::string_view text, const std::string& what, bool must_accept_clean, simdjson::dom::parser& parser,
           Timeline& fast, Counts& c) {
  static Timeline surplus;
  auto fail = [&](const std::string& why) {
    if (++c.failures <= 10) std::cerr << what << ": " << why << "\n";
  };
  ++c.documents;
  const bool accepted = load::read_clean_timeline(text, default_instruments(), fast, surplus);
  c.accepted += accepted;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    ++c.not_json;
    if (accepted) fail("the fast path accepted a text that is not JSON");
    return;
  }
  Diagnostics diagnostics;
  load::TimelineWalker<load::JsonNode> walker("check", default_instruments(), diagnostics);
  const std::optional<Timeline> slow = walker.walk(load::JsonNode(root));
  const bool clean = slow && diagnostics.empty();
  c.walker_clean += clean;
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
  size_t edits = 4;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--all-clean") all_clean = true;
    else if (arg == "--edits" && i + 1 < argc) edits = std::stoul(argv[++i]);
    else files.push_back(arg);
  }
  if (files.empty()) {
    std::cerr << "usage: clean_timeline_check [--all-clean] [--edits N] FILE...\n";
    return 2;
  }
  simdjson::dom::parser parser;
  Timeline fast;  // reused from document to document, as batch does
  Counts unmutated, mutated, edited;
  std::vector<size_t> mutation_hits(kMutations.size());
  Random random{20261129};
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
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
        check(changed, where + " (" + kMutations[m].name + ")", all_clean && kMutations[m].still_clean, parser, fast, mutated);
      }
      for (const auto& [name, tail] : kTails) check(line + tail, where + " (" + name + ")", false, parser, fast, mutated);
      for (size_t e = 0; e < edits; ++e) {
        std::string changed = edit(line, random);
        if (random.below(4) == 0) changed = edit(changed, random);  // sometimes two
        check(changed, where + " (random edit: " + changed + ")", false, parser, fast, edited);
      }
    }
  }
  // Numbers of every shape the fast path reads by hand, through a small document each: the value
  // must be simdjson's to the last bit (canonical JSON writes the shortest round-trip form).
  Counts numbers;
  for (int i = 0; i < 20000; ++i) {
    std::string digits;
    const size_t int_digits = 1 + random.below(12), frac_digits = random.below(10);
    for (size_t d = 0; d < int_digits; ++d) digits += static_cast<char>('0' + random.below(10));
    if (random.below(3) == 0) digits = "0";  // 0.xxx
    if (frac_digits) {
      digits += '.';
      for (size_t d = 0; d < frac_digits; ++d) digits += static_cast<char>('0' + random.below(10));
    }
    const std::string sign = random.below(4) == 0 ? "-" : "";
    const std::string doc = R"({"patient":{"id":"n"},"observations":[{"date":"2026-01-01","code":"x","value":)" + sign +
                            digits + "}]}";
    check(doc, "number " + sign + digits, false, parser, fast, numbers);
  }
  if (numbers.accepted < numbers.documents / 2) {
    std::cerr << "the random numbers were mostly not taken by the fast path: " << numbers.accepted << "\n";
    ++numbers.failures;
  }
  numbers.print("numbers:");
  unmutated.print("unmutated:");
  mutated.print("mutated:");
  edited.print("edited:");
  for (size_t m = 0; m < kMutations.size() && all_clean; ++m)  // a cohort must exercise every mutation
    if (mutation_hits[m] == 0) {
      std::cerr << "mutation '" << kMutations[m].name << "' applied to no line: the input does not exercise it\n";
      ++mutated.failures;
    }
  // The edits must reach both sides: some still clean (taken), some no longer JSON.
  if (all_clean && (edited.accepted == 0 || edited.not_json == 0)) {
    std::cerr << "the random edits did not exercise both sides (taken, and not JSON)\n";
    ++edited.failures;
  }
  const size_t failures = unmutated.failures + mutated.failures + edited.failures + numbers.failures;
  if (failures > 0) std::cerr << failures << " failures\n";
  return failures == 0 ? 0 : 1;
}
