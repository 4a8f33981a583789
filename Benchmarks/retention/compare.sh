#!/usr/bin/env bash
# Retention benchmark (issue 13): a PostgreSQL database backed up once a day under steady load,
# every backup kept, by amber and by the usual alternatives, on the same days in one run.
#
# Usage: Benchmarks/retention/compare.sh [options]
#
#   --days D           daily backups (default 30)
#   --scale N          pgbench -i scale (default 10: 1,000,000 pgbench_accounts rows)
#   --transactions T   pgbench -t between two days, per client (default 2000)
#   --clients C        pgbench -c (default 2)
#   --json-table       run B: the database also holds public.documents (id bigint primary key,
#                      doc jsonb), ~60,000 order-like documents of ~1 KB (make-documents.py), of
#                      which ~0.2 % are updated a day (one UPDATE after each day's pgbench)
#   --documents N      number of documents with --json-table (default 60000)
#   --churn F          fraction of the documents updated a day (default 0.002)
#   --seed S           seed of the documents, their updates and pgbench --random-seed (default 1)
#   --tools LIST       comma-separated subset of amber,restic,borg,pgdump (default: all four)
#   --amber PATH       amber binary (default .build/release/amber)
#   --no-compact       do not run `amber compact` after each amber backup (backups then add one
#                      run a day; the 64th would rebase)
#   --no-drop          do not drop the page cache before the timed steps
#   --output FILE      results file (default Benchmarks/retention/results-<date>[-json].md)
#   --keep             keep the work dir (repositories, dumps, fingerprints, logs)
#   -h, --help
#
# Environment: BENCH_DIR     parent of the work dir (default /tmp)
#              AMBER_COMMIT  git commit the --amber binary was built from, for the report
#                            (default: the hex suffix of a binary named amber-<commit>, else this
#                            checkout's HEAD, flagged as such)
#
# One run, against a throwaway cluster (scripts/postgres-server; fsync off):
#   pgbench -i -s N bench [+ CREATE TABLE documents, COPY of make-documents.py rows];
#   day 1..D: [day > 1: pgbench -n -t T -c C --random-seed S*1000+day bench;
#              with --json-table: make-documents.py update --day day | psql bench];
#             fingerprint of bench (not timed); then, on that same state, one backup by each tool:
#     amber   amber backup --json postgresql://…/bench   (its own repository; defaults, real KDF),
#             then amber compact --json (merges the runs when due, replacing the day's snapshot)
#     restic  pg_dump bench | restic backup --stdin --stdin-filename bench.sql --compression auto
#             (repository version 2, GOMAXPROCS = nproc)
#     borg    pg_dump bench | borg create --compression zstd,3 --stdin-name bench.sql ::day-N -
#             (borg init --encryption repokey, as the postgres benchmark's borgmatic)
#     pgdump  pg_dump -Fc -f day-N.pgc bench   (every file kept: their directory is the repository)
#   Nothing is ever forgotten or pruned. Then restores, each into a new database:
#   pg_restore --no-owner of day D and of day 1; amber restore <snapshot> --target
#   postgresql://…/newdb of day D and of day 1; and day D's database backed up into a new
#   repository (one snapshot, no runs) and restored from it: restore day D / that restore is
#   the layers' own cost, apart from the data's growth between day 1 and day D.
# Checks (exit 1 if any fails, or if any step fails): every restore's fingerprint equals the
# source's on its day (Benchmarks/lib.sh pg_fingerprint: schema, and every table's rows in order
# of every column), and amber's per-snapshot added_bytes in `amber snapshots --json` equal those
# of `amber backup --json`.
# Measured: repository size with du -sb after every backup (for amber, after its compact: the
# day's growth counts both) (day-1 size, daily growth, total);
# each step's wall and CPU time and peak RSS with GNU time (for restic and borg, of the whole
# pipeline: pg_dump included, peak RSS is its largest process); amber's added_bytes; load
# average before each step, and load average and nproc at start and end. The machine may be
# shared: sizes do not depend on load, times do.
#
# Issue 13 also asks for the NDJSON collection figures (first backup size and time against restic
# on the same file, the quiet-day increment): run Benchmarks/collections/compare.sh for those.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CMDLINE="$(printf '%q ' "$0" "$@")"
. "$SCRIPT_DIR/../lib.sh"

