#!/usr/bin/env bash
# Builds AmberCore + AmberDocuments + main.swift with -O -wmo (no SwiftPM) and runs the JSON benchmark.
# Usage: Benchmarks/documents/run.sh [LINES]   (default 1000000)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$out"
swiftc -O -wmo -parse-as-library -emit-module -emit-library -static -module-name AmberCore "$root"/Sources/AmberCore/*.swift
swiftc -O -wmo -parse-as-library -emit-module -emit-library -static -module-name AmberDocuments -I . "$root"/Sources/AmberDocuments/*.swift
swiftc -O -I . -L . "$root/Benchmarks/documents/main.swift" -lAmberDocuments -lAmberCore -o bench
./bench "${1:-1000000}"
