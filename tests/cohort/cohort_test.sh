#!/usr/bin/env bash
# The cohort generator (tools/gen_cohort.cc) and `regimen batch` on what it makes. One part a run:
#   phases         2,000 generated patients: batch exits 0, no bad line, every phase of the default
#                  protocol appears in the summary
#   deterministic  the same seed gives the same bytes (a pinned hash), a shorter cohort is a prefix
#                  of a longer one, another seed or day gives another cohort, bad options exit 2
#   bad_lines      --bad-every: each kind of bad line is reported at its line number and skipped, the
#                  run exits 1, and the other lines' results are those of the cohort without defects
#   sharding       the results of K shards, concatenated, are byte-identical to one run (docs/scale-out.md)
# Usage: cohort_test.sh REGIMEN GEN_COHORT PART
set -euo pipefail
regimen=$1
gen=$2
part=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

case "$part" in
phases)
  "$gen" --count 2000 --seed 7 > "$work/cohort.jsonl"
  [ "$(wc -l < "$work/cohort.jsonl")" -eq 2000 ] || fail "the generator did not write 2000 lines"
  status=0
  "$regimen" batch -i "$work/cohort.jsonl" -o "$work/results.jsonl" --summary 2> "$work/summary.txt" || status=$?
  cat "$work/summary.txt"
  [ "$status" -eq 0 ] || fail "batch exited $status on a generated cohort"
  grep -qx '2000 patients evaluated, 0 bad lines' "$work/summary.txt" || fail "not 2000 patients and 0 bad lines"
  [ "$(wc -l < "$work/results.jsonl")" -eq 2000 ] || fail "not one result per patient"
  # The phases as the protocol declares them (its graph), each with at least 2 % of the cohort.
  phases=$("$regimen" graph --format dot | sed -n 's/^[0-9]*\[label="\([a-z0-9_]*\)".*/\1/p')
  [ -n "$phases" ] || fail "no phases found in the protocol's graph"
  for phase in $phases; do
    count=$(sed -n "/^phases:/,/^actions:/s/^  $phase  *\([0-9]*\)\$/\1/p" "$work/summary.txt")
    [ -n "$count" ] || fail "no patient in phase $phase"
    [ "$count" -ge 40 ] || fail "only $count patients in phase $phase"
  done
  echo "every phase appears: $(echo $phases)"
  ;;

deterministic)
  "$gen" --count 100 --seed 42 > "$work/a.jsonl"
  "$gen" --count 100 --seed 42 > "$work/b.jsonl"
  cmp "$work/a.jsonl" "$work/b.jsonl" || fail "the same seed gave different cohorts"
  "$gen" --count 10 --seed 42 > "$work/ten.jsonl"
  head -n 10 "$work/a.jsonl" | cmp - "$work/ten.jsonl" || fail "--count 10 is not a prefix of --count 100"
  "$gen" --count=100 --seed=42 | cmp - "$work/a.jsonl" || fail "--count=N and --count N differ"
  "$gen" --count 100 --seed 43 | cmp -s - "$work/a.jsonl" && fail "another seed gave the same cohort"
  # The same bytes on every platform and compiler: a cohort's hash, pinned (GCC 12 and Clang 14
  # agree). A deliberate change to the generator changes it: update it here in the same commit.
  pinned=3066d71861d5760a09075c0c7cd1085db435416dcbbd1129c9b4a2400d958ff6
  actual=$("$gen" --count 200 --seed 1 --bad-every 50 | sha256sum | cut -d' ' -f1)
  [ "$actual" = "$pinned" ] || fail "--count 200 --seed 1 --bad-every 50 hashes to $actual, not the pinned $pinned"
  "$gen" --count 1 --as-of 2027-03-01 | grep -q '"as_of":"2027-03-01"' || fail "--as-of is not each line's as_of"
  "$gen" --count 1 | grep -q '"as_of":"2026-11-28"' || fail "the default day is not 2026-11-28"
  # Each line is one JSON object on one line, with a patient id.
  [ "$(grep -c '^{"patient":{"id":"p-[0-9]*"}.*}$' "$work/a.jsonl")" -eq 100 ] || fail "a line is not one timeline"
  for bad in "--count abc" "--count" "--as-of 2026-02-30" "--bad-every -1" "--frobnicate" "extra"; do
    status=0
    # shellcheck disable=SC2086
    "$gen" $bad > /dev/null 2> "$work/err.txt" || status=$?
    [ "$status" -eq 2 ] || fail "'$bad' exited $status, not 2"
    grep -q "regimen-gen-cohort --help" "$work/err.txt" || fail "'$bad' does not point at --help"
  done
  "$gen" --help | grep -q -- "--bad-every" || fail "--help does not describe --bad-every"
  echo "deterministic: same seed same bytes, prefix property, usage errors exit 2"
  ;;

