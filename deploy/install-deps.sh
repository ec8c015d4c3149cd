#!/usr/bin/env bash
# Installs the Debian bookworm packages roaming-hub needs. Idempotent: only missing
# packages are installed. When not root, prints the exact command to run instead.
#   deploy/install-deps.sh            build + runtime + test packages
#   deploy/install-deps.sh --runtime  only what building and running the hub needs
set -euo pipefail

build_pkgs=(
  g++ cmake ninja-build pkg-config
  libboost1.81-all-dev
  gsoap libgsoap-dev
  rapidjson-dev
  libhiredis-dev
  prometheus-cpp-dev
  libssl-dev
  libtomlplusplus-dev
  libspdlog-dev
  libjemalloc-dev     # the hub executable's allocator
  liburing-dev        # Asio's io_uring backend (HUB_IO_URING)
  redis-server
  curl
)
test_pkgs=(
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  prometheus          # promtool
  python3-zeep        # independent SOAP client
  libxml2-utils       # xmllint
  wrk nginx-light     # benchmarks and their baseline
)

pkgs=("${build_pkgs[@]}")
if [[ "${1:-}" != "--runtime" ]]; then
  pkgs+=("${test_pkgs[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js runs the OpenAPI conformance check (npm packages, see below); any installed node/npm
# will do, Debian's are installed only when there is none.
if [[ "${1:-}" != "--runtime" ]]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
npm_tools() {
  # The field's tools from the npm registry, pinned by package-lock.json: Stoplight Prism's
  # HTTP validator checks OCPI exchanges against the official OpenAPI description.
  [[ "${1:-}" == "--runtime" ]] && return 0
  local dir="$here/tests/ocpi/openapi"
  if [[ ! -d "$dir/node_modules/@stoplight/prism-http" || "$dir/package-lock.json" -nt "$dir/node_modules" ]]; then
    echo "roaming-hub: installing npm test tools in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
  npm_tools "${1:-}"
  exit 0
fi

cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) -ne 0 ]]; then
  echo "roaming-hub: missing Debian packages: ${missing[*]}" >&2
  echo "run as root:  apt-get update && ${cmd[*]}" >&2
  exit 1
fi

echo "roaming-hub: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
"${cmd[@]}"
# Debian starts services on install; the hub and the tests start their own instances.
for svc in redis-server nginx prometheus; do
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
  service "$svc" stop >/dev/null 2>&1 || true
done
npm_tools "${1:-}"
