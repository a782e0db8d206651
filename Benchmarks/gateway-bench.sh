#!/usr/bin/env bash
# The gateway end to end: GET /connectors, and a 20-item list from the warm Ozon review connector
# whose upstream is the in-process simulator; then the same list called on the simulator directly,
# to give the gateway's added latency. wrk on one core, the server on the other (pinned), 64
# connections, DURATION seconds each (default 10), REPS runs (default 3), medians reported, with
# the server's CPU time per request. Then the same two lists at a fixed offered rate (bench-load,
# OPEN_RATE req/s, default "100 1000", one pass each; 0 skips it), where latency is not wrk's queue. The gateway reaches
# the simulator through its own client; UPSTREAM_CLIENT=urlsession makes it use URLSession.
# RELAY=1 adds nginx as a bare relay in front of the same simulator (as proxy-floor.sh runs it) to
# the open loop's rotation, so what any proxy adds on this machine is measured in the same moments
# as the gateway; the rotation then has three paths, each at a third of OPEN_RATE.
#   bash Release/build.sh --package-path Benchmarks && bash Benchmarks/gateway-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-Benchmarks/.build-release/release/bench-gateway}
LOAD=${LOAD:-Benchmarks/.build-release/release/bench-load}
DURATION=${DURATION:-10}
REPS=${REPS:-3}
CONNS=${CONNS:-64}
PORT=${PORT:-18601}
SIM_PORT=${SIM_PORT:-18602}
SERVER_CORE=${SERVER_CORE:-0}
WRK_CORE=${WRK_CORE:-1}
command -v wrk >/dev/null || { echo "gateway-bench: wrk is needed (apt-get install wrk)" >&2; exit 1; }
[[ -x "$BIN" ]] || { echo "gateway-bench: build first: bash Release/build.sh --package-path Benchmarks" >&2; exit 1; }