bad_lines)
  "$gen" --count 100 --seed 5 > "$work/good.jsonl"
  "$gen" --count 100 --seed 5 --bad-every 10 > "$work/bad.jsonl"
  [ "$(wc -l < "$work/bad.jsonl")" -eq 100 ] || fail "bad lines must still be lines"
  status=0
  "$regimen" batch -i "$work/bad.jsonl" -o "$work/bad-results.jsonl" --summary --threads 2 2> "$work/err.txt" || status=$?
  [ "$status" -eq 1 ] || fail "batch exited $status on a cohort with bad lines, not 1"
  grep -qx '90 patients evaluated, 10 bad lines' "$work/err.txt" || fail "not 90 patients and 10 bad lines"
  # In turn: truncated JSON, an impossible date, a PHQ-9 total of 28, a missing patient id.
  grep -q "bad.jsonl:10:[0-9]*: error: .*truncated" "$work/err.txt" || fail "line 10 is not reported as truncated"
  grep -q "bad.jsonl:20:[0-9]*: error: .* is not a valid date" "$work/err.txt" || fail "line 20: no impossible date"
  grep -q "bad.jsonl:30:[0-9]*: error: PHQ-9 score 28 is outside its range 0-27" "$work/err.txt" || fail "line 30: no score 28"
  grep -q "bad.jsonl:40:[0-9]*: error: missing required field 'id'" "$work/err.txt" || fail "line 40: no missing id"
  grep -q "bad.jsonl:50:[0-9]*: error: .*truncated" "$work/err.txt" || fail "the defects do not rotate"
  # The good lines give exactly the results they give without bad lines around them.
  "$regimen" batch -i "$work/good.jsonl" -o "$work/good-results.jsonl" --threads 1
  awk 'NR % 10 != 0' "$work/good-results.jsonl" | cmp - "$work/bad-results.jsonl" ||
    fail "bad lines changed the results of the good ones"
  echo "bad lines: 10 reported at their line numbers and skipped, exit 1, the other 90 unchanged"
  ;;

sharding)
  "$gen" --count 3000 --seed 11 --bad-every 250 > "$work/cohort.jsonl"
  status=0
  "$regimen" batch -i "$work/cohort.jsonl" -o "$work/whole.jsonl" --as-of 2026-11-28 --threads 2 2> /dev/null || status=$?
  [ "$status" -eq 1 ] || fail "the whole run exited $status, not 1"
  split -n l/4 -d -a 2 "$work/cohort.jsonl" "$work/shard-"
  for shard in "$work"/shard-??; do
    status=0
    "$regimen" batch -i "$shard" -o "$shard.out" --as-of 2026-11-28 --threads 1 2> /dev/null || status=$?
    [ "$status" -le 1 ] || fail "shard $shard exited $status"
  done
  cat "$work"/shard-??.out | cmp - "$work/whole.jsonl" || fail "the shards' results differ from one run's"
  echo "sharding: 4 shards concatenated = one run, byte for byte ($(wc -l < "$work/whole.jsonl") results)"
  ;;

*)
  fail "unknown part '$part'"
  ;;
esac
