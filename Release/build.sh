#!/usr/bin/env bash
# The one way release binaries are built: the image (Dockerfile), the CI's container check and
# the benchmarks. Static Swift runtime (no shared libraries but glibc's and libcurl's), each
# function in its own section, and lld laying out the functions a request runs side by side, in
# the order of Release/hot-functions.order (Release/order-hot-functions.sh regenerates it).
# Packed together they span a third of the pages they did scattered over the binary, and a
# request that finds the core's caches and TLB cold, as at a low rate each one does, costs the
# gateway's loop ~7 % less CPU time (Benchmarks/README.md).
#
# Builds into <package>/.build-release unless given --scratch-path: SwiftPM does not rebuild
# objects when only -Xswiftc flags change, so these must never share a build folder with a plain
# `swift build -c release`. Other arguments go to `swift build`.
#   bash Release/build.sh --product connector-gateway
#   bash Release/build.sh --product connector-gateway --show-bin-path
#   bash Release/build.sh --package-path Benchmarks           # bin: Benchmarks/.build-release/release
set -euo pipefail
order="$(cd "$(dirname "$0")" && pwd)/hot-functions.order"
package=. scratch=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --package-path) package=${args[i + 1]:-.} ;;
    --package-path=*) package=${args[i]#*=} ;;
    --scratch-path|--scratch-path=*) scratch=given ;;
  esac
done
[[ -n "$scratch" ]] || set -- --scratch-path "$package/.build-release" "$@"
exec swift build -c release --static-swift-stdlib \
  -Xswiftc -Xfrontend -Xswiftc -function-sections -Xswiftc -use-ld=lld \
  -Xlinker --symbol-ordering-file="$order" -Xlinker --no-warn-symbol-ordering \
  "$@"
