#!/usr/bin/env bash
# Fuzzing (issue 15): libFuzzer targets for decoders of untrusted bytes, built with
# -sanitize=fuzzer,address (Benchmarks/faults/fuzz/*.swift): json (parser, transcoder), document-key,
# database-row, row-columns (columnar leaves), repository-files (index, config, key file, prune plan,
# pack trailer and header), manifest-node (every node version), snapshot-files (tree, collection
# set, snapshot JSON), copy-text (COPY lines), s3-xml (S3 response bodies).
# Each runs for --seconds, or until --runs executions; a crash, an address-sanitizer report or a broken property (the target
# calls fatalError) fails it, and its input is kept for the corpus.
#
#   Benchmarks/faults/fuzz.sh [--seconds N | --runs N] [--targets a,b] [--work DIR] [--keep]
#
# CI runs each for a short time (Tests/AmberCLITests/FaultHarnessTests.swift); by hand, long:
#   Benchmarks/faults/fuzz.sh --seconds 600
#   nice Benchmarks/faults/fuzz.sh --runs 10000000    (issue 15's count: minutes to an hour a target)
# Seeds: Benchmarks/faults/fuzz/corpus/TARGET/ (committed); what a run adds goes to WORK only.
# The targets link the modules they name (`// fuzz-modules:`), compiled here with swiftc and
# -enable-testing (no SwiftPM: its executables bring their own main, libFuzzer brings one too).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=60 runs="" targets="" work="" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --runs) runs=$2; seconds=0; shift 2 ;;
        --targets) targets=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$targets" ] || targets=$(cd "$here/fuzz" && ls ./*.swift | sed 's|^\./||; s|\.swift$||' | paste -sd, -)
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/amber-fuzz.XXXXXX")
rm -rf "$work/build" && mkdir -p "$work/build"  # libraries are built once a run, never taken from an earlier one
work=$(cd "$work" && pwd)
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT

flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny -O
       -suppress-warnings -enable-testing -package-name amber -I "$work/build" -L "$work/build"
       -I "$root/Sources/COpenSSL" -I "$root/Sources/CSodium" -I "$root/Sources/CZstd" -I "$root/Sources/CLibPQ" -I "$root/Sources/CCurl"
       -Xcc -I/usr/include/postgresql)
build() {  # build ARGS...: swiftc with the flags; its output (linker warnings) only on failure
    swiftc "${flags[@]}" "$@" > "$work/build/swiftc.log" 2>&1 || { cat "$work/build/swiftc.log" >&2; exit 2; }
}
library() {  # library MODULE: a static library of Sources/MODULE, instrumented, built once a run
    [ ! -f "$work/build/lib$1.a" ] || return 0
    echo "fuzz: building $1 with -sanitize=fuzzer,address"
    build -module-name "$1" -emit-module -emit-module-path "$work/build/$1.swiftmodule" \
        -emit-library -static -o "$work/build/lib$1.a" "$root/Sources/$1"/*.swift
}
# CSHA256 and CScrypt (C, SwiftPM builds them as targets): an archive and a module map each.
c_target() {  # name header source
    mkdir -p "$work/build/$1"
    printf 'module %s {\n    header "%s"\n    export *\n}\n' "$1" "$root/Sources/$1/include/$2" > "$work/build/$1/module.modulemap"
    clang -O2 -c "$root/Sources/$1/$3" -I "$root/Sources/$1/include" -o "$work/build/$1.o"
    ar rcs "$work/build/lib$1.a" "$work/build/$1.o"
    flags+=(-I "$work/build/$1")
}
c_target CSHA256 amber_sha256.h sha256_ni.c
c_target CScrypt amber_scrypt.h romix.c
# A target names the modules it links, each after the ones it depends on, on a line
# `// fuzz-modules: AmberCore AmberCrypto …` (without one: AmberCore AmberDocuments).
modules_of() {
    local line
    line=$(sed -n 's|^// fuzz-modules: *||p' "$here/fuzz/$1.swift" | head -1)
    echo "${line:-AmberCore AmberDocuments}"
}

failures=0
summary=()
for target in ${targets//,/ }; do
    links=()
    for module in $(modules_of "$target"); do library "$module"; links=("-l$module" "${links[@]}"); done
    build "${links[@]}" -lCSHA256 -lCScrypt -lcrypto -lsodium -lzstd -lpq -lcurl "$here/fuzz/$target.swift" "$here/fuzz/Support"/*.swift \
        -o "$work/build/fuzz-$target"
    corpus="$work/corpus/$target"
    mkdir -p "$corpus" "$work/crashes/$target"
    seeds=()
    [ ! -d "$here/fuzz/corpus/$target" ] || seeds=("$here/fuzz/corpus/$target")
    code=0 started=$SECONDS
    limit=(-max_total_time="$seconds")
    [ -z "$runs" ] || limit=(-runs="$runs")
    (cd "$work/crashes/$target" && "$work/build/fuzz-$target" "${limit[@]}" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 "$corpus" "${seeds[@]}") > "$work/$target.log" 2>&1 || code=$?
    took=$((SECONDS - started))
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log" | tail -1)
    if [ "$code" = 0 ]; then
        summary+=("$target: ${executed:-?} executions in $took s, no crash")
    else
        failures=$((failures + 1)); keep=1; trap - EXIT
        summary+=("$target: ${executed:-?} executions in $took s, FAILED (exit $code): $(grep -m1 -E 'ERROR|Fatal error|SUMMARY' "$work/$target.log" || true)")
        echo "  inputs: $(ls "$work/crashes/$target" | head -3 | sed "s|^|$work/crashes/$target/|" | tr '\n' ' ')"
    fi
    echo "${summary[-1]}"
done
echo "fuzz: ${#summary[@]} targets, $([ -n "$runs" ] && echo "$runs executions" || echo "$seconds s") each, $failures failed"
[ "$failures" = 0 ] || { echo "kept for inspection: $work"; exit 1; }
