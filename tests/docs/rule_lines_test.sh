#!/usr/bin/env bash
# The docs quote places in the default protocol ("series.complete (rules/ketamine-depression.yaml:536:9)",
# or the same line of a copy of it such as eight.yaml). Each such place must still be where that
# transition or rule is: the protocol's lines move whenever it is edited.
set -euo pipefail
root=$1
rules="$root/rules/ketamine-depression.yaml"
status=0 checked=0
while IFS= read -r hit; do
  file=${hit%%:*} rest=${hit#*:} doc_line=${rest%%:*} quote=${rest#*:}
  id=$(sed -E 's/^([a-z0-9_.]+) \(.*/\1/' <<< "$quote")
  line=$(sed -E 's/.*\.yaml:([0-9]+):[0-9]+\).*/\1/' <<< "$quote")
  checked=$((checked + 1))
  sed -n "${line}p" "$rules" | grep -qE "^  - id: ${id//./\\.}\$" ||
    { echo "${file#$root/}:$doc_line: $id is not at line $line of rules/ketamine-depression.yaml"; status=1; }
done < <(grep -noE '[a-z0-9_]+\.[a-z0-9_.]+ \((rules/ketamine-depression|eight)\.yaml:[0-9]+:[0-9]+\)' "$root/docs/protocol-diff.md" "$root/README.md" | sed -E 's/^([^:]+):([0-9]+):/\1:\2:/')
[ "$checked" -gt 0 ] || { echo "no quoted place found: this test checks nothing"; exit 1; }
[ "$status" = 0 ] && echo "ok: $checked quoted places"
exit $status
