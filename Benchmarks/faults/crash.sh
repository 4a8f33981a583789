#!/usr/bin/env bash
# Crash harness (issue 15): SIGKILL at random instants during backups (a directory, an NDJSON
# file and a SQLite database in one snapshot), forget --prune, prune, compact, sync, password
# changes, key rotations and retirements; after every round the repository must check clean and every snapshot it lists must
# restore exactly what its source held when it was taken.
#
#   Benchmarks/faults/crash.sh [--rounds N] [--size small|large] [--seed S] [--amber PATH]
#                              [--work DIR] [--keep] [--real-kdf] [--only OP,OP…]
#
# --only picks the operations among backup, forget, prune, compact, sync, passwd, rotate and
# retire (default: all, a backup most often), e.g. --only backup,rotate,retire for key changes.
#
# CI runs it small (Tests/AmberCLITests/FaultHarnessTests.swift); by hand:
#   Benchmarks/faults/crash.sh --rounds 200 --size large --amber .build/release/amber
#
# Oracles: sha256sum of every file of the source tree, the NDJSON file's bytes (its documents are
# written as amber stores them), `sqlite3 .dump` of the database, each taken when the state was
# made; a snapshot's tag names its state. A kill may come before, during or after the operation's
# end: an operation that ends by itself must exit 0. Prints one line per round and a summary;
# exits 1 if anything failed. The repository, offsite copy and sources of a failed round are kept.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
rounds=20 real_kdf=0 only=""
while [ $# -gt 0 ]; do
    common_option "$@"
    if [ "$shift_by" -gt 0 ]; then shift "$shift_by"; continue; fi
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --real-kdf) real_kdf=1; shift ;;
        --only) only=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "crash.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
harness_setup crash

[ "$real_kdf" = 1 ] || export AMBER_SCRYPT_TESTING=1
export AMBER_REPOSITORY="$work/repo" AMBER_CACHE_DIR="$work/cache" AMBER_PASSWORD_FILE="$work/password"
unset AMBER_PASSWORD AMBER_PASSWORD_COMMAND
src="$work/src" states="$work/states" offsite="$work/offsite"
mkdir -p "$src" "$states"
RANDOM=$seed

failures=0 kills=0 completed=0 verified=0
fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }

# The state of the sources: make it, and record its oracle.
state=0
make_state() { make_sources "$src" "$state" "$size" "$seed" "$states/$state"; }

# Passwords: a key change may be killed after adding the new key and before removing the old,
# so the password is whichever of the two opens the repository.
password=pw-0
set_password() { printf '%s' "$1" > "$work/password"; password=$1; }
find_password() {
    for candidate in "$password" "pw-$(( ${password#pw-} + 1 ))" "pw-$(( ${password#pw-} - 1 ))"; do
        printf '%s' "$candidate" > "$work/password"
        local code=0
        "$amber" snapshots --json > /dev/null 2>"$work/find-password.err" || code=$?
        if [ "$code" = 0 ]; then password=$candidate; return 0; fi
        [ "$code" = 12 ] || { fail "snapshots exited $code: $(tail -2 "$work/find-password.err")"; return 1; }
    done
    fail "no password opens the repository"
    return 1
}

# restore_and_compare SNAPSHOT STATE [REPOSITORY]: the snapshot against the oracle of STATE.
restore_and_compare() { compare_restores "$1" "$states/$2" "${3:-$work/repo}" "$work/restore"; }