days=30
scale=10
transactions=2000
clients=2
json=0
documents=60000
churn=0.002
seed=1
tools="amber,restic,borg,pgdump"
AMBER="$ROOT/.build/release/amber"
drop=1
keep=0
compact=1
output=""
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "compare.sh: ERROR: $*" >&2; exit 1; }
log() { echo "compare.sh: $(date +%H:%M:%S) $*" >&2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --days) days="${2:?}"; shift 2 ;;
        --scale) scale="${2:?}"; shift 2 ;;
        --transactions) transactions="${2:?}"; shift 2 ;;
        --clients) clients="${2:?}"; shift 2 ;;
        --json-table) json=1; shift ;;
        --documents) documents="${2:?}"; shift 2 ;;
        --churn) churn="${2:?}"; shift 2 ;;
        --seed) seed="${2:?}"; shift 2 ;;
        --tools) tools="${2:?}"; shift 2 ;;
        --amber) AMBER="${2:?}"; shift 2 ;;
        --no-drop) drop=0; shift ;;
        --no-compact) compact=0; shift ;;
        --output|-o) output="${2:?}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
for n in "$days" "$scale" "$transactions" "$clients" "$documents" "$seed"; do
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "not a positive integer: $n"
done
IFS=',' read -r -a TOOLS <<< "$tools"
[ "${#TOOLS[@]}" -gt 0 ] || die "--tools is empty"
for t in "${TOOLS[@]}"; do
    case "$t" in amber|restic|borg|pgdump) ;; *) die "unknown tool in --tools: $t (amber,restic,borg,pgdump)" ;; esac
