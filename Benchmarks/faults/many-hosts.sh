#!/usr/bin/env bash
# Many hosts, one S3 repository (issue 15): in each round, HOSTS processes with different host
# names back up at once into one S3 repository while another runs `forget --keep-last 1 --prune`.
# Every process must exit 0 (none may fail because another holds a lock); after each round
# `check` is clean and each host's newest snapshot restores what its sources held; at the end
# `check --read-data` is clean and every snapshot kept restores exactly.
#
#   Benchmarks/faults/many-hosts.sh [--rounds N] [--hosts H] [--size small|large] [--seed S]
#                                   [--amber PATH] [--work DIR] [--keep] [--local]
#
# S3: AMBER_TEST_S3_ENDPOINT and AWS_* from the environment (scripts/test sets them), or else a
# moto server this script starts (scripts/moto-server). --local uses a directory instead.
# CI runs it small (Tests/AmberCLITests/FaultHarnessTests.swift); by hand:
#   Benchmarks/faults/many-hosts.sh --rounds 20 --amber .build/release/amber
#
# Oracles as in crash.sh (sha256sum of files, NDJSON bytes, sqlite3 .dump per host and state).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rounds=5 hosts=3 local=0
while [ $# -gt 0 ]; do
    common_option "$@"
    if [ "$shift_by" -gt 0 ]; then shift "$shift_by"; continue; fi
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --hosts) hosts=$2; shift 2 ;;
        --local) local=1; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "many-hosts.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
harness_setup hosts
moto_pid=""
cleanup() {
    if [ -n "$moto_pid" ]; then kill "$moto_pid" 2>/dev/null || true; fi
    if [ "$keep" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
export AMBER_SCRYPT_TESTING=1 AMBER_PASSWORD=many-hosts
unset AMBER_PASSWORD_FILE AMBER_PASSWORD_COMMAND

if [ "$local" = 1 ]; then
    repo="$work/repo"
else
    if [ -z "${AMBER_TEST_S3_ENDPOINT:-}" ]; then
        eval "$("$here/../../scripts/moto-server")"
        moto_pid=$MOTO_PID
        export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION
    fi
    repo="s3:$AMBER_TEST_S3_ENDPOINT/amber-hosts-$seed-$RANDOM/repo"
fi
export AMBER_REPOSITORY=$repo
failures=0 verified=0 runs=0 removed=0
fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }

echo "many hosts: $rounds rounds, $hosts hosts backing up at once beside a forget --prune, size $size, seed $seed, repository $repo"
"$amber" init > /dev/null

for round in $(seq 1 "$rounds"); do
    before=$failures
    for h in $(seq 1 "$hosts"); do
        mkdir -p "$work/host-$h" "$work/states"
        make_sources "$work/host-$h" "$round" "$size" $((seed * 100 + h)) "$work/states/host-$h-$round"
    done
    pids=()
    for h in $(seq 1 "$hosts"); do
        (cd "$work/host-$h" && AMBER_CACHE_DIR="$work/cache-$h" exec "$amber" backup files ndjson:docs.ndjson sqlite:app.db \
            --host "host-$h" --tag "state-$round") > "$work/backup-$h.out" 2>&1 &
        pids+=("$!:backup on host-$h:$work/backup-$h.out")
    done
    # The forget starts while the backups run: in a directory, once their locks are there (taken
    # after the key derivation); on S3, after a random pause.
    if [ "$local" = 1 ]; then
        for _ in $(seq 100); do
            [ "$(find "$repo/locks" -type f ! -name '.*' | wc -l)" -lt 1 ] || break
            sleep 0.05
        done
    else
        sleep 0.$((RANDOM % 10))
    fi
    AMBER_CACHE_DIR="$work/cache-forget" "$amber" forget --keep-last 1 --prune > "$work/forget.out" 2>&1 &
    pids+=("$!:forget --prune:$work/forget.out")
    for entry in "${pids[@]}"; do
        pid=${entry%%:*} rest=${entry#*:}
        what=${rest%%:*} out=${rest#*:}
        code=0; wait "$pid" || code=$?
        runs=$((runs + 1))
        [ "$code" = 0 ] || fail "round $round: $what exited $code: $(tail -2 "$out" | tr '\n' ' ')"
    done
    forgot=$(sed -n 's/^\([0-9][0-9]*\) snapshots removed$/\1/p' "$work/forget.out" | head -1)
    removed=$((removed + ${forgot:-0}))
    code=0
    "$amber" check > "$work/check.out" 2>&1 || code=$?
    [ "$code" = 0 ] || fail "round $round: check exited $code: $(tail -3 "$work/check.out" | tr '\n' ' ')"
    listing=$(snapshot_states "$repo")
    for h in $(seq 1 "$hosts"); do
        newest=$(printf '%s\n' "$listing" | awk -v host="host-$h" '$3 == host' | tail -1)
        if [ "${newest#* }" != "$round host-$h" ]; then
            fail "round $round: host-$h's newest snapshot is \"$newest\", not its backup of state $round"
        else
            compare_restores "${newest%% *}" "$work/states/host-$h-$round" "$repo" "$work/restore"
        fi
    done
    printf 'round %d: %d backups and a forget --prune, %s\n' "$round" "$hosts" \
        "$([ $failures = "$before" ] && echo ok || echo "$((failures - before)) failures")"
done

code=0
"$amber" check --read-data > "$work/check.out" 2>&1 || code=$?
[ "$code" = 0 ] || fail "check --read-data exited $code: $(tail -3 "$work/check.out" | tr '\n' ' ')"
# Every snapshot left restores; each host has its newest, and at most the one before it (a
# forget keeps the newest it saw, and the round's backup may have come after its listing).
listing=$(snapshot_states "$repo") || { fail "snapshots --json failed"; listing=""; }
kept=$(printf '%s\n' "$listing" | grep -c . || true)
for h in $(seq 1 "$hosts"); do
    count=$(printf '%s\n' "$listing" | awk -v host="host-$h" '$3 == host' | wc -l)
    [ "$count" -ge 1 ] && [ "$count" -le 2 ] || fail "host-$h has $count snapshots at the end, not 1 or 2"
done
while read -r id state host; do
    [ -n "$id" ] || continue
    compare_restores "$id" "$work/states/$host-$state" "$repo" "$work/restore"
done <<< "$listing"
[ "$rounds" -lt 3 ] || [ "$removed" -gt 0 ] || fail "no forget removed a snapshot in $rounds rounds: nothing was tested beside the backups"
echo "many hosts: $rounds rounds, $runs processes, $removed snapshots forgotten beside backups, $kept kept, $verified snapshot restores compared, $failures failures"
[ "$failures" = 0 ] || { echo "kept for inspection: $work"; keep=1; exit 1; }
