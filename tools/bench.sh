#!/usr/bin/env bash
# Microbenchmarks, run by hand (never in CI): one evaluation of a typical 40-event timeline,
# with and without the trace. Builds an optimised copy in build-bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg-query -W -f='${Status}' libbenchmark-dev 2>/dev/null | grep -q 'install ok installed'; then
  ${SUDO:-} apt-get install -y -qq libbenchmark-dev >/dev/null
fi
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DREGIMEN_BENCHMARKS=ON -DREGIMEN_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" --target regimen_bench regimen_parse_floor >/dev/null
build-bench/bench/regimen_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$@"
