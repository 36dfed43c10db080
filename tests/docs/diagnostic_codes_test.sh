#!/usr/bin/env bash
# docs/protocol-language.md lists every diagnostic code of the protocol compiler as stable (tests
# and tools match on codes): each code the compiler's source can emit must be in that table.
set -euo pipefail
root=$1
table=$(sed -n '/^### Diagnostics/,/^`regimen check --format json`/p' "$root/docs/protocol-language.md")
codes=$(grep -rhoE '"(load|parse|check)\.[a-z_]+"' "$root/src/load" "$root/src/check" "$root/src/compile" "$root/src/protocol" | tr -d '"' | sort -u)
[ -n "$codes" ] || { echo "no codes found in the source: this test checks nothing"; exit 1; }
status=0
for code in $codes; do
  grep -qF "\`$code\`" <<< "$table" || { echo "docs/protocol-language.md, Diagnostics: $code is missing"; status=1; }
done
[ "$status" = 0 ] && echo "ok: $(wc -w <<< "$codes") codes, each in the table"
exit $status
