#!/usr/bin/env bash
# HTTP layer baseline: the hub's Beast server answering GET /health/live on the admin listener
# against nginx answering the same small JSON body, both with 2 worker threads/processes,
# loaded side by side in one run by wrk (keep-alive, 64 connections, 2 wrk threads).
#   bench/http_bench.sh [build_dir]   (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
duration=${DURATION:-10s}
work=$(mktemp -d /tmp/hub-http-bench-XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
hub_admin=$(free_port); hub_api=$(free_port); nginx_port=$(free_port)

cat > "$work/hub.toml" <<TOML
[hub]
threads = ${HUB_THREADS:-0}
log_level = "warn"
data_dir = "$work/data"
[api]
listen = "127.0.0.1:$hub_api"
[admin]
listen = "127.0.0.1:$hub_admin"
TOML
"$build/hub/app/roaming-hub" --config "$work/hub.toml" 2>"$work/hub.log" &

mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location /health/live { default_type application/json; return 200 '{"status":"live"}'; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &

for port in $hub_admin $nginx_port; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.1; done
done

run() { wrk -t2 -c64 -d"$duration" --latency "$1" | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}'; }
read -r n_rps n_p50 n_p99 < <(run "http://127.0.0.1:$nginx_port/health/live")
read -r h_rps h_p50 h_p99 < <(run "http://127.0.0.1:$hub_admin/health/live")
echo "nginx : $n_rps req/s  p50 $n_p50  p99 $n_p99"
echo "hub   : $h_rps req/s  p50 $h_p50  p99 $h_p99"
python3 -c "print('throughput ratio hub/nginx: %.2f' % ($h_rps / $n_rps))"