RELAY=${RELAY:-0}
RELAY_PORT=${RELAY_PORT:-18603}
[[ "$RELAY" == 0 ]] || command -v nginx >/dev/null || { echo "gateway-bench: RELAY=1 needs nginx (apt-get install nginx)" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $server ${relay:-} 2>/dev/null || true; rm -rf "$work"' EXIT
PORT=$PORT SIM_PORT=$SIM_PORT LOOPS=1 taskset -c "$SERVER_CORE" "$BIN" >/dev/null 2>"$work/server.err" &
server=$!
for _ in $(seq 1 100); do grep -q "api_key" "$work/server.err" 2>/dev/null && break; sleep 0.1; done
client_id=$(sed -n 's/.*client_id \([0-9]*\).*/\1/p' "$work/server.err")
api_key=$(sed -n 's/.*api_key \([^ ]*\).*/\1/p' "$work/server.err")
[[ -n "$client_id" ]] || { cat "$work/server.err" >&2; exit 1; }

# The simulator is asked exactly what the connector asks it for a 20-item list (`/v2/review/list`,
# newest first, all statuses), so the difference is the gateway's own work.
upstream_body='{"filters":{"status":"ALL"},"limit":20,"sort_dir":"DESC"}'
cat > "$work/ozon.lua" <<LUA
wrk.method = "POST"
wrk.body = '$upstream_body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Client-Id"] = "$client_id"
wrk.headers["Api-Key"] = "$api_key"
LUA
# warm the connector (session, connections, budget)
curl -fs -H 'Authorization: Bearer bench-key' "http://127.0.0.1:$PORT/connectors/ozon/review/items?limit=20" >/dev/null

# CPU time (user + system, in clock ticks) the server process has used so far: all its threads,
# the gateway's loop, the simulator's loop, and Dispatch's (URLSession's, with UPSTREAM_CLIENT=urlsession).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
# The same for the gateway's loop thread alone: the later of the two `http-loop-0` threads (the
# simulator starts first). The gateway's own upstream client runs here; URLSession's work
# (UPSTREAM_CLIENT=urlsession) runs on Dispatch threads, not here.
gateway_loop=$(for task in /proc/$server/task/*; do if [[ $(cat "$task/comm") == http-loop-0 ]]; then basename "$task"; fi; done | sort -n | tail -1)
loop_ticks() { awk '{ print $14 + $15 }' "/proc/$server/task/$gateway_loop/stat"; }
# SIM_CORE moves the simulator's loop (the earlier `http-loop-0`) to a core of its own, as a
# remote upstream would be: the gateway's loop then has SERVER_CORE to itself.
if [[ -n "${SIM_CORE:-}" ]]; then
  simulator_loop=$(for task in /proc/$server/task/*; do if [[ $(cat "$task/comm") == http-loop-0 ]]; then basename "$task"; fi; done | sort -n | head -1)
  taskset -p -c "$SIM_CORE" "$simulator_loop" >/dev/null
fi

run() { # name, wrk args…
  local name=$1; shift
  for rep in $(seq 1 "$REPS"); do
    local before loop_before; before=$(cpu_ticks); loop_before=$(loop_ticks)
    taskset -c "$WRK_CORE" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$@" > "$work/$name.$rep" 2>&1
    echo $(( $(cpu_ticks) - before )) > "$work/$name.$rep.ticks"
    echo $(( $(loop_ticks) - loop_before )) > "$work/$name.$rep.loop"
  done
  python3 - "$name" "$work" "$REPS" <<'PY'
import re, statistics, sys
name, work, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
def to_us(value, unit):
    return float(value) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]
import os
tick = os.sysconf("SC_CLK_TCK")
rps, p50, p99, cpu, loop, errors = [], [], [], [], [], 0
for rep in range(1, reps + 1):
    text = open(f"{work}/{name}.{rep}").read()
    rps.append(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)))
    p50.append(to_us(*re.search(r"\s50%\s+([\d.]+)(us|ms|s)", text).groups()))
    p99.append(to_us(*re.search(r"\s99%\s+([\d.]+)(us|ms|s)", text).groups()))
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    cpu.append(int(open(f"{work}/{name}.{rep}.ticks").read()) / tick * 1e6 / max(requests, 1))
    loop.append(int(open(f"{work}/{name}.{rep}.loop").read()) / tick * 1e6 / max(requests, 1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors += int(m.group(1)) if m else 0
print(f"{name}\t{statistics.median(rps):.0f} req/s\tp50 {statistics.median(p50):.0f} us\tp99 {statistics.median(p99):.0f} us"
      f"\tcpu {statistics.median(cpu):.0f} us/req (gateway loop {statistics.median(loop):.0f})\tnon-2xx {errors}")
open(f"{work}/{name}.p50", "w").write(str(statistics.median(p50)))
open(f"{work}/{name}.cpu", "w").write(str(statistics.median(cpu)))
PY
}
echo "gateway-bench: $CONNS connections, ${DURATION}s x $REPS, server on core $SERVER_CORE, wrk on core $WRK_CORE"
run connectors -H 'Authorization: Bearer bench-key' "http://127.0.0.1:$PORT/connectors"
run list20 -H 'Authorization: Bearer bench-key' "http://127.0.0.1:$PORT/connectors/ozon/review/items?limit=20"
run simulator-direct -s "$work/ozon.lua" "http://127.0.0.1:$SIM_PORT/v2/review/list"
python3 -c "import sys; g=float(open('$work/list20.p50').read()); s=float(open('$work/simulator-direct.p50').read()); print(f'added latency (p50, list of 20 through the gateway minus the simulator directly): {g - s:.0f} us')"
python3 -c "g=float(open('$work/list20.cpu').read()); s=float(open('$work/simulator-direct.cpu').read()); print(f'added CPU (per list of 20, through the gateway minus the simulator directly): {g - s:.0f} us')"

# Open loop: OPEN_RATE requests/s on a fixed schedule (default "100 1000": one pass at each),
# latency counted from when each request was due. Below saturation this is the latency a caller
# sees, not wrk's queue. On this VM a core idle for 3-5 ms comes back with cold caches
# (bench-cache-decay), so 100 req/s measures every request cold and 1,000 req/s mostly warm.
# The list through the gateway and the same list asked of the simulator alternate in one
# bench-load run (each over its own CONNS connections), so the machine's slow and fast spells
# hit both alike; "added" is the median, over the pairs, of gateway minus simulator.
OPEN_RATE=${OPEN_RATE:-100 1000}
if [[ "$OPEN_RATE" != 0 && -x "$LOAD" ]]; then
  relay_args=()
  if [[ "$RELAY" != 0 ]]; then
    # shellcheck source=lib/relay-nginx.sh
    source Benchmarks/lib/relay-nginx.sh
    relay_nginx_conf "$work" "$RELAY_PORT" "$SIM_PORT" "$SERVER_CORE"
    nginx -c "$work/nginx.conf" -p "$work" &
    relay=$!
    relay_nginx_wait "$RELAY_PORT" "$client_id" "$api_key" "$upstream_body"
    relay_args=("http://127.0.0.1:$RELAY_PORT/v2/review/list")
  fi
  for rate in $OPEN_RATE; do
    echo "gateway-bench: open loop, $rate req/s in all, the list through the gateway and the simulator directly alternating${relay_args[0]:+ with the list through the nginx relay}, $CONNS connections each"
    upstream_headers=$'Content-Type: application/json\nClient-Id: '"$client_id"$'\nApi-Key: '"$api_key"
    for rep in $(seq 1 "$REPS"); do
      RATE="$rate" CONNS="$CONNS" DURATION="$DURATION" HEADERS="Authorization: Bearer bench-key" \
        METHOD2=POST BODY2="$upstream_body" HEADERS2="$upstream_headers" \
        METHOD3=POST BODY3="$upstream_body" HEADERS3="$upstream_headers" \
        taskset -c "$WRK_CORE" "$LOAD" "http://127.0.0.1:$PORT/connectors/ozon/review/items?limit=20" \
        "http://127.0.0.1:$SIM_PORT/v2/review/list" ${relay_args[@]+"${relay_args[@]}"} > "$work/open.$rep"
    done
    python3 - "$work" "$REPS" "$rate" <<'PY'
import re, statistics, sys
work, reps, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = [open(f"{work}/open.{rep}").read() for rep in range(1, reps + 1)]
def median(pattern):
    return statistics.median(float(re.search(pattern, run, re.M).group(1)) for run in runs)
relayed = all(re.search(r"^3\t", run, re.M) for run in runs)
for number, name in ((1, "list20"), (2, "simulator-direct")) + (((3, "nginx-relay"),) if relayed else ()):
    prefix = "^%d\t" % number
    errors = sum(int(re.search(prefix + r"sent \d+\terrors (\d+)", run, re.M).group(1)) for run in runs)
    rate_seen, p50, p99 = (median(prefix + ".*" + key + r" ([\d.]+)") for key in ("rate", "p50", "p99"))
    print(f"{name} (open loop)\t{rate_seen:.0f} req/s\tp50 {p50:.0f} us\tp99 {p99:.0f} us\terrors {errors}")
def compared(name):
    """The medians over the runs of one comparison line of bench-load: (paired, p50 difference)."""
    return median(r"^" + name + r"\t.*median paired difference (-?[\d.]+)"), median(r"^" + name + r"\tp50 difference (-?[\d.]+)")
paired, difference = compared("added")
print(f"added latency, open loop at {rate} req/s (through the gateway minus the simulator directly): median paired difference {paired:.0f} us, p50 difference {difference:.0f} us")
if relayed:
    print("nginx's bare relay in the same moments (through nginx minus the simulator directly): median paired difference %.0f us, p50 difference %.0f us" % compared("added3"))
    print("the gateway beyond the relay (through the gateway minus through nginx): median paired difference %.0f us, p50 difference %.0f us" % compared("beyond3"))
PY
  done
fi
[[ -z "${relay:-}" ]] || { kill "$relay"; wait "$relay" 2>/dev/null || true; relay=; }
kill -TERM $server; wait $server || true
