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

# compare_restores SNAPSHOT ORACLE REPOSITORY OUT: restores the snapshot's three sources under
# OUT and compares them with ORACLE's files; each difference is a fail. Counts $verified.
compare_restores() {
    local id=$1 oracle=$2 repo=$3 out=$4
    rm -rf "$out" && mkdir -p "$out"
    if ! AMBER_REPOSITORY=$repo "$amber" restore "$id" --target "$out/tree" --include files > /dev/null 2>"$out/err"; then
        fail "restore $id of files: $(tail -1 "$out/err")"; return
    fi
    if ! (cd "$out/tree/files" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | cmp -s - "$oracle-files.sum"; then
        fail "snapshot $id ($(basename "$oracle")): the restored files differ from the source"
    fi
    if ! AMBER_REPOSITORY=$repo "$amber" restore "$id" --target "ndjson:$out/docs" > /dev/null 2>"$out/err"; then
        fail "restore $id of docs: $(tail -1 "$out/err")"
    elif [ "$(sha256sum < "$out/docs/docs.ndjson" | cut -d' ' -f1)" != "$(cat "$oracle-docs.sum")" ]; then
        fail "snapshot $id ($(basename "$oracle")): the restored docs.ndjson differs from the source"
    fi
    if ! AMBER_REPOSITORY=$repo "$amber" restore "$id" --target "sqlite:$out/app.db" > /dev/null 2>"$out/err"; then
        fail "restore $id of app.db: $(tail -1 "$out/err")"
    elif [ "$(sqlite3 "$out/app.db" .dump | sha256sum | cut -d' ' -f1)" != "$(cat "$oracle-app.sum")" ]; then
        fail "snapshot $id ($(basename "$oracle")): the restored app.db differs from the source (sqlite3 .dump)"
    fi
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
