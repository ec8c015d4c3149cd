#!/usr/bin/env bash
# Installs what is missing, builds and runs every test through ctest: first a Release build,
# then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
#   deploy/test.sh                 both passes
#   HUB_SANITIZERS=0 deploy/test.sh   Release pass only
# Tests that read the official spec files find them in ../shared/spec (CMake cache variable
# HUB_SHARED_SPEC_DIR) and skip with a message when they are absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
jobs=$(nproc)
spec_dir=$(cd .. && pwd)/shared/spec

cmake --preset release -DHUB_TESTS=ON -DHUB_BENCH=ON -DHUB_SHARED_SPEC_DIR="$spec_dir" >/dev/null
cmake --build --preset release -j"$jobs"
ctest --preset release -j"$jobs"

if [[ "${HUB_SANITIZERS:-1}" != "0" ]]; then
  cmake --preset asan-ubsan -DHUB_SHARED_SPEC_DIR="$spec_dir" >/dev/null
  cmake --build --preset asan-ubsan -j"$jobs"
  ctest --preset asan-ubsan -j"$jobs"
fi
