#!/usr/bin/env bash
# docs/scale-out.md pins the default protocol by its SHA-256 in recipes meant to be copied (a
# Kubernetes Job, a Spark job's environment). A pinned hash that no longer matches makes every
# shard refuse the protocol, so each copy of it on that page must be the protocol's hash today.
set -euo pipefail
root=$1
page="$root/docs/scale-out.md"
hash=$(sha256sum "$root/rules/ketamine-depression.yaml" | cut -d' ' -f1)
status=0
while IFS=: read -r line found; do
  [ "$found" = "$hash" ] || { echo "docs/scale-out.md:$line: pins $found, but rules/ketamine-depression.yaml is $hash"; status=1; }
done < <(grep -noE '[0-9a-f]{64}' "$page")
while IFS=: read -r line found; do
  [ "${hash:0:8}…" = "$found" ] || { echo "docs/scale-out.md:$line: shows ${found}, but the hash starts ${hash:0:8}"; status=1; }
done < <(grep -noE '^# [0-9a-f]{8}…' "$page" | sed 's/# //')
[ "$(grep -cE '[0-9a-f]{64}' "$page")" -gt 0 ] || { echo "docs/scale-out.md pins no hash: this test checks nothing"; status=1; }
[ "$status" = 0 ] && echo "ok: docs/scale-out.md pins $hash"
exit $status