# verify_repository all|sample: check, then restore every snapshot or the newest and one other.
verify_repository() {
    local which=$1 code=0
    "$amber" check > "$work/check.out" 2>&1 || code=$?
    [ "$code" = 0 ] || { fail "check exited $code: $(grep -v '^$' "$work/check.out" | tail -3 | tr '\n' ' ')"; return; }
    local lines
    lines=$(snapshot_states "$work/repo" | cut -d" " -f1,2) || { fail "snapshots --json failed"; return; }
    [ -n "$lines" ] || { fail "the repository lists no snapshot (the first backup completed)"; return; }
    local picked
    if [ "$which" = all ]; then
        picked=$lines
    else
        local count
        count=$(printf '%s\n' "$lines" | wc -l)
        local pick=$((RANDOM % count + 1))  # here, not in a subshell: bash reseeds RANDOM in those
        picked=$( (printf '%s\n' "$lines" | tail -1; printf '%s\n' "$lines" | sed -n "${pick}p") | sort -u)
    fi
    while read -r id s; do
        [ "$s" != "?" ] || { fail "snapshot $id has no state tag"; continue; }
        restore_and_compare "$id" "$s"
    done <<< "$picked"
}

# The offsite copy a sync made, perhaps killed: it opens with a password of the repository's
# history (a sync killed before it copied the newest key file opens with an older one), checks
# clean, and its newest snapshot restores.
verify_offsite() {
    local n=${password#pw-} code=12 key="$work/offsite-password"
    while [ "$n" -ge 0 ] && [ "$code" = 12 ]; do
        printf 'pw-%d' "$n" > "$key"
        code=0
        AMBER_PASSWORD_FILE=$key AMBER_REPOSITORY=$offsite "$amber" check > "$work/check-offsite.out" 2>&1 || code=$?
        n=$((n - 1))
    done
    [ "$code" = 0 ] || { fail "check of the offsite copy exited $code: $(tail -2 "$work/check-offsite.out" | tr '\n' ' ')"; return; }
    local newest
    newest=$(AMBER_PASSWORD_FILE=$key snapshot_states "$offsite" | tail -1 | cut -d" " -f1,2) || true
    [ -z "$newest" ] || AMBER_PASSWORD_FILE=$key restore_and_compare ${newest% *} ${newest#* } "$offsite"
}

backup() {
    (cd "$src" && exec "$amber" backup files ndjson:docs.ndjson sqlite:app.db --tag "state-$state" --host crash)
}

# One operation, as a command line for the round: a backup more often than the rest.
# Sets $operation (in this shell: bash reseeds RANDOM in subshells, which would make --seed
# reproduce nothing).
pick_operation() {
    local r=$((RANDOM % 22))
    if [ "$(snapshot_states "$work/repo" | wc -l)" -lt 2 ]; then operation=backup
    elif [ -n "$only" ]; then
        local ops
        IFS=, read -ra ops <<< "$only"
        operation=${ops[$((r % ${#ops[@]}))]}
    elif [ $r -lt 9 ]; then operation=backup
    elif [ $r -lt 12 ]; then operation=forget
    elif [ $r -lt 14 ]; then operation=prune
    elif [ $r -lt 16 ]; then operation=compact
    elif [ $r -lt 18 ]; then operation=sync
    elif [ $r -lt 19 ]; then operation=passwd
    elif [ $r -lt 20 ]; then operation=rotate
    else operation=retire
    fi
}

# What an operation that ran to its end must have left: a backup, a snapshot of the new state as
# the newest; a forget --keep-last 3, at most 3 snapshots.
check_completed() {
    local listing
    listing=$(snapshot_states "$work/repo") || { fail "snapshots --json failed"; return; }
    case "$1" in
        backup)
            [ "$(printf '%s\n' "$listing" | tail -1 | cut -d' ' -f2)" = "$state" ] \
                || fail "the backup of state $state completed, yet the newest snapshot is: $(printf '%s\n' "$listing" | tail -1)" ;;
        forget)
            [ "$(printf '%s\n' "$listing" | grep -c .)" -le 3 ] \
                || fail "forget --keep-last 3 completed, yet $(printf '%s\n' "$listing" | grep -c .) snapshots are left" ;;
    esac
}

run_operation() {
    case "$1" in
        backup) backup ;;
        forget) exec "$amber" forget --keep-last 3 --prune ;;
        prune) exec "$amber" prune --max-unused 0% ;;
        compact) exec "$amber" compact ;;
        sync) exec "$amber" sync --to "$offsite" --delete ;;  # after a key retirement sync needs --delete
        passwd)
            printf '%s' "pw-$(( ${password#pw-} + 1 ))" > "$work/new-password"
            exec "$amber" key passwd --new-password-file "$work/new-password" ;;
        rotate) exec "$amber" key rotate ;;
        retire) exec "$amber" key retire ;;
    esac
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "crash harness: $rounds rounds, size $size, seed $seed, amber $amber ($("$amber" version 2>/dev/null | head -1)), work $work"
set_password pw-0
"$amber" init > /dev/null
make_state
start=$(now_ms)
backup > /dev/null 2>&1 || { echo "crash.sh: the first backup failed" >&2; exit 1; }
# How long each operation took the last time it ran to its end (the first backup's to begin
# with): the kill comes at a uniform instant in 0..1.3x that, so most operations die at some
# point of their work and about a quarter end by themselves. (The last, not the longest: a first
# backup of large sources takes far longer than the ones after it.)
declare -A duration
for op in backup forget prune compact sync passwd rotate retire; do duration[$op]=$(( $(now_ms) - start )); done