done
has_tool() { local t; for t in "${TOOLS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }
needed=(/usr/bin/time python3 pg_dump pg_restore psql pgbench bc)
has_tool restic && needed+=(restic)
has_tool borg && needed+=(borg)
for tool in "${needed[@]}"; do
    command -v "$tool" >/dev/null || die "missing $tool (scripts/install-deps --bench)"
done
if has_tool amber; then
    case "$AMBER" in /*) ;; *) AMBER="$(pwd)/$AMBER" ;; esac
    [ -x "$AMBER" ] || die "missing $AMBER (cd $ROOT && swift build -c release --product amber, or --amber PATH)"
fi

DATE="$(date +%Y-%m-%d)"
[ -n "$output" ] || output="$SCRIPT_DIR/results-$DATE$([ "$json" = 1 ] && echo -json).md"
case "$output" in /*) ;; *) output="$(pwd)/$output" ;; esac
NCPU0="$(nproc)"
mkdir -p "${BENCH_DIR:-/tmp}"
WORK="$(mktemp -d "${BENCH_DIR:-/tmp}/amber-retention.XXXXXX")"
PG_DATA_DIR=""
cleanup() {
    [ -z "$PG_DATA_DIR" ] || "$ROOT/scripts/postgres-server" stop "$PG_DATA_DIR" || true
    if [ "$keep" = 1 ]; then log "work dir kept: $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
mkdir -p "$WORK/logs" "$WORK/repos" "$WORK/fingerprints"
# pg_start_cluster (Benchmarks/lib.sh): the password goes through PGPASSWORD, never a command line.
pg_start_cluster "$ROOT"
psql_db() { local db="$1"; shift; psql -X -q -v ON_ERROR_STOP=1 "$(pg_uri "$db")" "$@"; }
fingerprint() { pg_fingerprint "$(pg_uri "$1")" "$2"; }

# Each tool's repository, password and cache; nothing from the caller's environment leaks in.
unset AMBER_SCRYPT_TESTING AMBER_PASSWORD_FILE AMBER_PASSWORD_COMMAND RESTIC_PASSWORD_FILE \
    RESTIC_PASSWORD_COMMAND BORG_PASSCOMMAND BORG_PASSPHRASE_FD
PASSWORD="amber-retention-$$-$(date +%s)"
export AMBER_REPOSITORY="$WORK/repos/amber" AMBER_PASSWORD="$PASSWORD"
export RESTIC_REPOSITORY="$WORK/repos/restic" RESTIC_PASSWORD="$PASSWORD" RESTIC_CACHE_DIR="$WORK/cache/restic" GOMAXPROCS="$NCPU0"
export BORG_REPO="$WORK/repos/borg" BORG_PASSPHRASE="$PASSWORD" BORG_BASE_DIR="$WORK/borg-home" BORG_DISPLAY_PASSPHRASE=no
export XDG_CACHE_HOME="$WORK/cache" XDG_CONFIG_HOME="$WORK/config"
repo_of() { echo "$WORK/repos/$1"; }

STEPS="$WORK/steps.tsv"   # label tool day wall cpu rss_mib rc du_bytes load1 file_bytes
: > "$STEPS"
FAILED=0
NOTES=()
note() { NOTES+=("$*"); log "$*"; }
declare -A DEAD=()
DROPS=0

drop_caches() {
    [ "$drop" = 1 ] || return 0
    sync
    if (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; then DROPS=$((DROPS + 1)); else drop=0; note "page cache could not be dropped: warm-cache timings"; fi
}
size_of() { du -sb "$1" | cut -f1; }
# files_of DIR: the bytes of the files under DIR (du -sb also counts 4,096 bytes for each directory).
files_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

# timed LABEL TOOL DAY CMD…: runs CMD under GNU time (stdin /dev/null; stdout and stderr to
# logs/LABEL.out and .err) and appends label, tool, day, wall s, CPU s, peak RSS MiB, exit code,
# du -sb of TOOL's repository after it (empty for tool "-"), the 1-minute load average before
# it and the bytes of the repository's files to STEPS. A failed step marks TOOL failed: its later steps are skipped. Sets RC.
timed() {
    local label="$1" t="$2" day="$3"; shift 3
    local tfile="$WORK/logs/$label.time" size="" files="" load wall user sys rss
    RC=0
    if [ -n "${DEAD[$t]:-}" ]; then
        printf '%s\t%s\t%s\t\t\t\tskipped\t\t\t\n' "$label" "$t" "$day" >> "$STEPS"; RC=skipped; return 0
    fi
    drop_caches
    load=$(cut -d' ' -f1 /proc/loadavg)
    log "$label: $*"
    /usr/bin/time -o "$tfile" -f '%e %U %S %M' "$@" </dev/null >"$WORK/logs/$label.out" 2>"$WORK/logs/$label.err" || RC=$?
    read -r wall user sys rss < <(tail -1 "$tfile")
    if [ "$t" != - ] && [ -e "$(repo_of "$t")" ]; then size=$(size_of "$(repo_of "$t")"); files=$(files_of "$(repo_of "$t")"); fi
    if [ "$RC" != 0 ]; then
        FAILED=1; [ "$t" = - ] || DEAD[$t]=1
        note "FAILED: $label (exit $RC; see logs/$label.err): $(tail -3 "$WORK/logs/$label.err" | tr '\n' ' ')"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$t" "$day" "$wall" "$(echo "$user + $sys" | bc)" \
        "$((rss / 1024))" "$RC" "$size" "$load" "$files" >> "$STEPS"
    log "$label: ${wall}s, $((rss / 1024)) MiB peak RSS${size:+, repository $size bytes}"
}
same() {  # same LABEL A B
    if cmp -s "$2" "$3"; then note "check $1: OK (schema and every row equal)"; else FAILED=1; note "check $1: FAILED"; diff "$2" "$3" >&2 || true; fi
}
json_last() {  # json_last FILE KEY: KEY of the last JSON object line of FILE (empty if none)
    python3 - "$1" "$2" <<'PY' 2>/dev/null || true
import json, sys
obj = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        try: obj = json.loads(line)
        except ValueError: pass
print("" if obj is None or obj.get(sys.argv[2]) is None else obj[sys.argv[2]])
PY
}

# ---------------------------------------------------------------------------------------------
LOAD0="$(cut -d' ' -f1-3 /proc/loadavg)"; START=$(date +%s)
psql_db postgres -c "CREATE DATABASE bench"
log "pgbench -i -s $scale"
pgbench -i -q -s "$scale" "$(pg_uri bench)" >"$WORK/logs/pgbench-init.log" 2>&1 || die "pgbench -i failed: $(tail -5 "$WORK/logs/pgbench-init.log")"
DOCS_DESC=""
if [ "$json" = 1 ]; then
    log "documents: $documents (seed $seed)"
    psql_db bench -c "CREATE TABLE documents (id bigint PRIMARY KEY, doc jsonb NOT NULL)"
    python3 "$SCRIPT_DIR/make-documents.py" rows --count "$documents" --seed "$seed" 2>"$WORK/logs/documents.log" \
        | psql_db bench -c "COPY documents (id, doc) FROM STDIN (FORMAT csv)" || die "loading the documents failed: $(cat "$WORK/logs/documents.log")"
    psql_db bench -c "VACUUM ANALYZE documents"
    DOCS_DESC="$(sed 's/^make-documents: //' "$WORK/logs/documents.log"); in PostgreSQL: $(psql -X -At "$(pg_uri bench)" -c "SELECT count(*) || ' rows, mean jsonb text ' || round(avg(length(doc::text))) || ' B, mean stored ' || round(avg(pg_column_size(doc))) || ' B, table with indexes and TOAST ' || pg_total_relation_size('documents') || ' bytes' FROM documents")"
fi
DBSIZE1=$(psql -X -At "$(pg_uri bench)" -c "SELECT pg_database_size('bench')")

has_tool amber && timed "amber init" amber 0 "$AMBER" init
has_tool restic && timed "restic init" restic 0 restic init --repository-version 2
has_tool borg && timed "borg init" borg 0 borg init --encryption repokey
has_tool pgdump && mkdir -p "$(repo_of pgdump)" && printf 'pgdump init\tpgdump\t0\t0\t0\t0\t0\t%s\t\t0\n' "$(size_of "$(repo_of pgdump)")" >> "$STEPS"

DAYS="$WORK/days.tsv"   # day db_bytes amber_snapshot amber_added_bytes amber_compact_added_bytes
: > "$DAYS"
declare -A SNAP=()
for day in $(seq 1 "$days"); do
    if [ "$day" -gt 1 ]; then
        log "day $day: pgbench -n -t $transactions -c $clients"
        pgbench -n -t "$transactions" -c "$clients" --random-seed=$((seed * 1000 + day)) "$(pg_uri bench)" \
            >"$WORK/logs/pgbench-day$day.log" 2>&1 || die "pgbench failed: $(tail -5 "$WORK/logs/pgbench-day$day.log")"
        if [ "$json" = 1 ]; then
            python3 "$SCRIPT_DIR/make-documents.py" update --day "$day" --count "$documents" --seed "$seed" --fraction "$churn" \
                2>>"$WORK/logs/documents.log" | psql_db bench >/dev/null || die "updating the documents failed"
        fi
    fi
    fingerprint bench "$WORK/fingerprints/source-$day"
    dbsize=$(psql -X -At "$(pg_uri bench)" -c "SELECT pg_database_size('bench')")
    snap=""; added=""; compacted=""
    if has_tool amber; then
        timed "amber backup $day" amber "$day" "$AMBER" backup --json "$(pg_uri bench)"
        if [ "$RC" = 0 ]; then
            snap=$(json_last "$WORK/logs/amber backup $day.out" snapshot_id)
            added=$(json_last "$WORK/logs/amber backup $day.out" added_bytes)
            SNAP[$day]="$snap"
        fi
        if [ "$compact" = 1 ] && [ -n "$snap" ]; then
            timed "amber compact $day" amber "$day" "$AMBER" compact --json
            if [ "$RC" = 0 ]; then
                # The day's snapshot is replaced when a merge was due: follow it.
                read -r compacted replacement < <(python3 - "$WORK/logs/amber compact $day.out" "$snap" <<'PY'
import json, sys
report = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
new = next((r["replacement"] for r in report.get("replaced", []) if r["original"] == sys.argv[2]), "")
print(report.get("added_bytes", 0), new or "-")
PY
)
                if [ "$replacement" != "-" ]; then snap="$replacement"; SNAP[$day]="$snap"; fi
            fi
        fi
    fi
    has_tool restic && timed "restic backup $day" restic "$day" bash -c 'set -o pipefail; pg_dump "$1" | restic backup --stdin --stdin-filename bench.sql --compression auto --json' _ "$(pg_uri bench)"
    has_tool borg && timed "borg backup $day" borg "$day" bash -c 'set -o pipefail; pg_dump "$1" | borg create --json --compression zstd,3 --stdin-name bench.sql "::day-$2" -' _ "$(pg_uri bench)" "$day"
    has_tool pgdump && timed "pgdump backup $day" pgdump "$day" pg_dump -Fc -f "$(repo_of pgdump)/day-$day.pgc" "$(pg_uri bench)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$day" "$dbsize" "$snap" "$added" "$compacted" >> "$DAYS"
done
DBSIZED=$(psql -X -At "$(pg_uri bench)" -c "SELECT pg_database_size('bench')")

# Restores of day D and day 1, each into a new database, checked against that day's source.
RESTORE_DAYS=("$days"); [ "$days" -gt 1 ] && RESTORE_DAYS+=(1)
for day in "${RESTORE_DAYS[@]}"; do
    if has_tool pgdump && [ -z "${DEAD[pgdump]:-}" ]; then
        psql_db postgres -c "CREATE DATABASE pgrestore_$day"
        timed "pgdump restore $day" - "$day" pg_restore --no-owner -d "$(pg_uri "pgrestore_$day")" "$(repo_of pgdump)/day-$day.pgc"
        fingerprint "pgrestore_$day" "$WORK/fingerprints/pgrestore-$day"
        same "pg_restore of day $day = source on day $day" "$WORK/fingerprints/source-$day" "$WORK/fingerprints/pgrestore-$day"
    fi
    if has_tool amber; then
        if [ -n "${SNAP[$day]:-}" ]; then
            psql_db postgres -c "CREATE DATABASE amberrestore_$day"
            timed "amber restore $day" - "$day" "$AMBER" restore "${SNAP[$day]}" --target "$(pg_uri "amberrestore_$day")"
            fingerprint "amberrestore_$day" "$WORK/fingerprints/amberrestore-$day"
            same "amber restore of day $day (snapshot ${SNAP[$day]:0:8}) = source on day $day" "$WORK/fingerprints/source-$day" "$WORK/fingerprints/amberrestore-$day"
        else
            FAILED=1; note "check amber restore of day $day: FAILED (no snapshot of day $day)"
        fi
    fi
done
# The layers' cost alone: day D's database (unchanged since its backup) backed up into a new
# repository, one snapshot and no runs, and restored from it. Day D holds more rows than day 1
# (pgbench_history grows), so restore day D / restore day 1 mixes that growth with the layers';
# restore day D / this restore is the layers' cost on the same data.
if has_tool amber && [ -z "${DEAD[amber]:-}" ] && [ "$days" -gt 1 ]; then
    FRESH="$WORK/repos/amber-fresh"
    AMBER_REPOSITORY="$FRESH" "$AMBER" init >"$WORK/logs/amber fresh init.out" 2>&1 || { FAILED=1; note "FAILED: amber init of the one-snapshot repository"; }
    AMBER_REPOSITORY="$FRESH" timed "amber fresh backup $days" - "$days" "$AMBER" backup --json "$(pg_uri bench)"
    psql_db postgres -c "CREATE DATABASE amberfresh_$days"
    AMBER_REPOSITORY="$FRESH" timed "amber fresh restore $days" - "$days" "$AMBER" restore latest --target "$(pg_uri "amberfresh_$days")"
    fingerprint "amberfresh_$days" "$WORK/fingerprints/amberfresh-$days"
    same "amber restore of day $days from a one-snapshot repository = source on day $days" "$WORK/fingerprints/source-$days" "$WORK/fingerprints/amberfresh-$days"
fi
if has_tool amber && [ -z "${DEAD[amber]:-}" ]; then
    "$AMBER" snapshots --json > "$WORK/logs/amber snapshots.json" 2>"$WORK/logs/amber snapshots.err" || { FAILED=1; note "FAILED: amber snapshots --json"; }
    check=$(python3 - "$WORK/logs/amber snapshots.json" "$DAYS" <<'PY'
import json, sys
snaps = {s["id"]: s for s in json.load(open(sys.argv[1]))}
bad = []
n = 0
for line in open(sys.argv[2]):
    day, _, snap, added, _ = line.rstrip("\n").split("\t")
    if not snap: continue
    n += 1
    s = next((v for k, v in snaps.items() if k.startswith(snap) or snap.startswith(k)), None)
    if s is None: bad.append(f"day {day}: snapshot {snap} missing")
    elif str(s.get("stats", {}).get("added_bytes")) != added: bad.append(f"day {day}: {s.get('stats', {}).get('added_bytes')} != {added}")
print(f"OK ({n} snapshots)" if not bad and len(snaps) == n else f"FAILED: {len(snaps)} snapshots for {n} backups; " + "; ".join(bad))
PY
)
    case "$check" in OK*) note "check amber snapshots --json added_bytes = amber backup --json added_bytes: $check" ;;
        *) FAILED=1; note "check amber snapshots --json added_bytes = amber backup --json added_bytes: $check" ;; esac
fi
ELAPSED=$(( $(date +%s) - START )); LOAD1="$(cut -d' ' -f1-3 /proc/loadavg)"; NCPU1="$(nproc)"

# ---------------------------------------------------------------------------------------------
amber_desc() {
    local commit="${AMBER_COMMIT:-}" how="AMBER_COMMIT"
    if [ -z "$commit" ]; then
        commit=$(basename "$AMBER" | sed -n 's/^amber-\([0-9a-f]\{7,40\}\)$/\1/p'); how="binary name"
    fi
    if [ -z "$commit" ]; then
        commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"; how="HEAD of $ROOT at run time (not necessarily the binary's)"
    fi
    echo "\`$AMBER\` ($("$AMBER" version 2>/dev/null | head -1); git $commit, from the $how; sha256 $(sha256sum "$AMBER" | cut -c1-16); built $(date -u -r "$AMBER" '+%Y-%m-%d %H:%M UTC'))"
}
KDF=""
if has_tool amber; then
    KDF=$(cat "$WORK"/repos/amber/keys/* 2>/dev/null | python3 -c 'import json, sys; d = json.load(sys.stdin); print("%s N=%s r=%s p=%s" % (d["kdf"], d["n"], d["r"], d["p"]))' 2>/dev/null) || KDF="?"
fi
python3 - "$STEPS" "$DAYS" "$days" "$tools" <<'PY' > "$WORK/summary.md"
import statistics, sys
steps = {}
for line in open(sys.argv[1]):
    label, tool, day, wall, cpu, rss, rc, size, load, files = line.rstrip("\n").split("\t")
    steps[label] = dict(tool=tool, day=int(day), wall=float(wall) if wall else None, cpu=float(cpu) if cpu else None,
                        rss=int(rss) if rss else None, rc=rc, size=int(size) if size else None, load=load,
                        files=int(files) if files else None)
days_rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
D = int(sys.argv[3])
tools = sys.argv[4].split(",")
names = {"amber": "amber (`postgresql://` source)", "restic": "restic, plain `pg_dump` on stdin",
         "borg": "borg, plain `pg_dump` on stdin", "pgdump": "a `pg_dump -Fc` file a day"}
order = [t for t in ("amber", "restic", "borg", "pgdump") if t in tools]
added = {int(r[0]): int(r[3]) for r in days_rows if r[3]}
compacted = {int(r[0]): int(r[4]) for r in days_rows if r[4]}
dbsize = {int(r[0]): int(r[1]) for r in days_rows}

def step(label): 
    s = steps.get(label)
    return s if s and s["rc"] == "0" else None
def size(t, d, key="size"):
    # The size at the end of the day: after amber's compact when it ran.
    s = step(f"{t} init" if d == 0 else f"{t} backup {d}")
    if d > 0 and step(f"{t} compact {d}"): s = step(f"{t} compact {d}")
    return s[key] if s else None
def growth(t, d, key="size"):
    a, b = size(t, d, key), size(t, d - 1, key)
    return None if a is None or b is None else a - b
def MB(x): return "n/a" if x is None else f"{x / 1e6:.2f} MB"
def KB(x): return "" if x is None else f"{x / 1e3:,.1f}"
def sec(x): return "n/a" if x is None else f"{x:.2f} s"

summary = {}
for t in order:
    g = [growth(t, d) for d in range(2, D + 1)]
    ok = all(x is not None for x in g)
    walls = [step(f"{t} backup {d}")["wall"] for d in range(1, D + 1) if step(f"{t} backup {d}")]
    cpus = [step(f"{t} backup {d}")["cpu"] for d in range(1, D + 1) if step(f"{t} backup {d}")]
    rsss = [step(f"{t} backup {d}")["rss"] for d in range(1, D + 1) if step(f"{t} backup {d}")]
    maxg = max(((x, d) for d, x in zip(range(2, D + 1), g) if x is not None), default=(None, None))
    r = lambda d: (step(f"{t} restore {d}") or {}).get("wall") if t in ("amber", "pgdump") else None
    gf = [growth(t, d, "files") for d in range(2, D + 1)]
    summary[t] = dict(init=size(t, 0), day1=size(t, 1), fday1=size(t, 1, "files"), ftotal=size(t, D, "files"),
                      fmean=statistics.mean(gf) if gf and all(x is not None for x in gf) else None,
                      fmax=max((x for x in gf if x is not None), default=None), mean=statistics.mean(g) if g and ok else None, max=maxg[0], maxday=maxg[1],
                      total=size(t, D), wall_mean=statistics.mean(walls) if walls else None, wall_max=max(walls, default=None),
                      wall1=walls[0] if walls else None, cpu_mean=statistics.mean(cpus) if cpus else None,
                      rss_max=max(rsss, default=None), rD=r(D), r1=r(1) if D > 1 else None)
    # A failed step makes the restores "n/a".
    for d in (1, D):
        s = steps.get(f"{t} restore {d}")
        if s and s["rc"] != "0": summary[t]["r1" if d == 1 else "rD"] = None

print(f"| tool | day-1 size | mean growth a day, days 2–{D} | largest growth (day) | total after {D} days | backup wall a day: mean / max (day 1) | backup CPU a day, mean | peak RSS, max | restore day {D} | restore day 1 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for t in order:
    s = summary[t]
    rd = sec(s["rD"]) if t in ("amber", "pgdump") else ""
    r1 = sec(s["r1"]) if t in ("amber", "pgdump") and D > 1 else ""
    print(f"| {names[t]} | {MB(s['day1'])} | {MB(s['mean'])} | {MB(s['max'])} ({s['maxday'] or ''}) | {MB(s['total'])} | "
          f"{sec(s['wall_mean'])} / {sec(s['wall_max'])} ({sec(s['wall1'])}) | {sec(s['cpu_mean'])} | "
          f"{'' if s['rss_max'] is None else str(s['rss_max']) + ' MiB'} | {rd} | {r1} |")
print()
print("Sizes are `du -sb` of each repository (for `pg_dump -Fc`, of the directory of the daily files), "
      "MB = 10⁶ bytes. Growth of day d = size after day d − size after day d−1. Backup times are wall "
      "seconds of the whole backup (for restic and borg including the `pg_dump` feeding them); restores "
      "go into a new, empty database.")
print()
print("`du -sb` counts 4,096 bytes for every directory, and amber's and restic's repositories have 256 "
      "pack directories from `init` on, so their sizes include about 1 MB that is no data. "
      "The same figures counting only the bytes of the files:")
print()
print(f"| tool | empty repository (`init`): du -sb / files | day-1 size, files | mean growth, files | largest growth, files | total after {D} days, files |")
print("|---|---:|---:|---:|---:|---:|")
for t in order:
    s = summary[t]
    e = size(t, 0, "files")
    print(f"| {t} | {MB(s['init'])} / {MB(e)} | {MB(s['fday1'])} | {MB(s['fmean'])} | {MB(s['fmax'])} | {MB(s['ftotal'])} |")

# Issue 13's aims, with this run's figures.
A, R, P = summary.get("amber"), summary.get("restic"), summary.get("pgdump")
def ratio(a, b): return None if a is None or not b else a / b
def fmt(x): return "n/a" if x is None else f"{x:.2f}×"
rows = []
if A and R: rows.append(("amber mean growth a day / restic's", f"{MB(A['mean'])} / {MB(R['mean'])} = {fmt(ratio(A['mean'], R['mean']))}", "≤ 0.1×", ratio(A['mean'], R['mean']), 0.1))
if A: rows.append(("amber largest single-day growth / amber day-1 size", f"{MB(A['max'])} / {MB(A['day1'])} = {fmt(ratio(A['max'], A['day1']))}", "≤ 1×", ratio(A['max'], A['day1']), 1.0))
if A and added:
    ma = max(v for d, v in added.items() if d > 1) if D > 1 else None
    rows.append(("amber largest single-day added_bytes of a backup / day-1 added_bytes", f"{MB(ma)} / {MB(added.get(1))} = {fmt(ratio(ma, added.get(1)))}", "≤ 1×", ratio(ma, added.get(1)), 1.0))
    if compacted:
        mc = max(compacted.values())
        dc = max(compacted, key=lambda d: compacted[d])
        rows.append((f"amber largest `compact` added_bytes (day {dc}) / day-1 added_bytes", f"{MB(mc)} / {MB(added.get(1))} = {fmt(ratio(mc, added.get(1)))}", "", None, None))
if A and P: rows.append(("amber day-1 repository / day-1 `pg_dump -Fc` file", f"{MB(A['day1'])} / {MB(P['day1'])} = {fmt(ratio(A['day1'], P['day1']))}", "≤ 1.0×", ratio(A['day1'], P['day1']), 1.0))
if A and P: rows.append(("the same, counting file bytes only", f"{MB(A['fday1'])} / {MB(P['fday1'])} = {fmt(ratio(A['fday1'], P['fday1']))}", "≤ 1.0×", ratio(A['fday1'], P['fday1']), 1.0))
if A and P: rows.append(("amber first backup wall / `pg_dump -Fc` first backup wall", f"{sec(A['wall1'])} / {sec(P['wall1'])} = {fmt(ratio(A['wall1'], P['wall1']))}", "≤ 2×", ratio(A['wall1'], P['wall1']), 2.0))
if A and D > 1: rows.append((f"amber restore day {D} / restore day 1", f"{sec(A['rD'])} / {sec(A['r1'])} = {fmt(ratio(A['rD'], A['r1']))}", "≤ 1.2×", ratio(A['rD'], A['r1']), 1.2))
fresh = (step(f"amber fresh restore {D}") or {}) if A and D > 1 else {}
if fresh: rows.append((f"amber restore day {D} / restore of day {D}'s database from a one-snapshot repository (the layers' cost)", f"{sec(A['rD'])} / {sec(fresh.get('wall'))} = {fmt(ratio(A['rD'], fresh.get('wall')))}", "", None, None))
if A and P and D > 1: rows.append((f"`pg_restore` day {D} / `pg_restore` day 1 (the data's growth)", f"{sec(P['rD'])} / {sec(P['r1'])} = {fmt(ratio(P['rD'], P['r1']))}", "", None, None))
if A and P: rows.append((f"amber restore day {D} / `pg_restore` day {D}", f"{sec(A['rD'])} / {sec(P['rD'])} = {fmt(ratio(A['rD'], P['rD']))}", "", None, None))
if A and P: rows.append((f"amber total after {D} days / `pg_dump -Fc` files' total", f"{MB(A['total'])} / {MB(P['total'])} = {fmt(ratio(A['total'], P['total']))}", "", None, None))
if A and R: rows.append((f"amber total after {D} days / restic's", f"{MB(A['total'])} / {MB(R['total'])} = {fmt(ratio(A['total'], R['total']))}", "", None, None))
if rows:
    print("\n## Issue 13's aims, this run\n")
    print("| measure | value | aim | met |\n|---|---|---|:-:|")
    for m, v, aim, x, goal in rows:
        met = "" if goal is None else ("n/a" if x is None else ("yes" if x <= goal else "**no**"))
        print(f"| {m} | {v} | {aim} | {met} |")

print("\n## Per day\n")
print("Repository size after the day's backup (amber: and compact) and its growth that day, in kB (10³ bytes); "
      "amber's `added_bytes` from `amber backup --json`; database size is `pg_database_size` before the backups.\n")
head = ["day", "database kB"]
for t in order:
    head += [f"{t} size", f"{t} growth"]
    if t == "amber": head += ["amber added_bytes", "amber wall s"] + (["compact added_bytes", "compact wall s"] if compacted else [])
print("| " + " | ".join(head) + " |")
print("|" + "---:|" * len(head))
for d in range(1, D + 1):
    row = [str(d), KB(dbsize.get(d))]
    for t in order:
        row += [KB(size(t, d)), KB(growth(t, d))]
        if t == "amber":
            s = step(f"amber backup {d}")
            row += [KB(added.get(d)), "" if s is None else f"{s['wall']:.2f}"]
            if compacted:
                c = step(f"amber compact {d}")
                row += [KB(compacted.get(d)), "" if c is None else f"{c['wall']:.2f}"]
    print("| " + " | ".join(row) + " |")

print("\n## Every step\n")
print("| step | wall s | CPU s (user+sys) | peak RSS MiB | load avg (1 min) before | repository after, du -sb | repository after, files | exit |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for label, s in steps.items():
    if label == "pgdump init": continue
    wall = "" if s["wall"] is None else f"{s['wall']:.2f}"
    cpu = "" if s["cpu"] is None else f"{s['cpu']:.2f}"
    rss = "" if s["rss"] is None else str(s["rss"])
    size = "" if s["size"] is None else f"{s['size']:,}"
    files = "" if s["files"] is None else f"{s['files']:,}"
    print(f"| {label} | {wall} | {cpu} | {rss} | {s['load']} | {size} | {files} | {s['rc']} |")
PY

{
    echo "# Retention benchmark: $days daily backups, every one kept, $DATE$([ "$json" = 1 ] && echo ' (with a JSON table)')"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "- database: \`pgbench -i -s $scale\` ($(psql -X -At "$(pg_uri bench)" -c 'SELECT count(*) FROM pgbench_accounts') pgbench_accounts rows; pg_database_size $DBSIZE1 bytes on day 1, $DBSIZED on day $days), and before each day after the first \`pgbench -n -t $transactions -c $clients --random-seed=$((seed * 1000))+day\` (pgbench_history grows by $((transactions * clients)) rows a day)$([ "$json" = 1 ] && echo "; plus table \`documents (id bigint primary key, doc jsonb)\`: $DOCS_DESC; each day after the first, \`make-documents.py update\` changes $(python3 -c "print(max(1, round($documents * $churn)))") of them (fraction $churn, seed $seed)")"
    echo "- server: PostgreSQL $(psql -X -At "$(pg_uri postgres)" -c 'SHOW server_version') from scripts/postgres-server (loopback TCP, fsync=off, synchronous_commit=off: the same for every tool)"
    echo "- tools: $tools. amber $(has_tool amber && amber_desc || echo 'not run'), defaults, real KDF ($KDF); restic: $(restic version 2>/dev/null | head -1), repository v2, \`--compression auto\`, GOMAXPROCS=$NCPU0; borg: $(borg --version 2>/dev/null), \`--encryption repokey\`, \`--compression zstd,3\`; $(pg_dump --version)"
    echo "- commands per day: \`amber backup --json postgresql://…/bench\`$([ "$compact" = 1 ] && echo ' then `amber compact --json`'); \`pg_dump bench | restic backup --stdin --stdin-filename bench.sql --compression auto --json\`; \`pg_dump bench | borg create --json --compression zstd,3 --stdin-name bench.sql ::day-N -\`; \`pg_dump -Fc -f day-N.pgc bench\`. Restores: \`amber restore SNAPSHOT --target postgresql://…/NEWDB\`, \`pg_restore --no-owner -d NEWDB day-N.pgc\`"
    echo "- machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1); nproc $NCPU0 at start, $NCPU1 at end; $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; shared with other engineers' builds, so times vary with load (sizes do not). Load average (1/5/15 min) at start $LOAD0, at end $LOAD1; page cache dropped before each timed step: $([ "$drop" = 1 ] && echo "yes ($DROPS times)" || echo no); whole run ${ELAPSED} s"
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
[ "$FAILED" = 0 ] || log "some step or check FAILED (see the Checks section)"
exit "$FAILED"
