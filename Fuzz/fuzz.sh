#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP/1.1 request parser and runs it.
#
#   bash Fuzz/fuzz.sh [seconds]      (default 60; works from any directory)
#
# Build: Sources/HTTP/*.swift + Fuzz/ParserFuzzer.swift -> Fuzz/build/http-parser-fuzzer
# Run:   seeds from Fuzz/corpus are copied into the working corpus Fuzz/build/corpus (kept
#        between runs; delete it for a fresh start); crashes, leaks and timeouts are written to
#        Fuzz/build/artifacts/. The full log is Fuzz/build/last-run.log.
# Exit:  0 when the build succeeded and libFuzzer finished without finding anything, else non-zero.
#
# Environment: SWIFTC (compiler, default swiftc), FUZZ_EXTRA_FLAGS (extra libFuzzer flags, e.g.
# "-jobs=2" or "-seed=1"), FUZZ_SKIP_BUILD=1 (reuse the existing binary).
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [seconds]   (a positive integer, default 60)" >&2
    exit 2
fi

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$fuzz_dir/.." && pwd)"
build="$fuzz_dir/build"
bin="$build/http-parser-fuzzer"
work_corpus="$build/corpus"
artifacts="$build/artifacts"
log="$build/last-run.log"
swiftc="${SWIFTC:-swiftc}"

mkdir -p "$build" "$work_corpus" "$artifacts"

# --- build -------------------------------------------------------------------------------
if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 || ! -x "$bin" ]]; then
    shopt -s nullglob
    sources=("$root"/Sources/HTTP/*.swift)
    shopt -u nullglob
    if (( ${#sources[@]} == 0 )); then
        echo "fuzz.sh: no sources in $root/Sources/HTTP" >&2
        exit 1
    fi
    echo "==> building $bin (${#sources[@]} files from Sources/HTTP + ParserFuzzer.swift)"
    build_log="$build/build.log"
    # One module: the fuzzer sees the parser's internal symbols, no `import HTTP`.
    if ! "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -g \
            -swift-version 6 -module-name HTTPParserFuzz \
            "${sources[@]}" "$fuzz_dir/ParserFuzzer.swift" \
            -o "$bin.tmp" >"$build_log" 2>&1; then
        # gold warns about every ASan helper it cannot export; that noise hides real errors.
        grep -v "Cannot export local symbol" "$build_log" >&2 || true
        rm -f "$bin.tmp"
        echo "fuzz summary: BUILD FAILED (full log: $build_log)" >&2
        exit 1
    fi
    grep -v "Cannot export local symbol" "$build_log" >&2 || true
    mv -f "$bin.tmp" "$bin"
fi

# --- run ---------------------------------------------------------------------------------
cp -n "$fuzz_dir"/corpus/* "$work_corpus"/ 2>/dev/null || true
marker="$build/.run-start"
touch "$marker"
dict_args=()
[[ -f "$fuzz_dir/http.dict" ]] && dict_args=("-dict=$fuzz_dir/http.dict")

# Swift's own crash backtracer would run (slowly, under ASan) before libFuzzer's handler on a
# fatalError; libFuzzer prints the stack and saves the input itself.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

echo "==> fuzzing for ${seconds}s (corpus: $work_corpus, artifacts: $artifacts/)"
set +e
# shellcheck disable=SC2086  # FUZZ_EXTRA_FLAGS is a list of flags on purpose
"$bin" \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${dict_args[@]}" ${FUZZ_EXTRA_FLAGS:-} \
    "$work_corpus" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# --- summary -----------------------------------------------------------------------------
stat() { sed -n "s/^stat::$1: *\([0-9][0-9]*\).*/\1/p" "$log" | tail -n 1; }
execs="$(stat number_of_executed_units)"
rate="$(stat average_exec_per_sec)"
last="$(grep -E '^#[0-9]+.* cov: [0-9]+' "$log" | tail -n 1 || true)"
cov="$(sed -n 's/.* cov: \([0-9][0-9]*\).*/\1/p' <<<"$last")"
ft="$(sed -n 's/.* ft: \([0-9][0-9]*\).*/\1/p' <<<"$last")"
corp="$(sed -n 's/.* corp: \([0-9][0-9]*\).*/\1/p' <<<"$last")"
if [[ -z "$execs" ]]; then execs="$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' <<<"$last")"; fi
mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f -newer "$marker" | sort)
if (( ${#found[@]} )); then
    crashes="${#found[@]}: ${found[*]}"
else
    crashes=0
fi
echo "fuzz summary: ${seconds}s execs=${execs:-?} (${rate:-?}/s) cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} crashes=$crashes fuzzer_exit=$status"

if (( status != 0 || ${#found[@]} > 0 )); then
    echo "fuzz.sh: libFuzzer reported a problem; reproduce with: $bin <artifact>  (log: $log)" >&2
    (( status != 0 )) && exit "$status"
    exit 1
fi
