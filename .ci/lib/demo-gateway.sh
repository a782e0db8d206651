# Sourced by the CI checks that run the gateway binary. Sourcing it makes `$work` (a temp dir,
# removed on exit) and `$server` (the pid of a gateway this script started, or ""; killed on
# exit if still running), and installs the EXIT trap that cleans both up.

work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then kill -KILL "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_demo_gateway BINARY STATIC_ROOT: starts demo mode on a free port (the start line names
# it), waits for /healthz, and sets `server` (the pid) and `base` (http://127.0.0.1:<port>).
start_demo_gateway() {
  local binary=$1 static_root=$2 port=""
  env -u GATEWAY_CONFIG -u GATEWAY_DEMO PORT=0 HOST=127.0.0.1 GATEWAY_STATIC_ROOT="$static_root" "$binary" >"$work/gateway.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*"listen":"127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$work/gateway.log" | head -n 1)
    [[ -n "$port" ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/gateway.log" >&2; echo "the gateway exited at start-up" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$work/gateway.log" >&2; echo "the gateway did not say where it listens" >&2; exit 1; }
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 50); do
    curl -fs --max-time 2 "$base/healthz" >/dev/null && break
    sleep 0.2
  done
  curl -fs --max-time 2 "$base/healthz" >/dev/null || { echo "no /healthz at $base" >&2; exit 1; }
}

# stop_gateway: SIGTERM, and the gateway must exit 0 within 30 s (it drains).
stop_gateway() {
  local exit_code=0
  kill -TERM "$server"
  for _ in $(seq 1 150); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$server" 2>/dev/null; then
    echo "the gateway did not exit within 30 s of SIGTERM" >&2
    exit 1
  fi
  wait "$server" || exit_code=$?
  server=""
  if [[ $exit_code -ne 0 ]]; then
    tail -n 20 "$work/gateway.log" >&2
    echo "the gateway exited with $exit_code after SIGTERM, not 0" >&2
    exit 1
  fi
}
