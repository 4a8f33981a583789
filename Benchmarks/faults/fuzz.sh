#!/usr/bin/env bash
# Fuzzing (issue 15): libFuzzer targets for decoders of untrusted bytes, built with
# -sanitize=fuzzer,address (Benchmarks/faults/fuzz/*.swift: json, document-key, database-row,
# row-columns).
# Each runs for --seconds; a crash, an address-sanitizer report or a broken property (the target
# calls fatalError) fails it, and its input is kept for the corpus.
#
#   Benchmarks/faults/fuzz.sh [--seconds N] [--targets a,b] [--work DIR] [--keep]
#
# CI runs each for a short time (Tests/AmberCLITests/FaultHarnessTests.swift); by hand, long:
#   Benchmarks/faults/fuzz.sh --seconds 600
# Seeds: Benchmarks/faults/fuzz/corpus/TARGET/ (committed); what a run adds goes to WORK only.
# The targets link AmberCore and AmberDocuments compiled here with swiftc (no SwiftPM: its
# executables bring their own main, libFuzzer brings one too).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=60 targets="" work="" keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --targets) targets=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$targets" ] || targets=$(cd "$here/fuzz" && ls ./*.swift | sed 's|^\./||; s|\.swift$||' | paste -sd, -)
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/amber-fuzz.XXXXXX")
mkdir -p "$work/build"
work=$(cd "$work" && pwd)
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT

flags=(-sanitize=fuzzer,address -parse-as-library -swift-version 6 -enable-upcoming-feature ExistentialAny -O
       -suppress-warnings -I "$work/build" -L "$work/build")
build() {  # build ARGS...: swiftc with the flags; its output (linker warnings) only on failure
    swiftc "${flags[@]}" "$@" > "$work/build/swiftc.log" 2>&1 || { cat "$work/build/swiftc.log" >&2; exit 2; }
}
library() {  # library MODULE: a static library of Sources/MODULE, instrumented
    build -module-name "$1" -emit-module -emit-module-path "$work/build/$1.swiftmodule" \
        -emit-library -static -o "$work/build/lib$1.a" "$root/Sources/$1"/*.swift
}
echo "fuzz: building AmberCore and AmberDocuments with -sanitize=fuzzer,address"
library AmberCore
library AmberDocuments

failures=0
summary=()
for target in ${targets//,/ }; do
    build -lAmberDocuments -lAmberCore "$here/fuzz/$target.swift" -o "$work/build/fuzz-$target"
    corpus="$work/corpus/$target"
    mkdir -p "$corpus" "$work/crashes/$target"
    seeds=()
    [ ! -d "$here/fuzz/corpus/$target" ] || seeds=("$here/fuzz/corpus/$target")
    code=0
    (cd "$work/crashes/$target" && "$work/build/fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 \
        -timeout=10 -rss_limit_mb=2048 "$corpus" "${seeds[@]}") > "$work/$target.log" 2>&1 || code=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log" | tail -1)
    if [ "$code" = 0 ]; then
        summary+=("$target: ${runs:-?} executions, no crash")
    else
        failures=$((failures + 1)); keep=1; trap - EXIT
        summary+=("$target: ${runs:-?} executions, FAILED (exit $code): $(grep -m1 -E 'ERROR|Fatal error|SUMMARY' "$work/$target.log" || true)")
        echo "  inputs: $(ls "$work/crashes/$target" | head -3 | sed "s|^|$work/crashes/$target/|" | tr '\n' ' ')"
    fi
    echo "${summary[-1]}"
done
echo "fuzz: ${#summary[@]} targets, $seconds s each, $failures failed"
[ "$failures" = 0 ] || { echo "kept for inspection: $work"; exit 1; }
