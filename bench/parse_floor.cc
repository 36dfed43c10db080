// How fast can any JSON reader go on the cohort? Parses every line of a cohort with simdjson's DOM
// parser (SIMD, the fastest JSON parser in Debian; no validation against the timeline format, no
// typed values), then reads the same lines with regimen's own reader (validated, into a Timeline),
// and prints the best of three rounds of each. Run by hand (never in CI):
//   build-bench/bench/regimen_parse_floor /tmp/regimen-cohort-100000.jsonl
// (tools/bench.sh builds it; bench/batch.sh makes the cohort.)

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "regimen/compile/compiler.h"
#include "regimen/load/timeline_reader.h"

namespace {

template <class F>
double best_seconds(F&& round) {
  double best = 1e9;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    round();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s COHORT.jsonl\n", argv[0]);
    return 2;
  }
  // One buffer with the lines end to end, padded, as batch holds a block.
  std::ifstream in(argv[1], std::ios::binary);
  std::string block;
  std::vector<std::pair<size_t, size_t>> lines;  // offset, length
  for (std::string line; std::getline(in, line);) {
    lines.emplace_back(block.size(), line.size());
    block += line;
    block += '\n';
  }
  block.append(simdjson::SIMDJSON_PADDING + regimen::JsonTimelineReader::kPadding, ' ');
  if (lines.empty()) return 1;
  const double count = static_cast<double>(lines.size());
  const double bytes = static_cast<double>(block.size());

  simdjson::dom::parser parser;
  size_t parsed = 0;
  const double simd = best_seconds([&] {
    parsed = 0;
    for (const auto& [at, n] : lines) {
      simdjson::dom::element doc;
      if (parser.parse(block.data() + at, n, false).get(doc) == simdjson::SUCCESS) ++parsed;
    }
  });
  // As batch reads: against the instruments of the protocol (the built-in one).
  const regimen::Result<regimen::Plan> plan = regimen::build_plan(regimen::default_protocol_source());
  regimen::JsonTimelineReader reader(plan.value->instruments);
  size_t read = 0;
  const double ours = best_seconds([&] {
    read = 0;
    for (const auto& [at, n] : lines) {
      regimen::Result<regimen::Timeline> t = reader.read(std::string_view(block.data() + at, n), "cohort", true);
      if (!t.ok()) continue;
      ++read;
      reader.recycle(std::move(*t.value));
    }
  });
  std::printf("%zu lines, %.0f bytes a line; simdjson kernel: %s\n", lines.size(), bytes / count,
              simdjson::get_active_implementation()->name().c_str());
  std::printf("simdjson DOM parse only:            %.2f us a line (%.2f GB/s), %zu parsed\n", simd * 1e6 / count,
              bytes / simd / 1e9, parsed);
  std::printf("regimen reader (validated Timeline): %.2f us a line (%.2f GB/s), %zu read\n", ours * 1e6 / count,
              bytes / ours / 1e9, read);
  std::printf("for scale: 250,000 patients/s leaves 4.00 us a patient for everything\n");
  return 0;
}
