#!/usr/bin/env bash
# OCPI through the hub against nginx reverse-proxying the same requests to the same destination,
# side by side in one run, loaded by wrk (keep-alive, 64 connections, 2 wrk threads):
#   GET  an eMSP's GET of a CPO's locations page (OCPI-to = the CPO): forwarded synchronously;
#   PUT  a CPO's Location push addressed to one eMSP: validated, stored, queued durably on the bus
#        and acknowledged (delivered to the eMSP in the background). "put" re-pushes one
#        unchanged state (nothing new to deliver); "putnew" pushes a new state of one of 10,000
#        Locations per request, each of which the hub also delivers (KINDS="get put putnew").
# The destination (both CPO and eMSP platform) is nginx answering static OCPI envelopes.
# The hub and the proxying nginx get the same number of worker threads (HUB_THREADS, default 1).
#   bench/ocpi_forward_bench.sh [build_dir]   (default build/release)
# HUB_WRAP="valgrind --tool=callgrind ..." runs the hub under a tool (instruction counts).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
duration=${DURATION:-10s}
threads=${HUB_THREADS:-1}
work=$(mktemp -d /tmp/hub-ocpi-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
hub_admin=$(free_port); hub_api=$(free_port); dest=$(free_port); proxy=$(free_port)
mkdir -p "$work/nginx"
common="access_log off; client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx; uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;"
ok='{"status_code":1000,"timestamp":"2026-11-25T10:00:00Z"}'
page='{"data":[{"country_code":"NL","party_id":"CPO","id":"LOC1","publish":true,"address":"Main Street 1","city":"Amsterdam","country":"NLD","coordinates":{"latitude":"52.370216","longitude":"4.895168"},"time_zone":"Europe/Amsterdam","last_updated":"2026-11-25T10:00:00Z"}],"status_code":1000,"timestamp":"2026-11-25T10:00:00Z"}'
base="http://127.0.0.1:$dest/ocpi"
cat > "$work/dest.conf" <<NGINX
worker_processes 1;
pid $work/dest.pid;
error_log $work/nginx/dest-error.log;
events { worker_connections 4096; }
http {
  $common
  default_type application/json;
  server {
    listen 127.0.0.1:$dest;
    location = /ocpi/versions { return 200 '{"data":[{"version":"2.2.1","url":"$base/2.2.1"}],"status_code":1000,"timestamp":"2026-11-25T10:00:00Z"}'; }
    location = /ocpi/2.2.1 { return 200 '{"data":{"version":"2.2.1","endpoints":[{"identifier":"credentials","role":"SENDER","url":"$base/2.2.1/credentials"},{"identifier":"locations","role":"SENDER","url":"$base/2.2.1/sender/locations"},{"identifier":"locations","role":"RECEIVER","url":"$base/2.2.1/locations"}]},"status_code":1000,"timestamp":"2026-11-25T10:00:00Z"}'; }
    location /ocpi/2.2.1/sender/locations { return 200 '$page'; }
    location /ocpi/2.2.1/locations/ { return 200 '$ok'; }
  }
}
NGINX
cat > "$work/proxy.conf" <<NGINX
worker_processes $threads;
pid $work/proxy.pid;
error_log $work/nginx/proxy-error.log;
events { worker_connections 4096; }
http {
  $common
  upstream destination { server 127.0.0.1:$dest; keepalive 64; }
  server {
    listen 127.0.0.1:$proxy;
    location /ocpi/2.2.1/sender/locations {
      proxy_pass http://destination/ocpi/2.2.1/sender/locations;
      proxy_http_version 1.1; proxy_set_header Connection "";
    }
    location /ocpi/2.2.1/receiver/locations/ {
      proxy_pass http://destination/ocpi/2.2.1/locations/;
      proxy_http_version 1.1; proxy_set_header Connection "";
    }
  }
}
NGINX
cat > "$work/hub.toml" <<TOML
[hub]
threads = $threads
log_level = "warn"
data_dir = "$work/data"
[api]
listen = "127.0.0.1:$hub_api"
[admin]
listen = "127.0.0.1:$hub_admin"
TOML
nginx -c "$work/dest.conf" -g 'daemon off;' &
nginx -c "$work/proxy.conf" -g 'daemon off;' &
${HUB_PRELOAD:+env LD_PRELOAD=$HUB_PRELOAD} ${HUB_WRAP:-} "$build/hub/app/roaming-hub" --config "$work/hub.toml" 2>"$work/hub.log" &
hub_pid=$!
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$hub_admin/health/ready" >/dev/null && break; sleep 0.1; done
for _ in $(seq 1 100); do curl -sf "$base/versions" >/dev/null && break; sleep 0.1; done
admin_token=$(cat "$work/data/admin-token")

# Two parties, each registering itself (credentials handshake against the nginx destination).
register() {  # role cc pid -> token C
  local a
  a=$(curl -sf -H "Authorization: Bearer $admin_token" -d "{\"name\":\"$1 $3\",\"protocol\":\"ocpi\",\"roles\":[{\"role\":\"$1\",\"country_code\":\"$2\",\"party_id\":\"$3\"}]}" \
      "http://127.0.0.1:$hub_admin/admin/parties" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token_a"])')
  curl -sf -X POST -H "Authorization: Token $(printf %s "$a" | base64 -w0)" -H 'Content-Type: application/json' \
    -d "{\"token\":\"dest-token-$3\",\"url\":\"$base/versions\",\"roles\":[{\"role\":\"$1\",\"business_details\":{\"name\":\"$3\"},\"party_id\":\"$3\",\"country_code\":\"$2\"}]}" \
    "http://127.0.0.1:$hub_api/ocpi/2.2.1/credentials" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])'
}
cpo_token=$(register CPO NL CPO)
msp_token=$(register EMSP NL MSP)

