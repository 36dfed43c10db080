#!/usr/bin/env bash
# A copy of the audit database on read-only media (a read-only file in a read-only folder, as
# SQLite's .backup leaves it: in WAL mode, with no -wal file) can be verified, listed and replayed;
# one with a write-ahead log there is refused with a message that says why. Nothing is written.
# Run as root (as CI is), the reads are made as the user 'nobody' (setpriv), whom the modes bind.
# The folder's name holds characters an SQLite URI escapes, and one read names it from '//'.
set -euo pipefail
regimen=$1 root=$2
dir=$(mktemp -d)
trap 'chmod -R u+w "$dir"; rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp "$regimen" "$dir/regimen"
chmod 755 "$dir/regimen"
ro="$dir/ro x?%41#y"
mkdir "$ro" "$dir/ro-wal"
"$dir/regimen" evaluate --audit "$ro/a.db" -t "$root/examples/timelines/intake.json" --format json > "$dir/out.json"
id=$(sed -n 's/.*"decision_id": "\([^"]*\)".*/\1/p' "$dir/out.json")
[ -n "$id" ] || { echo "no decision id in the output"; exit 1; }
[ ! -e "$ro/a.db-wal" ] || { echo "a -wal file was left by a finished run"; exit 1; }
cp "$ro/a.db" "$dir/ro-wal/a.db"
echo "not a log" > "$dir/ro-wal/a.db-wal"
before=$(sha256sum "$ro/a.db")
chmod 444 "$ro/a.db" "$dir/ro-wal/a.db" "$dir/ro-wal/a.db-wal"
chmod 555 "$ro" "$dir/ro-wal"
as_user=()
if [ "$(id -u)" = 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
for run in verify list "replay $id"; do
  set +e
  # shellcheck disable=SC2086
  "${as_user[@]}" "$dir/regimen" audit --audit "/$ro/a.db" $run > "$dir/stdout" 2> "$dir/err"
  rc=$?
  set -e
  [ "$rc" = 0 ] || { echo "audit $run on a read-only copy: exit $rc, expected 0"; cat "$dir/err"; exit 1; }
done
grep -q "^identical" "$dir/stdout" || { echo "replay did not say identical"; cat "$dir/stdout"; exit 1; }
[ "$(sha256sum "$ro/a.db")" = "$before" ] || { echo "reading changed the database file"; exit 1; }
ls "$ro" | grep -qv '^a.db$' && { echo "reading left a file beside the database"; ls "$ro"; exit 1; }
set +e
"${as_user[@]}" "$dir/regimen" audit --audit "$dir/ro-wal/a.db" verify > /dev/null 2> "$dir/err"
rc=$?
set -e
[ "$rc" = 1 ] || { echo "a read-only copy with a -wal file: exit $rc, expected 1"; cat "$dir/err"; exit 1; }
grep -q "write-ahead log (.*a.db-wal) needs a writable folder" "$dir/err" || { echo "no message about the -wal file"; cat "$dir/err"; exit 1; }
echo "ok"
