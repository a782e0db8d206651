#!/usr/bin/env bash
# The floor under the gateway's added latency on this machine: nginx as a bare reverse proxy
# (one worker, upstream keep-alive, no logging) in front of the same Ozon simulator, measured as
# gateway-bench.sh measures the gateway: bench-load sends request 2k through the proxy and 2k+1
# to the simulator directly, at RATE req/s in all (default 100) over 64 connections each, and
# reports the median of the paired differences. nginx and bench-gateway (whose simulator is the
# upstream) on core 0, the load on core 1. ROUNDS runs (default 3) of DURATION s (default 10).
#   bash Release/build.sh --package-path Benchmarks && bash Benchmarks/proxy-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-Benchmarks/.build-release/release/bench-gateway}
LOAD=${LOAD:-Benchmarks/.build-release/release/bench-load}
RATE=${RATE:-100}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
PORT=18641
SIM_PORT=18642
PROXY_PORT=18643
command -v nginx >/dev/null || { echo "proxy-floor: nginx is needed (apt-get install nginx)" >&2; exit 1; }
[[ -x "$BIN" && -x "$LOAD" ]] || { echo "proxy-floor: build first: bash Release/build.sh --package-path Benchmarks" >&2; exit 1; }
work=$(mktemp -d)
cleanup() { kill "${proxy:-}" "${server:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# shellcheck source=lib/relay-nginx.sh
source Benchmarks/lib/relay-nginx.sh
relay_nginx_conf "$work" "$PROXY_PORT" "$SIM_PORT" 0
body='{"filters":{"status":"ALL"},"limit":20,"sort_dir":"DESC"}'
for round in $(seq 1 "$ROUNDS"); do
  PORT=$PORT SIM_PORT=$SIM_PORT LOOPS=1 taskset -c 0 "$BIN" >/dev/null 2>"$work/server.err" &
  server=$!
  for _ in $(seq 1 100); do grep -q api_key "$work/server.err" 2>/dev/null && break; sleep 0.1; done
  client_id=$(sed -n 's/.*client_id \([0-9]*\).*/\1/p' "$work/server.err")
  api_key=$(sed -n 's/.*api_key \([^ ]*\).*/\1/p' "$work/server.err")
  nginx -c "$work/nginx.conf" -p "$work" &
  proxy=$!
  relay_nginx_wait "$PROXY_PORT" "$client_id" "$api_key" "$body"
  headers=$'Content-Type: application/json\nClient-Id: '"$client_id"$'\nApi-Key: '"$api_key"
  echo "round $round"
  RATE=$RATE CONNS=64 DURATION=$DURATION METHOD=POST BODY="$body" HEADERS="$headers" METHOD2=POST BODY2="$body" HEADERS2="$headers" \
    taskset -c 1 "$LOAD" "http://127.0.0.1:$PROXY_PORT/v2/review/list" "http://127.0.0.1:$SIM_PORT/v2/review/list"
  kill "$proxy" "$server"; wait "$proxy" "$server" 2>/dev/null || true
  proxy= server=
done
