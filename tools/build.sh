#!/usr/bin/env bash
# Configures and builds regimen into $BUILD_DIR (default: build). Extra CMake arguments come
# from $REGIMEN_CMAKE_ARGS (CI sets -DREGIMEN_WERROR=ON, or the sanitizer build).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" ${REGIMEN_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
