#!/usr/bin/env bash
# Where the gateway's loop spends the time of one 20-item list, phase by phase, at a fixed rate.
# Builds HEAD (committed code only) in a temporary worktree with Benchmarks/phases/probes.patch
# applied: ~30 probe points (epoll wake-up, read, dispatch, each middleware, the connector, the
# upstream write and answer, parse, read, items, writev), each a CLOCK_MONOTONIC read into a
# static buffer written out at exit. Then bench-gateway on core 0 (LOOPS=1) and bench-load on
# core 1 at RATE req/s (default 100) over 64 connections for DURATION s (default 5), and
# phases.py prints the median of every step. Needs git; takes ~3 minutes, most of it the build.
#   bash Benchmarks/gateway-phases.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-100}
DURATION=${DURATION:-5}
LOAD=${LOAD:-Benchmarks/.build-release/release/bench-load}
[[ -x "$LOAD" ]] || { echo "gateway-phases: build first: bash Release/build.sh --package-path Benchmarks" >&2; exit 1; }
LOAD=$(realpath "$LOAD")
work=$(mktemp -d)
tree="$work/tree"
cleanup() { kill "${server:-}" 2>/dev/null || true; git worktree remove --force "$tree" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --detach "$tree" HEAD >/dev/null 2>&1
git -C "$tree" apply -3 -q "$PWD/Benchmarks/phases/probes.patch" || {
  echo "gateway-phases: the probes no longer apply to HEAD; re-apply them by hand and regenerate Benchmarks/phases/probes.patch" >&2
  exit 1
}
bash "$tree/Release/build.sh" --package-path "$tree/Benchmarks" --product bench-gateway >"$work/build.log" 2>&1 \
  || { tail -20 "$work/build.log" >&2; exit 1; }
PROBE_OUT="$work/probes.txt" PORT=18621 SIM_PORT=18622 LOOPS=1 taskset -c 0 "$tree/Benchmarks/.build-release/release/bench-gateway" >/dev/null 2>"$work/server.err" &
server=$!
for _ in $(seq 1 100); do grep -q api_key "$work/server.err" 2>/dev/null && break; sleep 0.1; done
path="/connectors/ozon/review/items?limit=20"
curl -fs -H 'Authorization: Bearer bench-key' "http://127.0.0.1:18621$path" >/dev/null
# Two loops named http-loop-0: the simulator's starts first, the gateway's second.
loops=$(for task in /proc/$server/task/*; do if [[ $(cat "$task/comm") == http-loop-0 ]]; then basename "$task"; fi; done | sort -n)
echo "loop $(echo "$loops" | tail -1) simulator $(echo "$loops" | head -1)" >"$work/tids"
RATE=$RATE CONNS=64 DURATION=$DURATION HEADERS="Authorization: Bearer bench-key" taskset -c 1 "$LOAD" "http://127.0.0.1:18621$path"
kill -TERM "$server"; wait "$server" 2>/dev/null || true
server=
python3 Benchmarks/phases/phases.py "$work"
