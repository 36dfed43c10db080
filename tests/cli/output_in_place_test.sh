#!/usr/bin/env bash
# `-o` to something that is not a regular file is written in place, never replaced: a pipe stays a
# pipe and a symbolic link stays a link to its file (renaming a temporary file over them, as is
# done for regular files so that a failed run leaves no half-written file, would replace them; for
# `-o /dev/null` it replaced the system's /dev/null with a regular file). A regular file still
# gets its content whole.
set -euo pipefail
regimen=$1 root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cohort="$root/tests/fixtures/cohort/one.jsonl"
timeline="$root/examples/timelines/intake.json"

# A pipe, for batch and for evaluate.
mkfifo "$dir/pipe"
timeout 30 cat "$dir/pipe" > "$dir/from-pipe" &
"$regimen" batch -i "$cohort" -o "$dir/pipe" --as-of 2026-11-28 --no-progress
[ -p "$dir/pipe" ] || { echo "batch replaced the pipe"; kill %1; exit 1; }
wait
grep -q '"phase"' "$dir/from-pipe" || { echo "batch's results did not come through the pipe"; exit 1; }

timeout 30 cat "$dir/pipe" > "$dir/from-pipe-2" &
"$regimen" evaluate -t "$timeline" --format json -o "$dir/pipe"
[ -p "$dir/pipe" ] || { echo "evaluate replaced the pipe"; kill %1; exit 1; }
wait
grep -q '"phase"' "$dir/from-pipe-2" || { echo "evaluate's result did not come through the pipe"; exit 1; }

# A symbolic link: the link stays, its file gets the results.
: > "$dir/target.jsonl"
ln -s target.jsonl "$dir/link.jsonl"
"$regimen" batch -i "$cohort" -o "$dir/link.jsonl" --as-of 2026-11-28 --no-progress
[ -L "$dir/link.jsonl" ] || { echo "batch replaced the link"; exit 1; }
grep -q '"phase"' "$dir/target.jsonl" || { echo "batch did not write through the link"; exit 1; }

# A regular file: written whole, no temporary file left.
"$regimen" batch -i "$cohort" -o "$dir/plain.jsonl" --as-of 2026-11-28 --no-progress
grep -q '"phase"' "$dir/plain.jsonl"
if ls "$dir" | grep -q '\.tmp-'; then echo "a temporary file was left"; exit 1; fi

# A file written over keeps its mode (the temporary file it is renamed from has the umask's).
chmod 664 "$dir/plain.jsonl"
(umask 022 && "$regimen" batch -i "$cohort" -o "$dir/plain.jsonl" --as-of 2026-11-28 --no-progress)
[ "$(stat -c %a "$dir/plain.jsonl")" = 664 ] || { echo "batch -o reset the file's mode"; exit 1; }
: > "$dir/result.json"
chmod 600 "$dir/result.json"
(umask 022 && "$regimen" evaluate -t "$timeline" --format json -o "$dir/result.json")
[ "$(stat -c %a "$dir/result.json")" = 600 ] || { echo "evaluate -o reset the file's mode"; exit 1; }
grep -q '"phase"' "$dir/result.json"

# Interrupted (Ctrl-C, a scheduler's SIGTERM, a closed terminal's SIGHUP), batch -o removes its
# temporary file: no half-written file of results is left beside the output. Its input has not
# ended, so the signal finds it running. (Not SIGINT here: a script's background job ignores it.)
mkfifo "$dir/feed"
for sig in TERM HUP; do
  "$regimen" batch -i "$dir/feed" -o "$dir/stopped.jsonl" --as-of 2026-11-28 --no-progress &
  batch=$!
  exec 3> "$dir/feed"  # held open: the input has not ended
  cat "$cohort" >&3
  sleep 1
  kill -"$sig" "$batch"
  wait "$batch" || true
  exec 3>&-
  if ls "$dir" | grep -q '^stopped\.jsonl'; then echo "an interrupted batch ($sig) left $(ls "$dir" | grep stopped)"; exit 1; fi
done
echo ok