location='{"country_code":"NL","party_id":"CPO","id":"LOC1","publish":true,"address":"Main Street 1","city":"Amsterdam","country":"NLD","coordinates":{"latitude":"52.370216","longitude":"4.895168"},"time_zone":"Europe/Amsterdam","last_updated":"2026-11-25T10:00:00Z"}'
cat > "$work/get.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Token $(printf %s "$msp_token" | base64 -w0)"
wrk.headers["X-Request-ID"] = "6f0c3b4e-1d2a-4c5b-8e9f-0a1b2c3d4e5f"
wrk.headers["X-Correlation-ID"] = "7a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
wrk.headers["OCPI-from-country-code"] = "NL"
wrk.headers["OCPI-from-party-id"] = "MSP"
wrk.headers["OCPI-to-country-code"] = "NL"
wrk.headers["OCPI-to-party-id"] = "CPO"
LUA
cat > "$work/put.lua" <<LUA
wrk.method = "PUT"
wrk.body = '$location'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token $(printf %s "$cpo_token" | base64 -w0)"
wrk.headers["X-Request-ID"] = "6f0c3b4e-1d2a-4c5b-8e9f-0a1b2c3d4e5f"
wrk.headers["X-Correlation-ID"] = "7a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
wrk.headers["OCPI-from-country-code"] = "NL"
wrk.headers["OCPI-from-party-id"] = "CPO"
wrk.headers["OCPI-to-country-code"] = "NL"
wrk.headers["OCPI-to-party-id"] = "MSP"
LUA
# "putnew": a new state each time, of 10,000 Locations in turn (the id and last_updated advance
# per request, each wrk thread its own range): the hub stores and queues every state and
# delivers it to the eMSP in the background (a backlog of one object coalesces to its latest
# state), where "put" re-pushes one unchanged state (acknowledged, nothing new to deliver).
template=${location/2026-11-25T10:00:00Z/%s}
sed -e "s|^wrk.body = .*|fmt = '${template/\"LOC1\"/\"LOC%d\"}'|" "$work/put.lua" > "$work/putnew.lua"
cat >> "$work/putnew.lua" <<'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("base", threads * 10000000)
end
counter = 0
function request()
  counter = counter + 1
  local id = counter % 10000
  return wrk.format(nil, "/ocpi/2.2.1/receiver/locations/NL/CPO/LOC" .. id, nil,
    string.format(fmt, id, os.date("!%Y-%m-%dT%H:%M:%SZ", 1700000000 + base + counter)))
end
LUA
# Sanity: both answer OCPI 1000 before measuring.
curl -sf -H "Authorization: Token $(printf %s "$msp_token" | base64 -w0)" -H 'OCPI-from-country-code: NL' -H 'OCPI-from-party-id: MSP' \
  -H 'OCPI-to-country-code: NL' -H 'OCPI-to-party-id: CPO' "http://127.0.0.1:$hub_api/ocpi/2.2.1/sender/locations" | grep -q '"status_code":1000'
curl -sf -X PUT -d "$location" -H 'Content-Type: application/json' -H "Authorization: Token $(printf %s "$cpo_token" | base64 -w0)" \
  -H 'OCPI-from-country-code: NL' -H 'OCPI-from-party-id: CPO' -H 'OCPI-to-country-code: NL' -H 'OCPI-to-party-id: MSP' \
  "http://127.0.0.1:$hub_api/ocpi/2.2.1/receiver/locations/NL/CPO/LOC1" | grep -q '"status_code":1000'

