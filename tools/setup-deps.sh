#!/usr/bin/env bash
# Installs regimen's build and test dependencies from Debian's packages.
# Idempotent: it asks apt only for what is missing, and does nothing when all is present.
set -euo pipefail

packages=(
  g++ cmake make pkg-config   # the toolchain (C++20, CMake >= 3.25)
  libyaml-cpp-dev             # protocols and YAML timelines, with line/column marks
  libboost-graph-dev          # phase graph and fact dependency graph
  libspdlog-dev libfmt-dev    # diagnostic logging; fast formatting of output
  libcli11-dev                # the command line
  libsimdjson-dev             # fast JSON parsing (timelines, cohorts)
  nlohmann-json3-dev          # locating JSON syntax errors (slow path only)
  libssl-dev                  # SHA-256 of protocols and inputs (OpenSSL libcrypto)
  libsqlite3-dev              # the audit log (decision records, WAL)
  libzstd-dev                 # compressing the audit log's large columns (fast, checksummed)
  catch2                      # unit tests (v2)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all dependencies present" >&2
  exit 0
fi

echo "setup-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-deps: done" >&2
