#!/usr/bin/env bash
# The one way release binaries are built: the image (Dockerfile), the CI's container check and
# the benchmarks. Static Swift runtime (no shared libraries but glibc's and libcurl's), each
# function in its own section, and lld laying out the functions a request runs side by side, in
# the order of Release/hot-functions.order (Release/order-hot-functions.sh regenerates it).
# Packed together they span a third of the pages they did scattered over the binary, and a
# request that finds the core's caches and TLB cold, as at a low rate each one does, costs the
# gateway's loop ~7 % less CPU time (Benchmarks/README.md).
#
# Profile-guided: LLVM optimizes with the counts of a training run (Release/pgo-profile.sh makes
# them, once per source state, from the demo's requests, Release/pgo-train.sh): ~7 % fewer
# instructions a request and ~10 % less added latency (Benchmarks/README.md). PGO=0 builds
# without, as does a toolchain without llvm-profdata and the profile runtime.
#
# Builds into <package>/.build-release unless given --scratch-path: SwiftPM does not recompile
# objects when only -Xswiftc flags change, so these must never share a build folder with a plain
# `swift build -c release`; for the same reason a build made with another profile, or none, is
# removed before building (the bin folder's .pgo-profile says which). Other arguments go to
# `swift build`.
#   bash Release/build.sh --product connector-gateway
#   bash Release/build.sh --product connector-gateway --show-bin-path
#   bash Release/build.sh --package-path Benchmarks           # bin: Benchmarks/.build-release/release
set -euo pipefail
release="$(cd "$(dirname "$0")" && pwd)"
package=. scratch= show=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --package-path) package=${args[i + 1]:-.} ;;
    --package-path=*) package=${args[i]#*=} ;;
    --scratch-path|--scratch-path=*) scratch=given ;;
    --show-bin-path) show=1 ;;
  esac
done
[[ -n "$scratch" ]] || set -- --scratch-path "$package/.build-release" "$@"
flags=(-c release --static-swift-stdlib
  -Xswiftc -Xfrontend -Xswiftc -function-sections -Xswiftc -use-ld=lld
  -Xlinker "--symbol-ordering-file=$release/hot-functions.order" -Xlinker --no-warn-symbol-ordering)
[[ -z "$show" ]] || exec swift build "${flags[@]}" "$@"

profile=
[[ "${PGO:-1}" == 0 ]] || profile=$(bash "$release/pgo-profile.sh")
made_with=none
if [[ -n "$profile" ]]; then
  flags+=(-Xswiftc -Xfrontend -Xswiftc "-ir-profile-use=$profile")
  made_with=$(cat "$profile.sha256")
fi
bin=$(swift build "${flags[@]}" "$@" --show-bin-path)
if [[ -d "$bin" && "$(cat "$bin/.pgo-profile" 2>/dev/null)" != "$made_with" ]]; then
  echo "build: $bin was built with another profile (or none); building it again" >&2
  rm -rf "$bin"
fi
swift build "${flags[@]}" "$@"
echo "$made_with" >"$bin/.pgo-profile"
