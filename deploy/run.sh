#!/usr/bin/env bash
# Installs what is missing, builds Release and runs the hub in the foreground.
# With no Redis URL configured (redis.url / HUB_REDIS_URL) the hub starts its own private
# redis-server (AOF on, data in var/redis, loopback only) and stops it when it exits.
#   deploy/run.sh [--config FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh --runtime
cmake --preset release -DHUB_TESTS=OFF -DHUB_BENCH=OFF >/dev/null
cmake --build --preset release --target roaming-hub hubctl -j"$(nproc)"
exec build/release/hub/app/roaming-hub "$@"
