#!/usr/bin/env bash
# Runs README.md's "Calling it" curl examples against a fresh demo gateway, placeholders filled
# as the README says (Tests/readme/readme_examples.py says what is checked). Run from anywhere
# after `swift test`: `bash .ci/readme-check.sh`. Needs curl and python3 (standard library only).
#
# Environment (all optional):
#   GATEWAY_SCRATCH_PATH  SwiftPM scratch path to build in (default .build)
#   GATEWAY_BIN           the connector-gateway binary (default $GATEWAY_SCRATCH_PATH/debug/connector-gateway)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=${GATEWAY_SCRATCH_PATH:-.build}
gateway=${GATEWAY_BIN:-$scratch/debug/connector-gateway}
[[ "$gateway" == /* ]] || gateway="$root/$gateway"

# shellcheck source=lib/demo-gateway.sh
source "$root/.ci/lib/demo-gateway.sh"

if [[ -z "${GATEWAY_BIN:-}" ]]; then
  echo "== build connector-gateway (debug)"
  timeout 900 swift build --product connector-gateway --scratch-path "$scratch"
fi

echo "== README examples against a fresh demo gateway"
start_demo_gateway "$gateway" "$root"
timeout 120 python3 "$root/Tests/readme/readme_examples.py" "$base"
stop_gateway
