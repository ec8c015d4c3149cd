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
# ROUNDS rounds (default 3) of DURATION (default 10s) per side, the sides alternating (ABBA);
# besides the totals, the median of the rounds' own hub/nginx ratios.
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
# Context switches of all threads of a process so far (voluntary: it waited for events).
switches() { cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt_switches/ {v+=$2} /^nonvoluntary_ctxt_switches/ {n+=$2} END {print v, n}'; }
sys() { awk '{printf "%.2f", $15/'"$(getconf CLK_TCK)"'}' "/proc/$1/stat"; }  # of which in the kernel
proxy_worker() { pgrep -P "$(cat "$work/proxy.pid")" | head -1; }
redis_pid=$(pgrep -P "$hub_pid" redis-server || true)
# One wrk run of one side: "rps p50 p99 non2xx cpu_s kernel_s redis_s" (CPU seconds used meanwhile).
measure() {  # side(nginx|hub) kind url
  local pid=$hub_pid
  [[ $1 == nginx ]] && pid=$(proxy_worker)
  local c0 s0 r0 w0
  c0=$(cpu "$pid"); s0=$(sys "$pid"); r0=$([[ $1 == hub && -n $redis_pid ]] && cpu "$redis_pid" || echo 0)
  w0=$(switches "$pid")
  if [[ $1 == hub && -n "${PROFILE:-}" ]]; then  # PROFILE=dir: perf profile of the hub during its run
    perf record -q -F "${PERF_FREQ:-299}" --call-graph dwarf,16384 -p "$hub_pid" -o "$PROFILE/$2.perf" -- sleep "${duration%s}" >/dev/null 2>&1 &
  fi
  if [[ -n "${SYSCALLS:-}" ]]; then  # SYSCALLS=dir: syscall counts of the hub and of nginx
    # perf's syscall tracepoints barely slow the traced process (strace -c stops it per call).
    perf stat -x, -e "$(printf 'syscalls:sys_enter_%s,' recvfrom recvmsg read readv sendmsg sendto write writev epoll_wait epoll_ctl getsockopt setsockopt futex ioctl timerfd_settime io_uring_enter | sed 's/,$//')" -p "$pid" -o "$SYSCALLS/$2-$1.txt" -- sleep "${duration%s}" >/dev/null 2>&1 &
  fi
  local out
  out=$(wrk -t2 -c64 -d"$duration" --latency -s "$work/$2.lua" "$3" |
        awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {print rps, p50, p99, (bad==""?0:bad)}')
  local w1
  w1=$(switches "$pid")
  echo "$out $(python3 -c "print(round($(cpu "$pid") - $c0, 2), round($(sys "$pid") - $s0, 2))") \
$([[ $1 == hub && -n $redis_pid ]] && python3 -c "print(round($(cpu "$redis_pid") - $r0, 2))" || echo 0) \
$(python3 -c "a, b = '$w0'.split(), '$w1'.split(); print(int(b[0]) - int(a[0]), int(b[1]) - int(a[1]))")"
}
# Rounds (ROUNDS, default 3) of DURATION per side, alternating which side goes first (ABBA), so
# that a machine whose speed drifts during the run (shared hosts do) weighs on both sides alike.
# Throughput is all requests over all time, p50/p99 the median of the rounds' values.
rounds=${ROUNDS:-3}
for kind in ${KINDS:-get put putnew}; do
  path=/ocpi/2.2.1/sender/locations
  [[ $kind == put* ]] && path=/ocpi/2.2.1/receiver/locations/NL/CPO/LOC1
  results=()
  for ((r = 1; r <= rounds; r++)); do
    sides=(nginx hub)
    (( r % 2 == 0 )) && sides=(hub nginx)
    for side in "${sides[@]}"; do
      port=$hub_api
      [[ $side == nginx ]] && port=$proxy
      line=$(measure "$side" "$kind" "http://127.0.0.1:$port$path")
      echo "  $kind round $r $side: $line" | awk '{printf "  %s round %s %-5s %10.0f req/s  p50 %-8s p99 %-8s non-2xx %s\n", $1, $3, $4, $5, $6, $7, $8}'
      results+=("$side $line")
    done
  done
  if [[ -n "${REDIS_STATS:-}" && -n $redis_pid ]]; then  # REDIS_STATS=1: where the hub's Redis spent its time
    rport=$(tr '\0' ' ' < "/proc/$redis_pid/cmdline" | grep -oE '127.0.0.1:[0-9]+' | head -1 | cut -d: -f2)
    redis-cli -p "$rport" INFO commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_/ {printf "    %-28s calls %10d  usec %12d  usec/call %8.2f\n", $1, $3, $5, $7}' | sort -k5 -nr | head -12
    redis-cli -p "$rport" CONFIG RESETSTAT >/dev/null
  fi
  delivered=$(curl -sf "http://127.0.0.1:$hub_admin/metrics" | awk '/^hub_bus_delivery_attempts_total\{.*outcome="ok"/ {n+=$NF} END {printf "%d", n}')
  printf '%s\n' "${results[@]}" > "$work/$kind.results"
  python3 - "$kind" "${duration%s}" "$delivered" "$work/$kind.results" <<'PY'
import sys, re, statistics
kind, secs, delivered = sys.argv[1], float(sys.argv[2]), sys.argv[3]
def ms(v):
    n, u = re.match(r'([\d.]+)(\w+)', v).groups()
    return float(n) * {'us': 0.001, 'ms': 1, 's': 1000}[u]
agg = {}
rounds = []  # each round's two sides, measured one after the other
for line in open(sys.argv[4]):
    side, rps, p50, p99, bad, cpu, ker, red, vol, invol = line.split()
    if not rounds or len(rounds[-1]) == 2:
        rounds.append({})
    rounds[-1][side] = float(rps)
    a = agg.setdefault(side, {'n': 0, 'req': 0.0, 'p50': [], 'p99': [], 'bad': 0, 'cpu': 0.0, 'ker': 0.0, 'red': 0.0,
                              'vol': 0, 'invol': 0})
    a['n'] += 1; a['req'] += float(rps) * secs; a['p50'].append(ms(p50)); a['p99'].append(ms(p99))
    a['bad'] += int(bad); a['cpu'] += float(cpu); a['ker'] += float(ker); a['red'] += float(red)
    a['vol'] += int(vol); a['invol'] += int(invol)
for side in ('nginx', 'hub'):
    a = agg[side]
    a['rps'] = a['req'] / (a['n'] * secs)
    a['p50m'], a['p99m'] = statistics.median(a['p50']), statistics.median(a['p99'])
    extra = f" + redis {a['red'] * 1e6 / a['req']:.1f} us" if side == 'hub' else ''
    print(f"{kind} {side:5}: {a['rps']:.0f} req/s  p50 {a['p50m']:.2f}ms  p99 {a['p99m']:.2f}ms  non-2xx {a['bad']}  "
          f"cpu/req {a['cpu'] * 1e6 / a['req']:.1f} us (kernel {a['ker'] * 1e6 / a['req']:.1f}){extra}  "
          f"waits/100 req {a['vol'] * 100 / a['req']:.1f} (preempted {a['invol'] * 100 / a['req']:.1f})")
h, n = agg['hub'], agg['nginx']
print(f"{kind} hub deliveries to the eMSP so far (coalesced per lane while backlogged): {delivered}")
print(f"    throughput hub/nginx {h['rps'] / n['rps']:.2f}x, p99 hub/nginx {h['p99m'] / n['p99m']:.2f}x")
# The ratio within each round (its two sides ran back to back) is less exposed to the machine's
# drift over the whole run than the totals are.
per = sorted(r['hub'] / r['nginx'] for r in rounds if len(r) == 2 and r['nginx'] > 0)
if per:
    print(f"    per round throughput hub/nginx: median {statistics.median(per):.2f}x, "
          f"{per[0]:.2f}-{per[-1]:.2f}x over {len(per)} rounds")
PY
done
