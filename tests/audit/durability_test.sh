#!/usr/bin/env bash
# The audit log under stress, through the command line:
#   1. a batch killed with SIGKILL while recording loses no committed record and leaves a
#      valid database;
#   2. two processes recording into one database at once keep every record and the chain whole;
#   3. record -> show -> replay is identical, even after the protocol file changed on disk;
#   4. what-if and plan decisions are recorded and replay identically;
#   5. an audited batch writes the results an unaudited one writes, plus decision ids.
# Usage: durability_test.sh REGIMEN SOURCE_DIR
set -euo pipefail
regimen=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
records() { "$regimen" audit --audit "$1" export | wc -l; }

good=$(grep -v '"bad' "$src/tests/fixtures/cohort/small.jsonl" | grep .)
for _ in $(seq 1 4000); do echo "$good"; done > "$work/cohort.jsonl"
lines=$(wc -l < "$work/cohort.jsonl")

# 1. SIGKILL in the middle of an audited batch. The batch reads its cohort from a pipe that is
#    fed 2.5 MB and then held open: it commits its first blocks and waits for more input, so the
#    kill always lands mid-run, however fast the machine (a batch that had already finished would
#    prove nothing).
mkfifo "$work/in.fifo"
{ head -c 2500000 "$work/cohort.jsonl"; sleep 120; } > "$work/in.fifo" 2>/dev/null &
feeder=$!
"$regimen" batch -i "$work/in.fifo" -o "$work/killed.jsonl" --audit "$work/k.db" --threads 2 2>/dev/null &
pid=$!
seen=0
for _ in $(seq 1 600); do  # wait (up to a minute) until something is committed
  sleep 0.1
  seen=$(records "$work/k.db" 2>/dev/null || echo 0)
  [ "$seen" -gt 0 ] && break
done
kill -0 "$pid" 2>/dev/null || fail "the batch ended before it was killed"
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pkill -P "$feeder" 2>/dev/null || true
kill "$feeder" 2>/dev/null || true
wait "$feeder" 2>/dev/null || true
[ "$seen" -gt 0 ] || fail "nothing was committed before the kill"
"$regimen" audit --audit "$work/k.db" verify >/dev/null || fail "the database is not valid after SIGKILL"
after=$(records "$work/k.db")
[ "$after" -ge "$seen" ] || fail "committed records were lost: $seen seen, $after after the kill"
[ ! -e "$work/killed.jsonl" ] || fail "a killed batch left a half-written output file"
echo "sigkill: $seen records seen committed, $after after the kill, chain whole"

# 2. Two writers at once, started together on a new database, several times: opening a new
#    database races for it (one of two used to fail now and then with "database is locked").
head -n 3000 "$work/cohort.jsonl" > "$work/part.jsonl"
for round in 1 2 3 4 5 6; do
  rm -f "$work/w.db" "$work/w.db-wal" "$work/w.db-shm"
  "$regimen" batch -i "$work/part.jsonl" -o "$work/a.jsonl" --audit "$work/w.db" --threads 1 &
  a=$!
  "$regimen" batch -i "$work/part.jsonl" -o "$work/b.jsonl" --audit "$work/w.db" --threads 1 &
  b=$!
  wait "$a" || fail "writer a failed (round $round)"
  wait "$b" || fail "writer b failed (round $round)"
  "$regimen" audit --audit "$work/w.db" verify >/dev/null || fail "two writers broke the chain (round $round)"
  [ "$(records "$work/w.db")" -eq 6000 ] || fail "two writers lost records: $(records "$work/w.db") of 6000 (round $round)"
done
echo "two writers, six rounds: 6000 records each, chain whole"

