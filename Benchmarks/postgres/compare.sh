#!/usr/bin/env bash
# PostgreSQL benchmark and acceptance run: amber against pg_dump -Fc / pg_restore and against
# borgmatic (pg_dump streamed into borg), on one pgbench database, in one run.
#
# Usage: Benchmarks/postgres/compare.sh [options]
#
#   --scale N          pgbench -i scale (default 10: 1,000,000 pgbench_accounts rows)
#   --transactions T   pgbench -t between the two backups (default 5000, one client)
#   --no-drop          do not drop the page cache before the timed steps
#   --output FILE      results file (default Benchmarks/postgres/results-<date>.md)
#   --keep             keep the work dir
#   -h, --help
#
# Environment: BENCH_DIR  parent of the work dir (default /tmp)
#
# One run, in this order, against a throwaway cluster (scripts/postgres-server):
#   pgbench -i -s N bench; fingerprint F1 (not timed);
#   amber backup postgresql://…/bench; pg_dump -Fc; pg_dump -Fd -j 2; borgmatic create (format
#   custom, its default); borgmatic create (format plain);
#   pgbench -t T bench; fingerprint F2;
#   the same four again;
#   pg_restore dump1 into a fresh database; pg_restore -j 2 of the directory dump 1 into
#   another; amber restore snapshot 1 into a fresh database;
#   amber restore snapshot 2 --from snapshot 1 onto that restore (incremental);
#   pg_restore dump2; amber restore snapshot 2 into a fresh database.
# Checks (exit 1 if any fails): every restore's fingerprint equals the source's at its backup's
# moment. A fingerprint is the md5 of `pg_dump --schema-only` (no owner, privileges or
# comments on the public schema) and, per table, of `COPY (SELECT * FROM t ORDER BY every
# column) TO STDOUT`.
# Timing: GNU time (wall, CPU, peak RSS); page cache dropped first when permitted.
# borgmatic: Debian's package, repokey encryption, compression zstd,3 (as the e2e benchmark's
# borg), dumps streamed through a named pipe as borgmatic does. amber: defaults, real KDF.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
AMBER="$ROOT/.build/release/amber"
CMDLINE="$(printf '%q ' "$0" "$@")"
. "$SCRIPT_DIR/../lib.sh"

scale=10
transactions=5000
drop=1
keep=0
output=""
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "compare.sh: ERROR: $*" >&2; exit 1; }
log() { echo "compare.sh: $*" >&2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="${2:?}"; shift 2 ;;
        --transactions) transactions="${2:?}"; shift 2 ;;
        --no-drop) drop=0; shift ;;
        --output|-o) output="${2:?}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
for tool in /usr/bin/time borg borgmatic pg_dump pg_restore psql pgbench; do
    command -v "$tool" >/dev/null || die "missing $tool (apt-get install time borgbackup borgmatic postgresql-15)"
done
[ -x "$AMBER" ] || die "missing $AMBER (cd $ROOT && swift build -c release --product amber)"

DATE="$(date +%Y-%m-%d)"
[ -n "$output" ] || output="$SCRIPT_DIR/results-$DATE.md"
WORK="$(mktemp -d "${BENCH_DIR:-/tmp}/amber-pgbench.XXXXXX")"
PG_DATA_DIR=""
cleanup() {
    [ -z "$PG_DATA_DIR" ] || "$ROOT/scripts/postgres-server" stop "$PG_DATA_DIR" || true
    if [ "$keep" = 1 ]; then log "work dir kept: $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
mkdir -p "$WORK/logs" "$WORK/dumps" "$WORK/fingerprints"
# pg_start_cluster (Benchmarks/lib.sh): the password goes through PGPASSWORD (and borgmatic's configuration), never a command line.
pg_start_cluster "$ROOT"
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 "$(pg_uri postgres)" "$@"; }

export AMBER_REPOSITORY="$WORK/amber-repo" AMBER_PASSWORD="amber-pgbench-$$"
export XDG_CACHE_HOME="$WORK/cache" BORG_BASE_DIR="$WORK/borg-home"
STEPS="$WORK/steps.tsv"   # label wall cpu rss growth
: > "$STEPS"
FAILED=0
NOTES=()
note() { NOTES+=("$*"); log "$*"; }

