#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, and run regimen on the
# bundled example patients.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-deps.sh
tools/build.sh >/dev/null
echo "\$ build/regimen check rules/ketamine-depression.yaml" >&2
build/regimen check rules/ketamine-depression.yaml
echo "\$ build/regimen summarize examples/timelines/*" >&2
build/regimen summarize examples/timelines/*.json examples/timelines/*.yaml