for round in $(seq 1 "$rounds"); do
    before=$failures
    find_password || break
    pick_operation
    if [ "$operation" = backup ]; then state=$((state + 1)); make_state; fi
    delay=$(( (RANDOM * 32768 + RANDOM) % (duration[$operation] * 13 / 10 + 1) ))
    start=$(now_ms)
    ( run_operation "$operation" ) > "$work/op.out" 2>&1 &
    pid=$!
    outcome=""
    while true; do
        if ! kill -0 "$pid" 2>/dev/null; then
            code=0; wait "$pid" || code=$?
            if [ "$code" = 0 ]; then
                outcome="completed in $(( $(now_ms) - start )) ms"; completed=$((completed + 1))
                duration[$operation]=$(( $(now_ms) - start ))
            else
                outcome="exit $code"; fail "$operation exited $code by itself: $(tail -2 "$work/op.out" | tr '\n' ' ')"
            fi
            break
        fi
        if [ $(( $(now_ms) - start )) -ge "$delay" ]; then
            pkill -KILL -P "$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
            code=0; wait "$pid" 2>/dev/null || code=$?
            # 137: killed. Anything else but 0 means it failed by itself just before the kill.
            if [ "$code" != 137 ] && [ "$code" != 0 ]; then
                fail "$operation exited $code by itself: $(tail -2 "$work/op.out" | tr '\n' ' ')"
            fi
            outcome="killed after ${delay} ms"; kills=$((kills + 1))
            break
        fi
        sleep 0.02
    done
    if [ "$operation" = passwd ] && [ "${outcome%% *}" = completed ]; then set_password "$(cat "$work/new-password")"; fi
    find_password || break
    [ "${outcome%% *}" != completed ] || check_completed "$operation"
    verify_repository sample
    if [ "$operation" = sync ] && [ -f "$offsite/config" ]; then verify_offsite; fi
    printf 'round %d: %s, %s; %s\n' "$round" "$operation" "$outcome" "$([ $failures = "$before" ] && echo ok || echo "$((failures - before)) failures")"
    if [ $failures != "$before" ]; then keep=1; trap - EXIT; fi
done

# The end: the whole repository read, and every snapshot restored.
find_password || true
code=0
"$amber" check --read-data > "$work/check.out" 2>&1 || code=$?
[ "$code" = 0 ] || fail "check --read-data exited $code: $(tail -3 "$work/check.out" | tr '\n' ' ')"
verify_repository all
echo "crash harness: $rounds rounds, $kills kills, $completed operations completed, $verified snapshot restores compared, $failures failures"
[ "$failures" = 0 ] || { echo "kept for inspection: $work"; trap - EXIT; exit 1; }
