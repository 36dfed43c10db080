#!/usr/bin/env bash
# An -o file the user may not write is not replaced: the result is written to a temporary file
# and renamed, and a rename in a shared folder would replace another user's read-only file. Run
# as root (as CI is), the runs are made as the user 'nobody' (setpriv), from a copy of the
# binary that user may execute.
set -euo pipefail
regimen=$1 root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 777 "$dir"
cp "$regimen" "$dir/regimen"
cp "$root/examples/timelines/intake.json" "$dir/timeline.json"
cp "$root/tests/fixtures/cohort/one.jsonl" "$dir/cohort.jsonl"
chmod 755 "$dir/regimen"
chmod 644 "$dir/timeline.json" "$dir/cohort.jsonl"
echo "kept" > "$dir/read-only.json"
chmod 444 "$dir/read-only.json"
as_user=()
if [ "$(id -u)" = 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
for run in "evaluate -t $dir/timeline.json -o $dir/read-only.json" \
           "batch -i $dir/cohort.jsonl -o $dir/read-only.json --no-progress"; do
  set +e
  # shellcheck disable=SC2086
  "${as_user[@]}" "$dir/regimen" $run 2> "$dir/err"
  rc=$?
  set -e
  [ "$rc" = 1 ] || { echo "$run: exit $rc, expected 1"; cat "$dir/err"; exit 1; }
  grep -q "cannot write $dir/read-only.json: Permission denied" "$dir/err" || { echo "$run: no message"; cat "$dir/err"; exit 1; }
  [ "$(cat "$dir/read-only.json")" = kept ] || { echo "$run: the read-only file was replaced"; exit 1; }
  ls "$dir" | grep -q 'tmp-' && { echo "$run: a temporary file was left"; exit 1; }
done
echo "ok"