drop_caches() {
    [ "$drop" = 1 ] || return 0
    sync
    (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || { drop=0; note "page cache could not be dropped: warm-cache timings"; }
}
size_of() { du -sb "$1" | cut -f1; }

# timed LABEL SIZE_PATH CMD…: runs CMD under GNU time; records wall, CPU, peak RSS and the growth
# of SIZE_PATH (a repository or file; "-" for none).
timed() {
    local label="$1" path="$2"; shift 2
    local before=0 after=0 tfile="$WORK/logs/$label.time"
    [ "$path" = - ] || [ ! -e "$path" ] || before=$(size_of "$path")
    drop_caches
    log "$label: $*"
    if ! /usr/bin/time -o "$tfile" -f '%e %U %S %M' "$@" >"$WORK/logs/$label.out" 2>"$WORK/logs/$label.err"; then
        FAILED=1; note "FAILED: $label (see $WORK/logs/$label.err)"; tail -5 "$WORK/logs/$label.err" >&2
    fi
    [ "$path" = - ] || after=$(size_of "$path")
    read -r wall user sys rss < <(tail -1 "$tfile")
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" \
        "$([ "$path" = - ] && echo "" || echo $((after - before)))" >> "$STEPS"
}

# fingerprint DB FILE: schema and every table's rows, hashed (Benchmarks/lib.sh).
fingerprint() { pg_fingerprint "$(pg_uri "$1")" "$2"; }
same() {  # same LABEL A B
    if cmp -s "$2" "$3"; then note "check $1: OK (schema and every row equal)"; else FAILED=1; note "check $1: FAILED"; diff "$2" "$3" >&2 || true; fi
}

# borgmatic configurations, one per dump format, each with its own borg repository.
borgmatic_config() {  # borgmatic_config FORMAT
    cat > "$WORK/borgmatic-$1.yaml" <<EOF
location:
    source_directories: []
    repositories:
        - $WORK/borg-$1
storage:
    encryption_passphrase: "borg-pgbench"
    compression: zstd,3
    borg_base_directory: $WORK/borg-home-$1
hooks:
    postgresql_databases:
        - name: bench
          hostname: 127.0.0.1
          port: $PGPORT
          username: amber
          password: "$PGPASSWORD"
          format: $1
EOF
}

# ---------------------------------------------------------------------------------------------
LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"; START=$(date +%s)
psql_admin -c "CREATE DATABASE bench"
log "pgbench -i -s $scale"
pgbench -i -q -s "$scale" "$(pg_uri bench)" >"$WORK/logs/pgbench-init.log" 2>&1
DBSIZE=$(psql -X -At "$(pg_uri bench)" -c "SELECT pg_database_size('bench')")
fingerprint bench "$WORK/fingerprints/source-1"

"$AMBER" init >/dev/null
for format in custom plain; do
    borgmatic_config $format
    borgmatic -c "$WORK/borgmatic-$format.yaml" init --encryption repokey >"$WORK/logs/borgmatic-init-$format.log" 2>&1
done

backup_round() {  # backup_round N
    timed "amber backup $1" "$AMBER_REPOSITORY" "$AMBER" backup --json "$(pg_uri bench)"
    timed "pg_dump -Fc $1" "$WORK/dumps/$1.pgc" pg_dump -Fc -f "$WORK/dumps/$1.pgc" "$(pg_uri bench)"
    timed "pg_dump -Fd -j 2 $1" "$WORK/dumps/$1.dir" pg_dump -Fd -j 2 -f "$WORK/dumps/$1.dir" "$(pg_uri bench)"
    for format in custom plain; do
        timed "borgmatic ($format) $1" "$WORK/borg-$format" borgmatic -c "$WORK/borgmatic-$format.yaml" create --stats
    done
}
backup_round 1
SNAP1=$("$AMBER" snapshots --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')

log "pgbench -t $transactions"
pgbench -n -t "$transactions" "$(pg_uri bench)" >"$WORK/logs/pgbench-run.log" 2>&1
fingerprint bench "$WORK/fingerprints/source-2"
backup_round 2
SNAP2=$("$AMBER" snapshots --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')

for db in pgr1 pgr2 pgrj1 amber1 amber2; do psql_admin -c "CREATE DATABASE $db"; done
timed "pg_restore 1" - pg_restore --no-owner -d "$(pg_uri pgr1)" "$WORK/dumps/1.pgc"
timed "pg_restore -j 2 1" - pg_restore --no-owner -j 2 -d "$(pg_uri pgrj1)" "$WORK/dumps/1.dir"
fingerprint pgrj1 "$WORK/fingerprints/pgrj1"; same "pg_restore -j 2 of dump 1 (directory) = source at backup 1" "$WORK/fingerprints/source-1" "$WORK/fingerprints/pgrj1"
timed "amber restore 1" - "$AMBER" restore "$SNAP1" --target "$(pg_uri amber1)"
fingerprint pgr1 "$WORK/fingerprints/pgr1"; same "pg_restore of dump 1 = source at backup 1" "$WORK/fingerprints/source-1" "$WORK/fingerprints/pgr1"
fingerprint amber1 "$WORK/fingerprints/amber1"; same "amber restore of snapshot 1 = source at backup 1" "$WORK/fingerprints/source-1" "$WORK/fingerprints/amber1"
timed "amber restore 2 --from 1 (incremental)" - "$AMBER" restore "$SNAP2" --from "$SNAP1" --target "$(pg_uri amber1)"
fingerprint amber1 "$WORK/fingerprints/amber1-inc"; same "incremental restore 1→2 = source at backup 2" "$WORK/fingerprints/source-2" "$WORK/fingerprints/amber1-inc"
timed "pg_restore 2" - pg_restore --no-owner -d "$(pg_uri pgr2)" "$WORK/dumps/2.pgc"
timed "amber restore 2" - "$AMBER" restore "$SNAP2" --target "$(pg_uri amber2)"
fingerprint amber2 "$WORK/fingerprints/amber2"; same "amber restore of snapshot 2 = source at backup 2" "$WORK/fingerprints/source-2" "$WORK/fingerprints/amber2"
ELAPSED=$(( $(date +%s) - START )); LOAD1="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
AMBER_ADDED1=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["added_bytes"])' "$WORK/logs/amber backup 1.out")
AMBER_ADDED2=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["added_bytes"])' "$WORK/logs/amber backup 2.out")
python3 - "$STEPS" "$output" "$AMBER_ADDED1" "$AMBER_ADDED2" "$(size_of "$WORK/dumps/1.pgc")" "$(size_of "$WORK/dumps/2.pgc")" <<'EOF' > "$WORK/summary.md"
import sys
steps = {}
for line in open(sys.argv[1]):
    label, wall, cpu, rss, growth = line.rstrip("\n").split("\t")
    steps[label] = (float(wall), float(cpu), int(rss), int(growth) if growth else None)
a1, a2, d1, d2 = map(int, sys.argv[3:7])
def w(label): return steps[label][0]
def g(label): return steps[label][3]
rows = [
    ("amber backup time / pg_dump -Fc time (backup 1)", f"{w('amber backup 1'):.2f} s / {w('pg_dump -Fc 1'):.2f} s = {w('amber backup 1')/w('pg_dump -Fc 1'):.2f}×", "≤ 1.5×"),
    ("amber backup time / pg_dump -Fc time (backup 2)", f"{w('amber backup 2'):.2f} s / {w('pg_dump -Fc 2'):.2f} s = {w('amber backup 2')/w('pg_dump -Fc 2'):.2f}×", "≤ 1.5×"),
    ("amber backup time / pg_dump -Fd -j 2 time (backup 1)", f"{w('amber backup 1'):.2f} s / {w('pg_dump -Fd -j 2 1'):.2f} s = {w('amber backup 1')/w('pg_dump -Fd -j 2 1'):.2f}×", ""),
    ("amber restore time / pg_restore time (snapshot 1)", f"{w('amber restore 1'):.2f} s / {w('pg_restore 1'):.2f} s = {w('amber restore 1')/w('pg_restore 1'):.2f}×", "≤ 1×"),
    ("amber restore time / pg_restore -j 2 time (snapshot 1, directory dump)", f"{w('amber restore 1'):.2f} s / {w('pg_restore -j 2 1'):.2f} s = {w('amber restore 1')/w('pg_restore -j 2 1'):.2f}×", ""),
    ("amber restore time / pg_restore time (snapshot 2)", f"{w('amber restore 2'):.2f} s / {w('pg_restore 2'):.2f} s = {w('amber restore 2')/w('pg_restore 2'):.2f}×", "≤ 1×"),
    ("amber incremental restore 1→2 / pg_restore 2", f"{w('amber restore 2 --from 1 (incremental)'):.2f} s / {w('pg_restore 2'):.2f} s = {w('amber restore 2 --from 1 (incremental)')/w('pg_restore 2'):.2f}×", ""),
    ("amber second backup added / borgmatic (custom, its default) growth", f"{a2:,} / {g('borgmatic (custom) 2'):,} = {a2/g('borgmatic (custom) 2'):.3f}×", "≤ 0.25×"),
    ("amber second backup added / borgmatic (plain) growth", f"{a2:,} / {g('borgmatic (plain) 2'):,} = {a2/g('borgmatic (plain) 2'):.3f}×", "≤ 0.25×"),
    ("amber second backup added / amber first backup added", f"{a2:,} / {a1:,} = {100*a2/a1:.2f} %", ""),
    ("amber second backup added / second pg_dump -Fc size", f"{a2:,} / {d2:,} = {a2/d2:.3f}×", ""),
    ("borgmatic (custom) second / first growth", f"{g('borgmatic (custom) 2'):,} / {g('borgmatic (custom) 1'):,} = {100*g('borgmatic (custom) 2')/g('borgmatic (custom) 1'):.1f} %", ""),
    ("borgmatic (plain) second / first growth", f"{g('borgmatic (plain) 2'):,} / {g('borgmatic (plain) 1'):,} = {100*g('borgmatic (plain) 2')/g('borgmatic (plain) 1'):.1f} %", ""),
]
print("| measure | value | aim |\n|---|---|---|")
for r in rows: print("| " + " | ".join(r) + " |")
print("\n## Steps\n\n| step | wall s | CPU s (user+sys) | peak RSS MiB | growth bytes (repository or file) |\n|---|---:|---:|---:|---:|")
for label, (wall, cpu, rss, growth) in steps.items():
    print(f"| {label} | {wall:.2f} | {cpu:.2f} | {rss} | {'' if growth is None else f'{growth:,}'} |")
EOF

{
    echo "# PostgreSQL benchmark: amber vs pg_dump -Fc / pg_restore vs borgmatic, $DATE"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "- database: \`pgbench -i -s $scale\` ($(psql -X -At "$(pg_uri bench)" -c 'SELECT count(*) FROM pgbench_accounts') accounts rows; pg_database_size $DBSIZE bytes after init), then \`pgbench -n -t $transactions\` (one client) between the backups"
    echo "- server: PostgreSQL $(psql -X -At "$(pg_uri postgres)" -c 'SHOW server_version') from scripts/postgres-server (loopback TCP, fsync=off, synchronous_commit=off: the same for every tool)"
    echo "- amber $("$AMBER" version 2>/dev/null | head -1) (git $(git -C "$ROOT" rev-parse --short HEAD)); $(pg_dump --version); $(borgmatic --version | sed 's/^/borgmatic /'); $(borg --version)"
    echo "- page cache dropped before each timed step: $([ "$drop" = 1 ] && echo yes || echo no); 2-core machine; load average at start $LOAD0, at end $LOAD1; timed part and checks ${ELAPSED}s"
    echo
    echo "## Checks"
    echo
    for n in "${NOTES[@]}"; do echo "- $n"; done
    echo
    echo "## Results"
    echo
    cat "$WORK/summary.md"
} > "$output"
log "results: $output"
cat "$output"
exit "$FAILED"
