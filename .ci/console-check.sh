#!/usr/bin/env bash
# Checks the operator console (Public/index.html, console.css, the modules under Public/console/)
# in a real headless Chromium against the demo gateway: Tests/console/test_console.py (Selenium).
# Run from anywhere, after `swift test`: `bash .ci/console-check.sh`. Needs root (or passwordless
# sudo) for apt-get when chromium and chromium-driver are not installed yet.
#
# Environment (all optional):
#   GATEWAY_SCRATCH_PATH  SwiftPM scratch path to build in (default .build)
#   GATEWAY_BIN           the connector-gateway binary (default $GATEWAY_SCRATCH_PATH/debug/connector-gateway)
#   CONSOLE_CHECK_VENV    virtualenv for Selenium (default $GATEWAY_SCRATCH_PATH/console-check-venv)
#   CONSOLE_SCREENSHOT    where the screenshot goes (default $GATEWAY_SCRATCH_PATH/console-screenshot.png)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

selenium_version=4.51.0
scratch=${GATEWAY_SCRATCH_PATH:-.build}
gateway=${GATEWAY_BIN:-$scratch/debug/connector-gateway}
venv=${CONSOLE_CHECK_VENV:-$scratch/console-check-venv}
screenshot=${CONSOLE_SCREENSHOT:-$scratch/console-screenshot.png}
[[ "$gateway" == /* ]] || gateway="$root/$gateway"
[[ "$venv" == /* ]] || venv="$root/$venv"
[[ "$screenshot" == /* ]] || screenshot="$root/$screenshot"

# shellcheck source=lib/demo-gateway.sh
source "$root/.ci/lib/demo-gateway.sh"

echo "== tools: chromium, chromium-driver, selenium $selenium_version"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq chromium chromium-driver >"$work/apt.log" 2>&1; then
    $sudo apt-get update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; echo "apt-get update failed" >&2; exit 1; }
    $sudo apt-get install -y -qq chromium chromium-driver >"$work/apt.log" 2>&1 \
      || { tail -n 30 "$work/apt.log" >&2; echo "cannot install chromium and chromium-driver" >&2; exit 1; }
  fi
fi
chromium --version 2>/dev/null | head -n 1 || true
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv" || { echo "cannot create a Python virtualenv at $venv (install python3-venv)" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium==$selenium_version"

echo "== build connector-gateway (debug)"
timeout 900 swift build --product connector-gateway --scratch-path "$scratch"

echo "== start the demo gateway"
start_demo_gateway "$gateway" "$root"
curl -fs --max-time 2 -o /dev/null "$base/console/main.js" || { echo "$base/console/main.js is not served (is Public/ there?)" >&2; exit 1; }
echo "demo gateway at $base"

echo "== console test (headless chromium)"
rm -f "$screenshot"
status=0
(
  # From the scratch directory, so that no cache lands in the repository.
  cd "$work"
  GATEWAY_URL="$base" CONSOLE_SCREENSHOT="$screenshot" PYTHONDONTWRITEBYTECODE=1 \
    timeout 300 "$venv/bin/python" "$root/Tests/console/test_console.py"
) || status=$?

echo "== stop the gateway"
stop_gateway
[[ $status -eq 0 ]] || { echo "the console test failed (exit $status)" >&2; exit 1; }
[[ -s "$screenshot" ]] || { echo "the console test saved no screenshot at $screenshot" >&2; exit 1; }
echo "console: every check passed; screenshot: $screenshot"
