#!/usr/bin/env bash
# Builds a libFuzzer target and runs it: the HTTP/1.1 request parser (default), the JSON parser,
# or the response head parser of the upstream client.
#
#   bash Fuzz/fuzz.sh [seconds] [http|json|response]      (default 60 http; works from any directory)
#
# Build: http: Sources/HTTP/*.swift + Fuzz/ParserFuzzer.swift -> Fuzz/build/http-parser-fuzzer
#        json: the JSON reader of Sources/Connectors/Model (tree and tape) + Fuzz/JSONFuzzer.swift
#              -> Fuzz/build/json/json-parser-fuzzer
#        response: Sources/HTTP/*.swift + Fuzz/ResponseFuzzer.swift
#              -> Fuzz/build/response/response-parser-fuzzer
# Run:   seeds from Fuzz/corpus (json: Fuzz/corpus-json) are copied into the working corpus
#        (response: Fuzz/corpus-response) under the build directory (kept between runs; delete it for a fresh start); crashes,
#        leaks and timeouts are written to its artifacts/. The full log is its last-run.log.
# Exit:  0 when the build succeeded and libFuzzer finished without finding anything, else non-zero.
#
# Environment: SWIFTC (compiler, default swiftc), FUZZ_EXTRA_FLAGS (extra libFuzzer flags, e.g.
# "-jobs=2" or "-seed=1"), FUZZ_SKIP_BUILD=1 (reuse the existing binary).
set -euo pipefail

seconds="${1:-60}"
target="${2:-http}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || ! [[ "$target" =~ ^(http|json|response)$ ]]; then
    echo "usage: $0 [seconds] [http|json|response]   (seconds a positive integer, default 60 http)" >&2
    exit 2
fi

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$fuzz_dir/.." && pwd)"
if [[ "$target" == http ]]; then
    build="$fuzz_dir/build"
    bin="$build/http-parser-fuzzer"
    module=HTTPParserFuzz
    harness="$fuzz_dir/ParserFuzzer.swift"
    seeds="$fuzz_dir/corpus"
    dict="$fuzz_dir/http.dict"
    source_glob=("$root"/Sources/HTTP/*.swift)
elif [[ "$target" == response ]]; then
    build="$fuzz_dir/build/response"
    bin="$build/response-parser-fuzzer"
    module=HTTPResponseFuzz
    harness="$fuzz_dir/ResponseFuzzer.swift"
    seeds="$fuzz_dir/corpus-response"
    dict="$fuzz_dir/http.dict"
    source_glob=("$root"/Sources/HTTP/*.swift)
else
    build="$fuzz_dir/build/json"
    bin="$build/json-parser-fuzzer"
    module=JSONParserFuzz
    harness="$fuzz_dir/JSONFuzzer.swift"
    seeds="$fuzz_dir/corpus-json"
    dict="$fuzz_dir/json.dict"
    source_glob=("$root"/Sources/Connectors/Model/{JSONParser,JSONTape,JSONTape+RepeatedKeys,JSONValue,JSONNumber,JSONSyntaxError,ByteWord,String+ValidUTF8,UTF8Validation}.swift)
fi
work_corpus="$build/corpus"
artifacts="$build/artifacts"
log="$build/last-run.log"
swiftc="${SWIFTC:-swiftc}"

mkdir -p "$build" "$work_corpus" "$artifacts"

# --- build -------------------------------------------------------------------------------
if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 || ! -x "$bin" ]]; then
    sources=()
    for file in "${source_glob[@]}"; do [[ -f "$file" ]] && sources+=("$file"); done
    if (( ${#sources[@]} == 0 )); then
        echo "fuzz.sh: no sources for the $target target" >&2
        exit 1
    fi
    echo "==> building $bin (${#sources[@]} source files + $(basename "$harness"))"
    build_log="$build/build.log"
    # One module: the fuzzer sees the parser's internal symbols, no `import HTTP`.
    if ! "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -g \
            -swift-version 6 -module-name "$module" \
            "${sources[@]}" "$harness" \
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
cp -n "$seeds"/* "$work_corpus"/ 2>/dev/null || true
marker="$build/.run-start"
touch "$marker"
dict_args=()
[[ -f "$dict" ]] && dict_args=("-dict=$dict")

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
echo "fuzz summary ($target): ${seconds}s execs=${execs:-?} (${rate:-?}/s) cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} crashes=$crashes fuzzer_exit=$status"

if (( status != 0 || ${#found[@]} > 0 )); then
    echo "fuzz.sh: libFuzzer reported a problem; reproduce with: $bin <artifact>  (log: $log)" >&2
    (( status != 0 )) && exit "$status"
    exit 1
fi
