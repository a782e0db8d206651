#!/usr/bin/env bash
# Checks deploy/nginx.conf in front of the real gateway (Tests/nginx/nginx_check.py says what).
# Run from anywhere after `swift test`: `bash .ci/nginx-check.sh`. Installs nginx-light (nginx where
# the release has no nginx-light, as Debian 13) when nginx is missing (needs root or sudo); runs
# nginx without root, everything in a temporary directory.
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

if ! command -v nginx >/dev/null 2>&1; then
  echo "== install nginx-light"
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nginx-light \
    || DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nginx
fi
export PATH="$PATH:/usr/sbin"
nginx -v

if [[ -z "${GATEWAY_BIN:-}" ]]; then
  echo "== build connector-gateway (debug)"
  timeout 900 swift build --product connector-gateway --scratch-path "$scratch"
fi

echo "== deploy/nginx.conf against the gateway"
timeout 300 python3 "$root/Tests/nginx/nginx_check.py" "$gateway"
