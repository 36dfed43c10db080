#!/usr/bin/env bash
# All tests on a fresh machine: install what is missing, build, and run every test with CTest
# (Catch2 unit tests, command-line tests and, later, protocol tests).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup-deps.sh
tools/build.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
