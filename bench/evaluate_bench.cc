// One evaluation of a typical 40-event timeline with the default protocol, with and without the
// trace. Run by hand: tools/bench.sh (never in CI: wall-clock time is not a test).

#include <benchmark/benchmark.h>

#include "regimen/timeline/timeline_json.h"
#include "regimen/compile/compiler.h"
#include "regimen/evaluate/evaluator.h"
#include "regimen/explain/report.h"
#include "regimen/load/timeline_reader.h"

namespace {

// A patient in maintenance: a six-session series, four maintenance sessions, PHQ-9 and GAD-7 at
// most sessions, blood pressure at some: 40 events in all.
std::string typical_timeline() {
  std::string sessions, assessments, observations;
  const char* days[] = {"2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14", "2026-01-16",
                        "2026-02-06", "2026-03-06", "2026-04-10", "2026-05-15"};
  const int phq[] = {22, 20, 17, 14, 12, 9, 8, 7, 7, 8};
  for (int i = 0; i < 10; ++i) {
    sessions += std::string(i ? "," : "") + R"({"date":")" + days[i] + R"(","status":"completed","route":"iv","dose_mg_per_kg":0.5})";
    assessments += std::string(i ? "," : "") + R"({"date":")" + days[i] + R"(","instrument":"phq9","score":)" +
                   std::to_string(phq[i]) + R"(,"items":{"9":0}})";
    assessments += std::string(",") + R"({"date":")" + days[i] + R"(","instrument":"gad7","score":)" + std::to_string(phq[i] / 2 + 3) + "}";
    observations += std::string(i ? "," : "") + R"({"date":")" + days[i] + R"(","code":"bp_systolic","value":)" +
                    std::to_string(120 + i) + R"(,"unit":"mmHg"})";
  }
  return R"({"patient":{"id":"bench-1"},"sessions":[)" + sessions + R"(],"assessments":[)" + assessments +
         R"(],"observations":[)" + observations + "]}";
}

struct Fixture {
  Fixture() : plan(*regimen::build_plan(regimen::default_protocol_source()).value) {
    auto r = regimen::read_timeline(regimen::SourceFile("bench.json", typical_timeline()));
    timeline = *r.value;
  }
  regimen::Plan plan;
  regimen::Timeline timeline;
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void evaluate(benchmark::State& state, bool trace) {
  const Fixture& f = fixture();
  regimen::EvaluateOptions options;
  options.as_of = *regimen::Date::from_ymd(2026, 6, 1);
  options.trace = trace;
  const size_t events = f.timeline.sessions.size() + f.timeline.assessments.size() + f.timeline.observations.size();
  for (auto _ : state) {
    regimen::Evaluation e = regimen::evaluate(f.plan, f.timeline, options);
    benchmark::DoNotOptimize(e.recommendations.data());
  }
  state.counters["events"] = static_cast<double>(events);
}

void BM_EvaluateWithTrace(benchmark::State& state) { evaluate(state, true); }
void BM_EvaluateWithoutTrace(benchmark::State& state) { evaluate(state, false); }
BENCHMARK(BM_EvaluateWithTrace);
BENCHMARK(BM_EvaluateWithoutTrace);

// The stages of one batch line, to see where a batch's time goes: parse, evaluate, write.
// As batch reads a line: in place in its block (padded), and the timeline given back afterwards
// for the next read to reuse.
void BM_ParseLine(benchmark::State& state) {
  const std::string line = typical_timeline();
  const std::string block = line + std::string(regimen::JsonTimelineReader::kPadding, ' ');
  regimen::JsonTimelineReader reader;
  for (auto _ : state) {
    regimen::Result<regimen::Timeline> t = reader.read(std::string_view(block).substr(0, line.size()), "bench.jsonl", true);
    benchmark::DoNotOptimize(t.value->sessions.data());
    reader.recycle(std::move(*t.value));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_ParseLine);

// What an audited record adds per line: the timeline in canonical JSON, into a reused buffer.
void BM_CanonicalInput(benchmark::State& state) {
  const Fixture& f = fixture();
  std::string out;
  for (auto _ : state) {
    regimen::write_canonical_json(f.timeline, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_CanonicalInput);

void write_line(benchmark::State& state, bool trace) {
  const Fixture& f = fixture();
  regimen::EvaluateOptions options;
  options.as_of = *regimen::Date::from_ymd(2026, 6, 1);
  options.trace = trace;
  const regimen::Evaluation e = regimen::evaluate(f.plan, f.timeline, options);
  regimen::ReportInfo info;
  info.protocol_sha256 = std::string(64, 'a');
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = regimen::to_json(f.plan, e, info, regimen::JsonWriter::Style::kCompact);
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
void BM_WriteLineWithTrace(benchmark::State& state) { write_line(state, true); }
void BM_WriteLineWithoutTrace(benchmark::State& state) { write_line(state, false); }
BENCHMARK(BM_WriteLineWithTrace);
BENCHMARK(BM_WriteLineWithoutTrace);

}  // namespace

BENCHMARK_MAIN();
