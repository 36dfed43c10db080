#!/usr/bin/env bash
# The fast path for clean JSON timelines against the walker (tests/clean_timeline_check.cc): on a
# generated cohort with bad lines, where every clean line must take the fast path, then on the JSON
# fixtures and examples (mutated too).
set -euo pipefail
check=$1 gen=$2 root=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$gen" --count 3000 --seed 11 --bad-every 97 > "$dir/cohort.jsonl"
"$check" --all-clean "$dir/cohort.jsonl"
"$check" "$root"/tests/fixtures/cohort/*.jsonl "$root"/tests/fixtures/timelines/*.json "$root"/examples/timelines/*.json
