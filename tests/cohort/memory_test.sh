#!/usr/bin/env bash
# Batch streams: its memory does not grow with the cohort. A small and a ten times larger
# generated cohort are piped through `regimen batch` (two threads, the full trace: the largest
# output); the peak resident memory the run reports must be the same within a few MiB, and under
# the limit of issue #7 (64 MiB), unless the build is sanitized (see below).
# Usage: memory_test.sh REGIMEN GENERATOR SMALL_COUNT SANITIZED(0|1)
set -euo pipefail
regimen=$1
generator=$2
small=$3
sanitized=$4
large=$((small * 10))
fail() { echo "FAIL: $*" >&2; exit 1; }

peak() {  # peak memory in MiB of a batch over $1 generated patients
  "$generator" --count "$1" --seed 11 |
    "$regimen" --log-level info batch --threads 2 --trace full --as-of 2026-11-28 -o /dev/null 2>&1 >/dev/null |
    sed -n 's/.*peak memory \([0-9]*\) MiB.*/\1/p'
}
a=$(peak "$small")
b=$(peak "$large")
[ -n "$a" ] && [ -n "$b" ] || fail "the run did not report its peak memory"
echo "peak memory: $a MiB for $small patients, $b MiB for $large patients"
# Under AddressSanitizer freed memory waits in a quarantine (256 MB by default) and every byte has
# shadow memory, so its resident size says nothing about streaming: there the run only has to work.
if [ "$sanitized" = 0 ]; then
  [ $((b - a)) -le 8 ] || fail "memory grew with the cohort: $a MiB -> $b MiB"
  [ "$b" -lt 64 ] || fail "peak memory $b MiB is not under 64 MiB"
fi
echo "1 passed, 0 failed"
