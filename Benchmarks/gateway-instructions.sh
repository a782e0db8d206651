#!/usr/bin/env bash
# Instructions per request of the gateway's loop thread for a 20-item list (the route
# gateway-bench.sh times), counted by callgrind: unlike wall-clock figures on a shared VM they do
# not move between runs, so a change to the request path can be judged from one run.
# bench-gateway runs under valgrind; after a warm-up the counters are zeroed, N requests
# (default 200) go over one keep-alive connection, one at a time, and each thread's count is
# divided by N. The gateway's loop is the thread with the second-largest count (the simulator,
# which builds the answer with Foundation, costs about twice as much). FOOTPRINT=1 also records
# each instruction's address and prints the gateway loop's code footprint (Benchmarks/footprint.py:
# the distinct 64-byte lines of code a list runs, by module and function).
#   bash Release/build.sh --package-path Benchmarks && bash Benchmarks/gateway-instructions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-Benchmarks/.build-release/release/bench-gateway}
N=${N:-200}
PORT=${PORT:-18701}
SIM_PORT=${SIM_PORT:-18702}
command -v valgrind >/dev/null || { echo "gateway-instructions: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
[[ -x "$BIN" ]] || { echo "gateway-instructions: build first: bash Release/build.sh --package-path Benchmarks" >&2; exit 1; }
BIN=$(realpath "$BIN")
footprint=$(realpath Benchmarks/footprint.py)
record=(--separate-threads=yes)
[[ "${FOOTPRINT:-0}" == 0 ]] || record+=(--dump-instr=yes)
work=$(mktemp -d)
trap 'kill $vg 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
PORT=$PORT SIM_PORT=$SIM_PORT LOOPS=1 valgrind --tool=callgrind "${record[@]}" "$BIN" >/dev/null 2>server.err &
vg=$!
for _ in $(seq 1 600); do grep -q api_key server.err 2>/dev/null && break; sleep 0.2; done
path="/connectors/ozon/review/items?limit=20"
for _ in $(seq 1 30); do curl -fs -H 'Authorization: Bearer bench-key' "http://127.0.0.1:$PORT$path" >/dev/null; done
callgrind_control -z $vg >/dev/null 2>&1
python3 - "$PORT" "$path" "$N" <<'PY'
import http.client, sys
port, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    conn.request("GET", path, headers={"Authorization": "Bearer bench-key"})
    response = conn.getresponse()
    response.read()
    assert response.status == 200, response.status
PY
callgrind_control -d $vg >/dev/null 2>&1
kill -TERM $vg; wait $vg 2>/dev/null || true
for file in callgrind.out.*; do
  ir=$(sed -n 's/^summary: \([0-9]*\)/\1/p' "$file" | head -1)
  [[ -n "$ir" && "$ir" -gt 0 ]] && echo "$ir $file"
done | sort -n -r | head -2 | {
  read -r simulator _; read -r gateway file
  echo "gateway loop: $(( gateway / N )) instructions per list of 20 (simulator: $(( simulator / N )))"
  [[ "${FOOTPRINT:-0}" == 0 ]] || python3 "$footprint" "$file"
}
