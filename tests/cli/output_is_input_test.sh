#!/usr/bin/env bash
# An output that names one of the run's inputs is refused before anything is read or written:
# the result would replace the input (and a link written in place emptied a cohort before it was
# read, losing it). Each refusal is a usage error (exit 2) and leaves the input as it was.
set -euo pipefail
regimen=$1 root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$root/tests/fixtures/cohort/one.jsonl" "$dir/cohort.jsonl"
cp "$root/examples/timelines/intake.json" "$dir/timeline.json"
ln -s cohort.jsonl "$dir/link.jsonl"
cp "$dir/cohort.jsonl" "$dir/cohort.orig"
cp "$dir/timeline.json" "$dir/timeline.orig"

refused() {  # refused WHAT COMMAND...: exit 2 with the message, inputs unchanged
  local what=$1; shift
  set +e
  "$@" > "$dir/out" 2> "$dir/err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] || { echo "$what: exit $rc, expected 2"; cat "$dir/err"; exit 1; }
  grep -q "is the input" "$dir/err" || { echo "$what: no message"; cat "$dir/err"; exit 1; }
  cmp -s "$dir/cohort.jsonl" "$dir/cohort.orig" || { echo "$what: the cohort changed"; exit 1; }
  cmp -s "$dir/timeline.json" "$dir/timeline.orig" || { echo "$what: the timeline changed"; exit 1; }
}
refused "batch -o a link to its cohort" "$regimen" batch -i "$dir/cohort.jsonl" -o "$dir/link.jsonl" --no-progress
refused "batch -o its cohort" "$regimen" batch -i "$dir/cohort.jsonl" -o "$dir/cohort.jsonl" --no-progress
refused "evaluate -o its timeline by another name" "$regimen" evaluate -t "$dir/timeline.json" -o "$dir/./timeline.json"
refused "plan --svg its timeline" "$regimen" plan -t "$dir/timeline.json" --svg "$dir/timeline.json"
refused "whatif -o its timeline" "$regimen" whatif -t "$dir/timeline.json" --miss-session 2026-01-05 -o "$dir/timeline.json"
refused "diff -o its cohort" "$regimen" diff "$root/rules/ketamine-depression.yaml" "$root/rules/ketamine-depression.yaml" \
  -i "$dir/cohort.jsonl" -o "$dir/link.jsonl"
# The audit database is an input too: -o naming it replaced the log with a result.
"$regimen" evaluate -t "$dir/timeline.json" --audit "$dir/audit.db" -o "$dir/first.json"
cp "$dir/audit.db" "$dir/audit.orig"
refused "evaluate -o its audit database" "$regimen" evaluate -t "$dir/timeline.json" --audit "$dir/audit.db" -o "$dir/audit.db"
cmp -s "$dir/audit.db" "$dir/audit.orig" || { echo "the audit database changed"; exit 1; }
# A test file that --tests names through its folder.
mkdir "$dir/tests"
cp "$root/rules/tests/intake.yaml" "$dir/tests/intake.yaml"
cp "$dir/tests/intake.yaml" "$dir/intake.orig"
refused "trace-matrix -o a test file of its folder" "$regimen" trace-matrix --tests "$dir/tests" -o "$dir/tests/intake.yaml"
cmp -s "$dir/tests/intake.yaml" "$dir/intake.orig" || { echo "the test file changed"; exit 1; }
# A device may be named on both sides.
"$regimen" batch -i "$dir/cohort.jsonl" -o /dev/null --no-progress
echo "ok"
