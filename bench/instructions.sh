#!/usr/bin/env bash
# Instructions a patient of `regimen batch`, counted by valgrind's callgrind: the same count for the
# same binary and input whatever else the machine is doing, so it decides small changes that
# wall-clock time, on a shared machine, cannot. Runs the first patient of the generated cohort and
# the first 2,000, and divides the difference by 1,999: the one-off start (loading the protocol)
# is left out. Run by hand (about a minute per binary); never in CI.
# Usage: bench/instructions.sh [none|full] [BINARY]   (default: none build/regimen; cohort in $BENCH_DIR, default /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:-none}
bin=${2:-build/regimen}
dir=${BENCH_DIR:-/tmp}
cohort="$dir/regimen-cohort-2000.jsonl"
[ -s "$cohort" ] || build/regimen-gen-cohort --count 2000 --seed 1 > "$cohort"
head -1 "$cohort" > "$dir/regimen-cohort-1.jsonl"

count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" batch -i "$1" -o /dev/null \
    --as-of 2026-11-28 --threads 1 --trace "$trace" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,
}
one=$(count "$dir/regimen-cohort-1.jsonl")
all=$(count "$cohort")
echo "$bin --trace $trace: $(( (all - one) / 1999 )) instructions a patient (start and one patient: $one)"
