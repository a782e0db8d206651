#!/usr/bin/env bash
# The profile of the profile-guided release build (Release/build.sh): prints its path, making it
# first when the sources changed since it was made: connector-gateway built with LLVM's IR
# instrumentation into .build-pgo/instrumented, Release/pgo-train.sh run against it (the demo's
# requests), and the counts it wrote merged by llvm-profdata. Kept in <root>/.build-pgo with the
# digest of the sources it was trained on, so the image, the CI and the benchmarks each train once
# per source state (~2 minutes on 2 cores from a clean checkout, ~25 s of it the training run).
# Prints nothing, and says why on stderr, where the toolchain has no llvm-profdata or profile
# runtime beside swiftc: the build then goes on without a profile.
#   bash Release/pgo-profile.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pgo="$root/.build-pgo"
swiftc=$(command -v swiftc) || { echo "pgo-profile: no swiftc on PATH" >&2; exit 1; }
toolchain=$(dirname "$(readlink -f "$swiftc")")
profdata="$toolchain/llvm-profdata"
[[ -x "$profdata" ]] || profdata=$(command -v llvm-profdata || true)
runtime=$(compgen -G "$toolchain/../lib/clang/*/lib/linux/libclang_rt.profile-$(uname -m).a" | head -1 || true)
if [[ -z "$profdata" || -z "$runtime" ]]; then
  echo "pgo-profile: no llvm-profdata or libclang_rt.profile beside $swiftc; building without a profile" >&2
  exit 0
fi

sources=$(cd "$root" && find Sources Package.swift Release/pgo-train.sh Release/pgo-profile.sh -type f -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
profile="$pgo/connector-gateway.profdata"
if [[ -s "$profile" && "$(cat "$profile.sources" 2>/dev/null)" == "$sources" ]]; then
  echo "$profile"
  exit 0
fi

echo "pgo-profile: training a profile for these sources (an instrumented build, then Release/pgo-train.sh)" >&2
instrumented=(swift build --package-path "$root" --scratch-path "$pgo/instrumented" -c release --static-swift-stdlib
  --product connector-gateway -Xswiftc -Xfrontend -Xswiftc "-ir-profile-generate=$pgo/default.profraw"
  -Xlinker -u__llvm_profile_runtime -Xlinker "$runtime")
"${instrumented[@]}" >&2
binary="$("${instrumented[@]}" --show-bin-path)/connector-gateway"
rm -f "$pgo/train.profraw" "$profile"
bash "$root/Release/pgo-train.sh" "$binary" "$pgo/train.profraw" >&2
# --sparse: functions the training never ran carry no counts, and are optimized as cold.
"$profdata" merge --sparse -o "$profile.new" "$pgo/train.profraw"
mv "$profile.new" "$profile"
sha256sum <"$profile" | cut -c1-64 >"$profile.sha256"
echo "$sources" >"$profile.sources"
echo "$profile"
