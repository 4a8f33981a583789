# Shared by the fault harnesses (sourced, with $here set to this directory): their common
# options and set-up, sources with oracles, and restores compared with them. The caller defines
# fail MESSAGE before it compares.

size=small seed=1 amber="" work="" keep=0

# common_option ARGS...: takes the options every harness has (--size, --seed, --amber, --work,
# --keep) and sets shift_by to how many arguments it used (0: not one of them).
common_option() {
    shift_by=2
    case "$1" in
        --size) size=$2 ;;
        --seed) seed=$2 ;;
        --amber) amber=$2 ;;
        --work) work=$2 ;;
        --keep) keep=1; shift_by=1 ;;
        *) shift_by=0 ;;
    esac
}

# harness_setup NAME: checks the options and tools, makes $amber (default: the release build)
# and $work (default: a new temporary directory) absolute, and removes $work at exit unless --keep.
harness_setup() {
    local name=$1
    case "$size" in small|large) ;; *) echo "$name: --size small or large" >&2; exit 2 ;; esac
    [ -n "$amber" ] || amber="$here/../../.build/release/amber"
    amber=$(cd "$(dirname "$amber")" && pwd)/$(basename "$amber")
    [ -x "$amber" ] || { echo "$name: no amber at $amber (build it, or give --amber)" >&2; exit 2; }
    for tool in python3 sqlite3 sha256sum; do
        command -v $tool >/dev/null || { echo "$name: needs $tool" >&2; exit 2; }
    done
    [ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/amber-$name.XXXXXX")
    mkdir -p "$work"
    work=$(cd "$work" && pwd)
    [ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
}

# make_sources DIR STATE SIZE SEED ORACLE: writes state STATE of the sources in DIR
# (make-sources.py) and their oracle files ORACLE-files.sum, ORACLE-docs.sum, ORACLE-app.sum.
make_sources() {
    local dir=$1 state=$2 size=$3 seed=$4 oracle=$5
    python3 "$here/make-sources.py" "$dir" "$state" "$size" "$seed"
    (cd "$dir/files" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) > "$oracle-files.sum"
    sha256sum < "$dir/docs.ndjson" | cut -d' ' -f1 > "$oracle-docs.sum"
    sqlite3 "$dir/app.db" .dump | sha256sum | cut -d' ' -f1 > "$oracle-app.sum"
}

# restore_one PART SNAPSHOT ORACLE REPOSITORY OUT: restores one source of the snapshot (files,
# docs or app) under OUT and compares it with ORACLE's. Returns 0 when it restored equal, 2 when
# the restore failed (its last error line in $restore_error), and calls fail (returning 1) when
# it restored something else: the one outcome no damage may ever cause.
restore_one() {
    local part=$1 id=$2 oracle=$3 repo=$4 out=$5 target got
    case "$part" in
        files) target=("$out/tree" --include files) ;;
        docs) target=("ndjson:$out/docs") ;;
        app) target=("sqlite:$out/app.db") ;;
    esac
    rm -rf "$out" && mkdir -p "$out"
    if ! AMBER_REPOSITORY=$repo "$amber" restore "$id" --target "${target[@]}" < /dev/null > /dev/null 2>"$out.err"; then
        restore_error=$(tail -1 "$out.err")
        return 2
    fi
    case "$part" in
        files) got=$(cd "$out/tree/files" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum) ;;
        docs) got=$(sha256sum < "$out/docs/docs.ndjson") ;;
        app) got=$(sqlite3 "$out/app.db" .dump | sha256sum) ;;
    esac
    local want
    if [ "$part" = files ]; then want=$(sha256sum < "$oracle-files.sum"); else want="$(cat "$oracle-$part.sum")  -"; fi
    if [ "$got" != "$want" ]; then
        fail "snapshot $id ($(basename "$oracle")): the restored $part differs from the source, yet restore exited 0"
        return 1
    fi
    return 0
}

# compare_restores SNAPSHOT ORACLE REPOSITORY OUT: every source of the snapshot must restore
# equal to ORACLE's; a restore that fails is a failure too. Counts $verified.
compare_restores() {
    local part code
    for part in files docs app; do
        code=0
        restore_one "$part" "$1" "$2" "$3" "$4" || code=$?
        [ "$code" != 2 ] || fail "restore $1 of $part ($(basename "$2")): $restore_error"
    done
    verified=$((verified + 1))
}

# snapshot_states REPOSITORY: the snapshots as "id state host" lines, oldest first; state is the
# N of a tag state-N ("?" without one).
snapshot_states() {
    AMBER_REPOSITORY=$1 "$amber" snapshots --json | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    tags = [t for t in s.get("tags") or [] if t.startswith("state-")]
    print(s["short_id"], tags[0][6:] if tags else "?", s.get("host", "?"))'
}
