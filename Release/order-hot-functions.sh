#!/usr/bin/env bash
# Regenerates Release/hot-functions.order, the order in which lld lays out the functions a request
# runs (Release/build.sh). Profiles bench-gateway under callgrind: 100 lists of 20 Ozon reviews,
# 100 `GET /connectors`, 50 `/healthz` and a few refusals (401, 404). Writes the functions the
# gateway's loop ran, hottest first, then those the in-process simulator's loop ran (demo mode).
# Run it after changing the request path; a stale list costs only locality: names that no longer
# exist are skipped, new functions land after the listed ones. It then deletes the linked
# binaries of both packages' release builds, which SwiftPM would not relink for a changed list.
# Needs valgrind; takes ~4 minutes from a clean checkout. KEEP=1 keeps the profiles.
#   bash Release/order-hot-functions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "order-hot-functions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
bash Release/build.sh --package-path Benchmarks --product bench-gateway >/dev/null
bin="$(bash Release/build.sh --package-path Benchmarks --show-bin-path)/bench-gateway"
work=$(mktemp -d)
if [[ -n "${KEEP:-}" ]]; then echo "profiles in $work"; fi
cleanup() { kill "${server:-}" 2>/dev/null || true; [[ -n "${KEEP:-}" ]] || rm -rf "$work"; }
trap cleanup EXIT
PORT=18731 SIM_PORT=18732 LOOPS=1 valgrind --tool=callgrind --demangle=no --separate-threads=yes \
  --callgrind-out-file="$work/cg.out" "$bin" >/dev/null 2>"$work/server.err" &
server=$!
for _ in $(seq 1 600); do grep -q api_key "$work/server.err" 2>/dev/null && break; sleep 0.2; done
grep -q api_key "$work/server.err" || { tail -20 "$work/server.err" >&2; exit 1; }
for _ in $(seq 1 20); do curl -fs -H 'Authorization: Bearer bench-key' "http://127.0.0.1:18731/connectors/ozon/review/items?limit=20" >/dev/null; done
callgrind_control -z "$server" >/dev/null 2>&1
python3 - <<'PY'
import http.client
conn = http.client.HTTPConnection("127.0.0.1", 18731)
def call(path, headers):
    conn.request("GET", path, headers=headers)
    conn.getresponse().read()
key = {"Authorization": "Bearer bench-key"}
for _ in range(100): call("/connectors/ozon/review/items?limit=20", key)
for _ in range(100): call("/connectors", key)
for _ in range(50): call("/healthz", {})
for _ in range(5): call("/connectors", {})
for _ in range(5): call("/nowhere", key)
PY
callgrind_control -d "$server" >/dev/null 2>&1
kill -TERM "$server"; wait "$server" 2>/dev/null || true
server=
python3 - "$work" "$(basename "$bin")" Release/hot-functions.order <<'PY'
import glob, re, subprocess, sys
work, binary, out = sys.argv[1], sys.argv[2], sys.argv[3]
line = re.compile(r"^\s*([\d,]+) \(.*?\)\s+\S*?:(\S+) \[(.+)\]$")
gateway, simulator = {}, {}
for path in glob.glob(f"{work}/cg.out*"):
    text = subprocess.run(["callgrind_annotate", "--threshold=100", path], capture_output=True, text=True).stdout
    costs = {}
    for row in text.splitlines():
        m = line.match(row)
        if m and m.group(3).endswith("/" + binary):
            name = re.sub(r"'\d+$", "", m.group(2))  # callgrind's mark of a recursive call
            costs[name] = costs.get(name, 0) + int(m.group(1).replace(",", ""))
    # The gateway's loop runs the Gateway module's code (mangled `$s7Gateway…`); the
    # simulator's loop runs only the server core and the simulator.
    target = gateway if any(name.startswith("$s7Gateway") for name in costs) else simulator
    for name, cost in costs.items():
        target[name] = target.get(name, 0) + cost
names = sorted(gateway, key=lambda n: -gateway[n])
names += sorted((n for n in simulator if n not in gateway), key=lambda n: -simulator[n])
if len(gateway) < 200:
    sys.exit(f"order-hot-functions: only {len(gateway)} functions found for the gateway's loop; is the profile complete?")
with open(out, "w") as f:
    f.write("\n".join(names) + "\n")
print(f"{out}: {len(gateway)} functions of the gateway's loop, then {len(names) - len(gateway)} of the simulator's")
PY
for bin in "$(bash Release/build.sh --show-bin-path)" "$(bash Release/build.sh --package-path Benchmarks --show-bin-path)"; do
  if [[ -d "$bin" ]]; then find "$bin" -maxdepth 1 -type f \( -name connector-gateway -o -name 'bench-*' \) -delete; fi
done