# 3. Record, show, replay; the protocol file changes on disk afterwards.
cp "$src/rules/ketamine-depression.yaml" "$work/protocol.yaml"
id=$("$regimen" evaluate -t "$src/examples/timelines/maintenance.yaml" -p "$work/protocol.yaml" --format json \
       --audit "$work/r.db" --requested-by auditor-test | sed -n 's/.*"decision_id": "\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "no decision id printed"
sed -i 's/    default: 21$/    default: 28/' "$work/protocol.yaml"   # maintenance.initial_interval_days
shown=$("$regimen" audit --audit "$work/r.db" show "$id")
[[ "$shown" == *"What to do"* ]] || fail "show does not give the explanation"
replayed=$("$regimen" audit --audit "$work/r.db" replay "$id")
[[ "$replayed" == identical* ]] || fail "replay is not identical: $replayed"
listed=$("$regimen" audit --audit "$work/r.db" list --patient p-maint)
[[ "$listed" == *auditor-test* ]] || fail "list does not show the record"
perm=$(stat -c %a "$work/r.db")
[ "$perm" = "600" ] || fail "the database has permissions $perm, not 600"
echo "record/show/replay: identical after the protocol file changed; permissions 600"
# 4. What-if and plan decisions: recorded with their request, shown, replayed identically.
wid=$("$regimen" whatif -t "$src/examples/timelines/mid-series.json" --miss-session 2026-04-14 \
        --add-score 2026-04-16 phq9 12 --item 9=0 --format json --audit "$work/r.db" | sed -n 's/.*"decision_id": "\([^"]*\)".*/\1/p')
pid_=$("$regimen" plan -t "$src/examples/timelines/mid-series.json" --scenario partial --set cost.per_session=450 \
        --audit "$work/r.db" | sed -n 's/^Decision \([^ ]*\) recorded.*/\1/p')
[ -n "$wid" ] && [ -n "$pid_" ] || fail "whatif or plan printed no decision id"
for d in "$wid" "$pid_"; do
  replayed=$("$regimen" audit --audit "$work/r.db" replay "$d")
  [[ "$replayed" == identical* ]] || fail "replay of $d is not identical: $replayed"
done
[[ "$("$regimen" audit --audit "$work/r.db" show "$pid_")" == *"scenario partial"* ]] || fail "show of a plan does not give the plan"
"$regimen" audit --audit "$work/r.db" verify >/dev/null || fail "the chain is broken after what-if and plan records"
echo "whatif/plan: recorded, shown, replayed identically"

# 5. An audited batch writes the results it would write unaudited, each with its decision id, with
#    or without the trace; its records keep the full output with the trace either way.
for trace in none full; do
  "$regimen" batch -i "$src/tests/fixtures/cohort/small.jsonl" --as-of 2026-11-28 --trace "$trace" --threads 2 \
    -o "$work/plain-$trace.jsonl" 2>"$work/plain-$trace.err" && fail "the bad lines did not make batch exit 1"
  "$regimen" batch -i "$src/tests/fixtures/cohort/small.jsonl" --as-of 2026-11-28 --trace "$trace" --threads 2 \
    --audit "$work/t-$trace.db" -o "$work/audited-$trace.jsonl" 2>"$work/audited-$trace.err" && fail "the bad lines did not make an audited batch exit 1"
  ids=$(grep -c '"decision_id":"' "$work/audited-$trace.jsonl")
  [ "$ids" -eq "$(wc -l < "$work/plain-$trace.jsonl")" ] || fail "--trace $trace: $ids decision ids for $(wc -l < "$work/plain-$trace.jsonl") results"
  sed -E 's/,"decision_id":"[0-9a-f-]+"}$/}/' "$work/audited-$trace.jsonl" | cmp -s - "$work/plain-$trace.jsonl" ||
    fail "--trace $trace: the audited results differ from the unaudited ones (beyond their decision ids)"
  cmp -s "$work/audited-$trace.err" "$work/plain-$trace.err" || fail "--trace $trace: the audited run reports the bad lines differently"
  [ "$(records "$work/t-$trace.db")" -eq "$ids" ] || fail "--trace $trace: $(records "$work/t-$trace.db") records for $ids results"
  traced=$("$regimen" audit --audit "$work/t-$trace.db" export --format jsonl | grep -c '\\"trace\\":\[{' || true)
  [ "$traced" -eq "$ids" ] || fail "--trace $trace: $traced of $ids records keep their trace"
  last=$(tail -n 1 "$work/audited-$trace.jsonl" | sed -n 's/.*"decision_id":"\([^"]*\)".*/\1/p')
  [[ "$("$regimen" audit --audit "$work/t-$trace.db" replay "$last")" == identical* ]] || fail "--trace $trace: replay is not identical"
done
if grep -q '"trace":\[{' "$work/audited-none.jsonl"; then fail "--trace none: the audited results carry the trace"; fi
echo "audited batch: the results of an unaudited run plus decision ids, with and without the trace; records keep the trace"
echo "1 passed, 0 failed"