# CPU seconds (user+system, all threads) a process has used so far.
cpu() { awk '{printf "%.2f", ($14+$15)/'"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }
sys() { awk '{printf "%.2f", $15/'"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }  # of which in the kernel
proxy_worker() { pgrep -P "$(cat "$work/proxy.pid")" | head -1; }
redis_pid=$(pgrep -P "$hub_pid" redis-server || true)
run() { wrk -t2 -c64 -d"$duration" --latency -s "$1" "$2" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {print rps, p50, p99, (bad==""?0:bad)}'; }
for kind in ${KINDS:-get put putnew}; do
  path=/ocpi/2.2.1/sender/locations
  [[ $kind == put* ]] && path=/ocpi/2.2.1/receiver/locations/NL/CPO/LOC1
  if [[ -n "${SYSCALLS:-}" ]]; then
    timeout -s INT "${duration%s}" strace -c -f -p "$(cat "$work/proxy.pid")" $(pgrep -P "$(cat "$work/proxy.pid")" | sed 's/^/-p /') \
      -o "$SYSCALLS/$kind-nginx.txt" >/dev/null 2>&1 &
  fi
  n_cpu0=$(cpu "$(proxy_worker)"); n_sys0=$(sys "$(proxy_worker)")
  read -r n_rps n_p50 n_p99 n_bad < <(run "$work/$kind.lua" "http://127.0.0.1:$proxy$path")
  n_cpu=$(python3 -c "print(f'{($(cpu "$(proxy_worker)") - $n_cpu0) * 1e6 / ($n_rps * ${duration%s}):.1f}')")
  n_sys=$(python3 -c "print(f'{($(sys "$(proxy_worker)") - $n_sys0) * 1e6 / ($n_rps * ${duration%s}):.1f}')")
  if [[ -n "${PROFILE:-}" ]]; then  # PROFILE=dir: perf profile of the hub during its run
    perf record -q -F "${PERF_FREQ:-299}" --call-graph dwarf,16384 -p "$hub_pid" -o "$PROFILE/$kind.perf" -- sleep "${duration%s}" >/dev/null 2>&1 &
  fi
  if [[ -n "${SYSCALLS:-}" ]]; then  # SYSCALLS=dir: syscall counts of the hub and of nginx
    timeout -s INT "${duration%s}" strace -c -f -p "$hub_pid" -o "$SYSCALLS/$kind-hub.txt" >/dev/null 2>&1 &
  fi
  h_cpu0=$(cpu "$hub_pid"); h_sys0=$(sys "$hub_pid"); r_cpu0=$([[ -n $redis_pid ]] && cpu "$redis_pid" || echo 0)
  read -r h_rps h_p50 h_p99 h_bad < <(run "$work/$kind.lua" "http://127.0.0.1:$hub_api$path")
  h_cpu=$(python3 -c "print(f'{($(cpu "$hub_pid") - $h_cpu0) * 1e6 / ($h_rps * ${duration%s}):.1f}')")
  h_sys=$(python3 -c "print(f'{($(sys "$hub_pid") - $h_sys0) * 1e6 / ($h_rps * ${duration%s}):.1f}')")
  r_cpu=$(python3 -c "print(f'{($([[ -n $redis_pid ]] && cpu "$redis_pid" || echo 0) - $r_cpu0) * 1e6 / ($h_rps * ${duration%s}):.1f}')")

  echo "$kind nginx : $n_rps req/s  p50 $n_p50  p99 $n_p99  non-2xx $n_bad  cpu/req ${n_cpu} us (kernel ${n_sys})"
  delivered=$(curl -sf "http://127.0.0.1:$hub_admin/metrics" | awk '/^hub_bus_delivery_attempts_total\{.*outcome="ok"/ {n+=$NF} END {printf "%d", n}')
  echo "$kind hub deliveries to the eMSP so far (coalesced per lane while backlogged): $delivered"
  echo "$kind hub   : $h_rps req/s  p50 $h_p50  p99 $h_p99  non-2xx $h_bad  cpu/req ${h_cpu} us (kernel ${h_sys}) + redis ${r_cpu} us"
  python3 - "$h_rps" "$n_rps" "$h_p99" "$n_p99" <<'PY'
import sys, re
def ms(v):
    n, u = re.match(r'([\d.]+)(\w+)', v).groups()
    return float(n) * {'us': 0.001, 'ms': 1, 's': 1000}[u]
h, n, hp, np_ = float(sys.argv[1]), float(sys.argv[2]), ms(sys.argv[3]), ms(sys.argv[4])
print(f"    throughput hub/nginx {h / n:.2f}x, p99 hub/nginx {hp / np_:.2f}x")
PY
done
