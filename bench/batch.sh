#!/usr/bin/env bash
# End-to-end batch benchmarks, run by hand (never in CI: wall-clock time is not a test).
# Generates cohorts of 100,000 and 1,000,000 patients with the project's generator, then runs
# `regimen batch` on each at 1 and 2 threads, without and with the trace, and reports patients
# per second and peak memory, and with --audit (issue 6's overhead: against --trace full, since a
# recorded decision keeps its trace); then `regimen check` of a generated 1,000-rule protocol.
# Usage: bench/batch.sh [COUNTS...]   (default: 100000 1000000; cohorts go to $BENCH_DIR, default /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build} tools/build.sh >/dev/null
build=${BUILD_DIR:-build}
dir=${BENCH_DIR:-/tmp}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)

printf '%-10s %-7s %-6s %10s %12s %9s\n' patients threads trace seconds patients/s "peak MiB"
for n in "${counts[@]}"; do
  cohort="$dir/regimen-cohort-$n.jsonl"
  [ -s "$cohort" ] || "$build/regimen-gen-cohort" --count "$n" --seed 1 > "$cohort"
  cat "$cohort" > /dev/null  # in the page cache: measure regimen, not the disk
  for trace in none full audit; do
    for threads in 1 2; do
      db="$dir/regimen-bench-audit.db"
      rm -f "$db" "$db-wal" "$db-shm"
      mode=(--trace "$trace")
      if [ "$trace" = audit ]; then mode=(--audit "$db"); fi
      line=$("$build/regimen" --log-level info batch -i "$cohort" -o /dev/null --as-of 2026-11-28 \
               --threads "$threads" "${mode[@]}" 2>&1 >/dev/null | grep 'batch:')
      seconds=$(sed -n 's/.* \([0-9.]*\) s, peak.*/\1/p' <<<"$line")
      peak=$(sed -n 's/.*peak memory \([0-9]*\) MiB.*/\1/p' <<<"$line")
      rate=$(awk -v n="$n" -v s="$seconds" 'BEGIN { printf "%d", n / s }')
      printf '%-10s %-7s %-6s %10s %12s %9s\n' "$n" "$threads" "$trace" "$seconds" "$rate" "$peak"
      if [ "$trace" = audit ]; then
        echo "           (audit database: $(du -m "$db" | cut -f1) MB)"
        rm -f "$db" "$db-wal" "$db-shm"
      fi
    done
  done
done

if command -v python3 >/dev/null; then
  python3 tools/gen-protocol.py 1000 > "$dir/regimen-protocol-1000.yaml"
  start=$(date +%s.%N)
  "$build/regimen" check "$dir/regimen-protocol-1000.yaml" >/dev/null 2>&1 || true  # its rules are synthetic: many lint warnings
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "check of a 1,000-rule protocol: %.2f s\n", b - a }'
fi
