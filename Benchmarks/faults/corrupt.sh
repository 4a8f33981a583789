#!/usr/bin/env bash
# Corruption sweep (issue 15): single-byte flips and truncations in every kind of repository file
# (config, key files, index files, snapshots, packs), each in a fresh copy of one repository. For each damage:
#   - `check --read-data` must exit non-zero and name the damaged file (its name's first 8 hex
#     digits, or "config" / "key file");
#   - every snapshot is restored (files, NDJSON, SQLite): a restore that exits 0 must give back
#     exactly what the source held (a silent wrong restore is the worst failure); one that does
#     not is counted as what the damage cost.
#
#   Benchmarks/faults/corrupt.sh [--size small|large] [--seed S] [--max-cases N] [--amber PATH]
#                                [--work DIR] [--keep]
#
# CI runs a sample (Tests/AmberCLITests/FaultHarnessTests.swift); by hand, every case:
#   Benchmarks/faults/corrupt.sh --amber .build/release/amber
# Prints one line per damage and a summary; exits 1 on any failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
max_cases=0
while [ $# -gt 0 ]; do
    common_option "$@"
    if [ "$shift_by" -gt 0 ]; then shift "$shift_by"; continue; fi
    case "$1" in
        --max-cases) max_cases=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "corrupt.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
harness_setup corrupt
export AMBER_SCRYPT_TESTING=1 AMBER_PASSWORD=corrupt AMBER_CACHE_DIR="$work/cache"
unset AMBER_PASSWORD_FILE AMBER_PASSWORD_COMMAND
RANDOM=$seed
failures=0 verified=0
fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }

# The repository: three snapshots of three states of the sources, then compacted (so packs hold
# merged runs beside the ones they replace).
pristine="$work/pristine"
AMBER_REPOSITORY=$pristine "$amber" init > /dev/null
for state in 0 1 2; do
    make_sources "$work/src" "$state" "$size" "$seed" "$work/state-$state"
    (cd "$work/src" && AMBER_REPOSITORY=$pristine "$amber" backup files ndjson:docs.ndjson sqlite:app.db --tag "state-$state" > /dev/null)
done
AMBER_REPOSITORY=$pristine "$amber" compact > /dev/null
snapshots=$(snapshot_states "$pristine")

# The damages: for each file, flips of its first, middle and last byte and of a random one,
# and a truncation to half its length.
cases=()
while read -r file; do
    length=$(stat -c %s "$pristine/$file")
    [ "$length" -gt 0 ] || continue
    for offset in 0 $((length / 2)) $((length - 1)) $(( (RANDOM * 32768 + RANDOM) % length )); do
        cases+=("flip:$file:$offset")
    done
    cases+=("truncate:$file:$((length / 2))")
done < <(cd "$pristine" && find . -type f ! -path './locks/*' | sed 's|^\./||' | LC_ALL=C sort)
if [ "$max_cases" -gt 0 ] && [ "${#cases[@]}" -gt "$max_cases" ]; then
    mapfile -t cases < <(printf '%s\n' "${cases[@]}" | awk -v seed="$seed" 'BEGIN { srand(seed) } { print rand() "\t" $0 }' \
        | sort -n | cut -f2 | head -"$max_cases" | LC_ALL=C sort)
fi

echo "corruption sweep: ${#cases[@]} damages over $(cd "$pristine" && find . -type f ! -path './locks/*' | wc -l) files, $(printf '%s\n' "$snapshots" | wc -l) snapshots, size $size, seed $seed"
detected=0 named=0 lost_restores=0 total_restores=0 repository_lost=0
declare -A lost_by_kind
for entry in "${cases[@]}"; do
    kind=${entry%%:*} rest=${entry#*:}
    file=${rest%:*} offset=${rest##*:}
    repo="$work/damaged"
    rm -rf "$repo" && cp -a "$pristine" "$repo"
    if [ "$kind" = flip ]; then
        python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[o] ^= 0x40; open(p, "wb").write(b)' "$repo/$file" "$offset"
    else
        truncate -s "$offset" "$repo/$file"
    fi
    before=$failures
    code=0
    AMBER_REPOSITORY=$repo "$amber" check --read-data > "$work/check.out" 2>&1 || code=$?
    name=$(basename "$file")
    case "$file" in config) label=config ;; keys/*) label="key file ${name:0:8}" ;; *) label=${name:0:8} ;; esac
    if [ "$code" = 0 ]; then
        fail "$kind $file at $offset: check --read-data exited 0"
    else
        detected=$((detected + 1))
        if grep -q -e "${name:0:8}" -e "$( [ "$file" = config ] && echo config || echo "${name:0:8}")" "$work/check.out"; then
            named=$((named + 1))
        else
            fail "$kind $file at $offset: check exited $code without naming $label: $(tail -2 "$work/check.out" | tr '\n' ' ')"
        fi
    fi
    restored=0 refused=0
    while read -r id state host; do
        total_restores=$((total_restores + 1))
        whole=1
        for part in files docs app; do
            # Each part on its own: one that exits 0 must equal its source even when another fails.
            code=0
            restore_one "$part" "$id" "$work/state-$state" "$repo" "$work/restore" || code=$?
            [ "$code" = 0 ] || whole=0
        done
        if [ "$whole" = 1 ]; then restored=$((restored + 1)); else refused=$((refused + 1)); lost_restores=$((lost_restores + 1)); fi
    done <<< "$snapshots"
    if [ "$restored" = 0 ]; then
        repository_lost=$((repository_lost + 1))
        lost_by_kind[${file%%/*}]=$(( ${lost_by_kind[${file%%/*}]:-0} + 1 ))
    fi
    printf '%s %s at %s: check exit %s; %d of %d snapshots restore whole%s\n' "$kind" "$file" "$offset" "$code" \
        "$restored" "$((restored + refused))" "$([ $failures = "$before" ] && echo "" || echo "; $((failures - before)) failures")"
done
lost_kinds=$(for k in "${!lost_by_kind[@]}"; do printf '%s %s, ' "${lost_by_kind[$k]}" "$k"; done)
echo "corruption sweep: ${#cases[@]} damages, $detected detected by check --read-data, $named named; $lost_restores of $total_restores snapshot restores refused or partial (none silently wrong unless failures say so); $repository_lost damages left no snapshot whole (${lost_kinds%, }), $failures failures"
[ "$failures" = 0 ] || { echo "kept for inspection: $work"; trap - EXIT; exit 1; }
