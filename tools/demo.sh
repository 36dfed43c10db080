#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, and evaluate the bundled
# example patients with the built-in default protocol, printing each explanation.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-deps.sh
tools/build.sh >/dev/null
for timeline in examples/timelines/*.json examples/timelines/*.yaml; do
  echo "\$ build/regimen explain -t $timeline"
  build/regimen explain -t "$timeline"
  echo
done
