#!/usr/bin/env bash
# Collections benchmark: amber's document-level backup of an NDJSON collection
# against restic and borg backing up the same NDJSON file as one byte stream.
#
# Usage: Benchmarks/collections/compare.sh [options]
#
#   --count N       documents to generate (make-collection.py; default 1000000,
#                   ~540 B each)
#   --fraction F    fraction of the documents the mutation changes (default 0.001)
#   --seed N        make-collection.py seed (default 1)
#   --tools LIST    comma-separated subset of amber,restic,borg (default: all three)
#   --no-drop       do not drop the page cache before the timed steps
#   --perf MODE     auto (default): perf record -g an extra amber first backup
#                   (into a scratch repository, not timed) when amber's first
#                   backup took more than 3x restic's; always; never
#   --output FILE   results file (default Benchmarks/collections/results-<date>.md)
#   --keep          keep the work dir (data, repositories, logs)
#   -h, --help
#
# Environment: BENCH_DIR  parent of the work dir (default /tmp)
#
# One run, one data set, in this order:
#   generate DATA (one NDJSON file, not timed);
#   amber init, amber backup ndjson:DATA; restic init + backup DATA;
#   borg init + create DATA;
#   make-collection.py --mutate (changes round(N*F) documents, one field each,
#   at random positions, in place; the changed ids are kept);
#   amber backup ndjson:DATA; restic backup DATA; borg create DATA;
#   amber diff FIRST SECOND --json (checked: exactly the changed ids, nothing
#   added or removed); for reference, the fixed costs inside diff's time:
#   amber snapshots (key derivation, snapshot list) and amber dump SNAPSHOT
#   COLLECTION KEY (a point lookup: also loads the index);
#   amber restore latest --target ndjson:OUT --verify (then, not timed, every
#   restored document is compared with DATA after JSON parsing);
#   amber backup ndjson:DATA again (unchanged).
# Every timed step: page cache dropped first (sync; echo 3 >
# /proc/sys/vm/drop_caches) when permitted, GNU time -f '%e %M %U %S' (wall
# seconds, peak RSS, user and system CPU seconds: the CPU time shows how much
# of the wall time was waiting, e.g. on a shared machine; the 1-minute load
# average before each step is recorded too), repository size (du -sb) after
# every backup; "added bytes" of
# restic and borg = growth of du -sb; amber reports its own added_bytes
# (backup --json) and du -sb growth is shown beside it.
#
# Settings: amber: defaults, real (calibrated, not testing) KDF parameters.
#           restic: repository version 2, --compression auto, GOMAXPROCS=<cores>.
#           borg:   --encryption repokey, --compression zstd,3 (single-threaded).
# Exit code: 0 if every step succeeded and every check passed.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
AMBER="$ROOT/.build/release/amber"
GEN="$SCRIPT_DIR/make-collection.py"
CMDLINE="$(printf '%q ' "$0" "$@")"

count=1000000
fraction=0.001
seed=1
tools="amber,restic,borg"
drop=1
perf_mode=auto
keep=0
output=""

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "compare.sh: ERROR: $*" >&2; exit 1; }
log() { echo "compare.sh: $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --count|-n) count="${2:?--count needs a value}"; shift 2 ;;
        --fraction) fraction="${2:?--fraction needs a value}"; shift 2 ;;
        --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
        --tools) tools="${2:?--tools needs a value}"; shift 2 ;;
        --no-drop) drop=0; shift ;;
        --perf) perf_mode="${2:?--perf needs a value}"; shift 2 ;;
        --output|-o) output="${2:?--output needs a value}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done
case "$perf_mode" in auto|always|never) ;; *) die "--perf: auto, always or never" ;; esac
IFS=',' read -r -a TOOLS <<< "$tools"
for t in "${TOOLS[@]}"; do
    case "$t" in amber|restic|borg) ;; *) die "unknown tool in --tools: $t" ;; esac
done
has_tool() { local t; for t in "${TOOLS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

missing=()
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (package time)")
command -v python3 >/dev/null || missing+=("python3")
if has_tool restic && ! command -v restic >/dev/null; then missing+=("restic"); fi
if has_tool borg && ! command -v borg >/dev/null; then missing+=("borg (package borgbackup)"); fi
if has_tool amber && [ ! -x "$AMBER" ]; then
    missing+=("$AMBER (cd $ROOT && swift build -c release --product amber)")
fi
[ "${#missing[@]}" -eq 0 ] || die "missing: ${missing[*]}"

NCPU="$(nproc)"
DATE="$(date +%Y-%m-%d)"
if [ -z "$output" ]; then
    output="$SCRIPT_DIR/results-$DATE.md"
    [ -e "$output" ] && output="$SCRIPT_DIR/results-$DATE-$(date +%H%M%S).md"
fi

mkdir -p "${BENCH_DIR:-/tmp}"
WORK="$(mktemp -d "${BENCH_DIR:-/tmp}/amber-collbench.XXXXXX")"
cleanup() {
    if [ "$keep" = 1 ]; then log "work dir kept: $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
mkdir -p "$WORK/logs" "$WORK/repos" "$WORK/data"
DATA="$WORK/data/collection.ndjson"
STEPS="$WORK/steps.tsv"      # label tool wall rss rc repo_bytes cpu load
: > "$STEPS"
PASSWORD="amber-collbench-$(date +%s)"
FAILED=0
NOTES=()
note() { NOTES+=("$*"); log "$*"; }

DROP_OK=0
DROP_FAIL=0
drop_caches() {
    [ "$drop" = 1 ] || return 0
    sync
    if (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; then
        DROP_OK=$((DROP_OK + 1))
    else
        DROP_FAIL=$((DROP_FAIL + 1))
    fi
}

tool_env() {  # tool_env TOOL: env assignments, one a line
    local t="$1" home="$WORK/home-$1"
    mkdir -p "$home"
    echo "XDG_CACHE_HOME=$home/cache"
    echo "XDG_CONFIG_HOME=$home/config"
    case "$t" in
        amber) echo "AMBER_REPOSITORY=$WORK/repos/amber"; echo "AMBER_PASSWORD=$PASSWORD" ;;
        restic) echo "RESTIC_REPOSITORY=$WORK/repos/restic"; echo "RESTIC_PASSWORD=$PASSWORD"
                echo "RESTIC_CACHE_DIR=$home/cache/restic"; echo "GOMAXPROCS=$NCPU" ;;
        borg) echo "BORG_REPO=$WORK/repos/borg"; echo "BORG_PASSPHRASE=$PASSWORD"
              echo "BORG_BASE_DIR=$home"; echo "BORG_DISPLAY_PASSPHRASE=no"
              echo "BORG_RELOCATED_REPO_ACCESS_IS_OK=yes" ;;
    esac
}

declare -A DEAD=()
# run_step LABEL TOOL CMD...: timed; stdout to logs/LABEL.out, stderr to logs/LABEL.err.
# Sets RC, WALL, RSS_MIB.
run_step() {
    local label="$1" t="$2"; shift 2
    local out="$WORK/logs/$label.out" err="$WORK/logs/$label.err" timef="$WORK/logs/$label.time"
    RC=0; WALL=""; RSS_MIB=""; CPU=""
    if [ -n "${DEAD[$t]:-}" ]; then
        printf '%s\t%s\t\t\tskipped\t\n' "$label" "$t" >> "$STEPS"
        RC=skipped
        return 0
    fi
    local -a envs
    mapfile -t envs < <(tool_env "$t")
    drop_caches
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    log "$label: $*"
    env -u AMBER_SCRYPT_TESTING -u AMBER_PASSWORD_FILE -u AMBER_PASSWORD_COMMAND \
        -u RESTIC_PASSWORD_FILE -u RESTIC_PASSWORD_COMMAND -u BORG_PASSCOMMAND -u BORG_PASSPHRASE_FD \
        "${envs[@]}" /usr/bin/time -f '%e %M %U %S' -o "$timef" "$@" < /dev/null > "$out" 2> "$err" || RC=$?
    read -r WALL RSS_MIB CPU < <(tail -n 1 "$timef" | awk '{ printf "%s %.0f %.2f\n", $1, $2 / 1024, $3 + $4 }')
    local size=""
    [ -d "$WORK/repos/$t" ] && size=$(du -sb "$WORK/repos/$t" | cut -f1)
    if [ "$RC" != 0 ]; then
        FAILED=1
        DEAD[$t]=1
        note "$label FAILED: exit $RC after ${WALL}s (peak RSS ${RSS_MIB} MiB); command: $*; last lines of stderr: $(tail -n 5 "$err" | tr '\n' ' ')"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$t" "$WALL" "$RSS_MIB" "$RC" "$size" "$CPU" "$load" >> "$STEPS"
    log "$label: ${WALL}s (CPU ${CPU}s, load before $load), ${RSS_MIB} MiB peak RSS${size:+, repository $size bytes}"
}

json_field() {  # json_field FILE PATH...: a member of the last JSON object in FILE (empty if none)
    python3 - "$@" <<'PY' 2>/dev/null || true
import json, sys
obj = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("message_type", "summary") == "summary":
            obj = o
if obj is None:
    try:
        obj = json.load(open(sys.argv[1]))
    except Exception:
        sys.exit(0)
for k in sys.argv[2:]:
    obj = obj[k]
print(obj)
PY
}

# ---------------------------------------------------------------- data
log "generating $count documents (seed $seed) into $DATA"
python3 "$GEN" "$DATA" --count "$count" --seed "$seed" 2> "$WORK/logs/generate.log" || die "make-collection.py failed: $(cat "$WORK/logs/generate.log")"
cat "$WORK/logs/generate.log" >&2
GEN_DESC="$(sed 's/^make-collection: //' "$WORK/logs/generate.log")"
DATA_BYTES_1=$(stat -c %s "$DATA")
T0=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- first backups
if has_tool amber; then
    run_step amber-init amber "$AMBER" init
    run_step amber-backup-1 amber "$AMBER" backup --json "ndjson:$DATA"
    [ "$RC" = 0 ] && AMBER_SNAP1=$(json_field "$WORK/logs/amber-backup-1.out" snapshot_id)
fi
if has_tool restic; then
    run_step restic-init restic restic init --repository-version 2
    run_step restic-backup-1 restic restic backup --json --compression auto "$DATA"
fi
if has_tool borg; then
    run_step borg-init borg borg init --encryption repokey
    run_step borg-backup-1 borg borg create --json --compression zstd,3 ::first "$DATA"
fi

# Keep the original for a profile run (perf) after the timed steps.
if has_tool amber && [ "$perf_mode" != never ]; then cp "$DATA" "$WORK/data/original.ndjson"; fi

# ---------------------------------------------------------------- mutation
log "mutating $fraction of the documents"
python3 "$GEN" --mutate "$DATA" "$DATA.new" --fraction "$fraction" --seed "$seed" \
    --changed-ids "$WORK/changed-ids.txt" 2> "$WORK/logs/mutate.log" || die "mutation failed: $(cat "$WORK/logs/mutate.log")"
mv "$DATA.new" "$DATA"
cat "$WORK/logs/mutate.log" >&2
MUT_DESC="$(sed 's/^make-collection: //' "$WORK/logs/mutate.log")"
CHANGED_N=$(wc -l < "$WORK/changed-ids.txt")
DATA_BYTES_2=$(stat -c %s "$DATA")

# ---------------------------------------------------------------- second backups
if has_tool amber; then
    run_step amber-backup-2 amber "$AMBER" backup --json "ndjson:$DATA"
    [ "$RC" = 0 ] && AMBER_SNAP2=$(json_field "$WORK/logs/amber-backup-2.out" snapshot_id)
fi
has_tool restic && run_step restic-backup-2 restic restic backup --json --compression auto "$DATA"
has_tool borg && run_step borg-backup-2 borg borg create --json --compression zstd,3 ::second "$DATA"

# ---------------------------------------------------------------- amber: diff, restore, unchanged backup
DIFF_CHECK="not run"
RESTORE_CHECK="not run"
if has_tool amber; then
    if [ -n "${AMBER_SNAP1:-}" ] && [ -n "${AMBER_SNAP2:-}" ]; then
        run_step amber-diff amber "$AMBER" diff "$AMBER_SNAP1" "$AMBER_SNAP2" --json
        if [ "$RC" = 0 ]; then
            DIFF_CHECK=$(python3 - "$WORK/logs/amber-diff.out" "$WORK/changed-ids.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = sorted(l.strip() for l in open(sys.argv[2]) if l.strip())
cols = d.get("collections", [])
added = sorted(k for c in cols for k in c.get("added", []))
changed = sorted(k for c in cols for k in c.get("changed", []))
removed = sorted(k for c in cols for k in c.get("removed", []))
problems = []
if len(cols) != 1: problems.append(f"{len(cols)} collections")
if added: problems.append(f"{len(added)} added")
if removed: problems.append(f"{len(removed)} removed")
if changed != want:
    problems.append(f"changed: {len(set(changed) - set(want))} unexpected, {len(set(want) - set(changed))} missing")
print(("OK: exactly the %d changed ids" % len(want)) if not problems else "MISMATCH: " + "; ".join(problems))
PY
)
            log "diff check: $DIFF_CHECK"
            case "$DIFF_CHECK" in OK*) ;; *) FAILED=1 ;; esac
        fi
    fi
    run_step amber-snapshots amber "$AMBER" snapshots --json
    mid=$(sed -n "$(( (CHANGED_N + 1) / 2 ))p" "$WORK/changed-ids.txt")
    coll="$(basename "$DATA" .ndjson)"
    run_step amber-dump amber "$AMBER" dump latest "$coll" "$mid"
    if [ "$RC" = 0 ] && ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["_id"] != sys.argv[2])' "$WORK/logs/amber-dump.out" "$mid"; then
        note "amber dump latest $coll $mid did not print document $mid"; FAILED=1
    fi
    mkdir -p "$WORK/restore"
    run_step amber-restore amber "$AMBER" restore latest --target "ndjson:$WORK/restore" --verify
    if [ "$RC" = 0 ]; then
        RESTORE_CHECK=$(python3 - "$DATA" "$WORK/restore" <<'PY'
import json, os, sys
files = [f for f in os.listdir(sys.argv[2]) if f.endswith(".ndjson")]
if len(files) != 1:
    print(f"MISMATCH: {len(files)} restored .ndjson files: {files}"); sys.exit()
src = {}
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line); src[d["_id"]] = d
n = bad = 0
for line in open(os.path.join(sys.argv[2], files[0]), encoding="utf-8"):
    d = json.loads(line); n += 1
    if src.pop(d["_id"], None) != d: bad += 1
if bad or src:
    print(f"MISMATCH: {bad} documents differ, {len(src)} missing, of {n} restored")
else:
    print(f"OK: all {n} documents equal to the source (JSON-parsed)")
PY
)
        log "restore check: $RESTORE_CHECK"
        case "$RESTORE_CHECK" in OK*) ;; *) FAILED=1 ;; esac
    fi
    rm -rf -- "$WORK/restore"
    run_step amber-backup-3 amber "$AMBER" backup --json "ndjson:$DATA"
fi
TOTAL=$((SECONDS - T0))
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- profile (not timed)
wall_of() { awk -F'\t' -v l="$1" '$1 == l && $5 == "0" { print $3 }' "$STEPS"; }
PERF_DESC=""
if has_tool amber && [ "$perf_mode" != never ]; then
    a1=$(wall_of amber-backup-1); r1=$(wall_of restic-backup-1)
    want_perf=0
    if [ "$perf_mode" = always ]; then want_perf=1
    elif [ -n "$a1" ] && [ -n "$r1" ] && awk -v a="$a1" -v r="$r1" 'BEGIN { exit !(a > 3 * r) }'; then want_perf=1; fi
    if [ "$want_perf" = 1 ]; then
        if ! command -v perf >/dev/null; then
            PERF_DESC="perf wanted (amber first backup ${a1}s vs restic ${r1}s) but perf is not installed"
        else
            log "profiling an amber first backup (perf record -g) into a scratch repository"
            P="$WORK/perf"; mkdir -p "$P"
            penv=(AMBER_REPOSITORY="$P/repo" AMBER_PASSWORD="$PASSWORD" XDG_CACHE_HOME="$P/cache")
            env -u AMBER_SCRYPT_TESTING "${penv[@]}" "$AMBER" init > /dev/null 2>&1
            if env -u AMBER_SCRYPT_TESTING "${penv[@]}" perf record -g -F 499 -o "$P/perf.data" \
                    "$AMBER" backup --json "ndjson:$WORK/data/original.ndjson" > "$P/backup.out" 2> "$P/perf-record.err"; then
                demangle=cat
                trim='s/[[:space:]]+-[[:space:]]+-[[:space:]]*$//; s/[[:space:]]+$//; s/[[:space:]]{3,}/   /g'
                for d in "$(command -v swift-demangle || true)" /opt/swift/usr/bin/swift-demangle; do
                    if [ -n "$d" ] && [ -x "$d" ]; then demangle="$d --simplified"; break; fi
                done
                perf report -i "$P/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 1 2>/dev/null \
                    | grep -E '^ +[0-9.]+%' | head -n 30 | $demangle | sed -E "$trim" > "$P/self.txt" || true
                perf report -i "$P/perf.data" --stdio --children --sort symbol --percent-limit 3 -g none 2>/dev/null \
                    | grep -E '^ +[0-9.]+%' | head -n 45 | $demangle | sed -E "$trim" > "$P/children.txt" || true
                PERF_DESC="yes (amber first backup ${a1}s vs restic ${r1}s${perf_mode:+; --perf $perf_mode})"
            else
                PERF_DESC="perf record failed: $(tail -n 3 "$P/perf-record.err" | tr '\n' ' ')"
            fi
        fi
    else
        PERF_DESC="not needed (amber first backup ${a1:-?}s, restic ${r1:-?}s: not more than 3x)"
    fi
fi

# ---------------------------------------------------------------- report
if [ "$drop" = 0 ]; then drop_desc="no (--no-drop)"
elif [ "$DROP_FAIL" = 0 ]; then drop_desc="yes, before each of the $DROP_OK timed steps"
elif [ "$DROP_OK" = 0 ]; then drop_desc="NO (not permitted here; warm-cache results)"
else drop_desc="partly ($DROP_OK dropped, $DROP_FAIL failed)"; fi

versions() {
    if has_tool amber; then
        local kdf
        kdf=$(cat "$WORK"/repos/amber/keys/* 2>/dev/null | python3 -c 'import json, sys; d = json.load(sys.stdin); print("%s N=%s r=%s p=%s" % (d["kdf"], d["n"], d["r"], d["p"]))' 2>/dev/null) || kdf="?"
        echo "- amber key derivation (calibrated by \`amber init\` to ~0.5 s on this machine at that moment, so it varies with load; every command pays it once): $kdf"
        echo "- amber: $("$AMBER" --version 2>/dev/null | head -n 1); binary $AMBER built $(date -u -r "$AMBER" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$AMBER" | cut -c1-16); git HEAD at run time $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' (Sources with uncommitted changes)')$(find "$ROOT/Sources" "$ROOT/Package.swift" -newer "$AMBER" -type f 2>/dev/null | grep -q . && echo '; some Sources files are newer than the binary')"
    fi
    has_tool restic && echo "- restic: $(restic version 2>&1 | head -n 1)"
    has_tool borg && echo "- borg: $(borg --version 2>&1 | head -n 1)"
    echo "- GNU time $(dpkg-query -W -f '${Version}' time 2>/dev/null || echo '?'); $(python3 --version 2>&1)"
    echo "- $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r); CPU $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $NCPU cores (shared with other work); $(free -g | awk '/^Mem:/ {print $2}') GiB RAM; work dir on $(df -T "$WORK" | awk 'NR==2 {print $2}')"
}

report="$WORK/report.md"
{
    echo "# Collections benchmark: amber vs restic vs borg, $DATE"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "- data: one NDJSON file, \`make-collection.py --count $count --seed $seed\`: $GEN_DESC"
    echo "- mutation: \`make-collection.py --mutate --fraction $fraction --seed $seed\`: $MUT_DESC; file $DATA_BYTES_1 → $DATA_BYTES_2 bytes"
    echo "- page cache dropped: $drop_desc"
    echo "- amber: defaults, real calibrated KDF (AMBER_SCRYPT_TESTING unset), source \`ndjson:FILE\`. restic: repository v2, \`--compression auto\`, GOMAXPROCS=$NCPU. borg: \`--encryption repokey --compression zstd,3\` (single-threaded). restic and borg back up the same file as one file."
    echo "- checks: amber diff: $DIFF_CHECK. amber restore --verify then JSON comparison with the source: $RESTORE_CHECK."
    echo "- total time of the timed part: ${TOTAL}s; load average (1/5/15 min) at its start: $LOAD_START, at its end: $LOAD_END ($NCPU cores, shared with other work)"
    echo
    versions
    echo
    python3 - "$STEPS" "$WORK/logs" "$CHANGED_N" <<'PY'
import json, os, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
logs = sys.argv[2]
changed_n = int(sys.argv[3])
rows = [r + [""] * (8 - len(r)) for r in rows]
S = {r[0]: dict(label=r[0], tool=r[1], wall=r[2], rss=r[3], rc=r[4], size=r[5], cpu=r[6], load=r[7]) for r in rows}
def ok(l): return l in S and S[l]["rc"] == "0"
def f(l, k):
    try: return float(S[l][k])
    except (KeyError, ValueError): return None
def growth(before, after):
    a, b = f(after, "size"), f(before, "size")
    return None if a is None or b is None or not ok(after) else a - b
def summary(label):
    path = os.path.join(logs, label + ".out")
    obj = None
    try:
        for line in open(path):
            line = line.strip()
            if line.startswith("{"):
                try: o = json.loads(line)
                except ValueError: continue
                if o.get("message_type", "summary") == "summary": obj = o
        if obj is None: obj = json.load(open(path))
    except Exception:
        return {}
    return obj
amber_added = {l: summary(l).get("added_bytes") if ok(l) else None for l in ("amber-backup-1", "amber-backup-2", "amber-backup-3")}
amber_dur = {l: summary(l).get("duration_seconds") if ok(l) else None for l in ("amber-backup-1", "amber-backup-2", "amber-backup-3")}
grow = {
    "amber-backup-1": growth("amber-init", "amber-backup-1"), "amber-backup-2": growth("amber-backup-1", "amber-backup-2"),
    "amber-backup-3": growth("amber-backup-2", "amber-backup-3"),
    "restic-backup-1": growth("restic-init", "restic-backup-1"), "restic-backup-2": growth("restic-backup-1", "restic-backup-2"),
    "borg-backup-1": growth("borg-init", "borg-backup-1"), "borg-backup-2": growth("borg-backup-1", "borg-backup-2"),
}
tool_added = {}
for l in ("restic-backup-1", "restic-backup-2"):
    if ok(l): tool_added[l] = summary(l).get("data_added")
for l in ("borg-backup-1", "borg-backup-2"):
    if ok(l):
        try: tool_added[l] = summary(l)["archive"]["stats"]["deduplicated_size"]
        except Exception: pass
def pct(a, b): return f"{100 * a / b:.3f} %" if a is not None and b else "n/a"
def ratio(a, b): return f"{a / b:.4f}×" if a is not None and b else "n/a"
def verdict(val, goal): return "n/a" if val is None else ("yes" if val <= goal else "**no**")
def B(x): return "" if x is None else f"{int(x):,}"

a1, a2 = amber_added["amber-backup-1"], amber_added["amber-backup-2"]
def W(l, k="wall"): return f(l, k) if ok(l) else None
t1, td, ts, tk = W("amber-backup-1"), W("amber-diff"), W("amber-snapshots"), W("amber-dump")
c1, cd, cs, ck = W("amber-backup-1", "cpu"), W("amber-diff", "cpu"), W("amber-snapshots", "cpu"), W("amber-dump", "cpu")
r2, b2 = grow["restic-backup-2"], grow["borg-backup-2"]
print("## Goals (issue 3)")
print()
print("| measure | value | goal | met |")
print("|---|---:|---:|:-:|")
print(f"| amber second backup added bytes / first backup added bytes | {B(a2)} / {B(a1)} = {pct(a2, a1)} | ≤ 1 % | {verdict(a2 / a1 if a1 and a2 is not None else None, 0.01)} |")
print(f"| amber diff wall time / first backup wall time | {td} s / {t1} s = {pct(td, t1)} | ≤ 1 % | {verdict(td / t1 if td is not None and t1 else None, 0.01)} |")
print(f"| amber diff CPU time / first backup CPU time (user+sys) | {cd} s / {c1} s = {pct(cd, c1)} | | |")
if td is not None and ts is not None and t1:
    print(f"| (diff wall − `amber snapshots` wall: without key derivation) / first backup wall | {max(td - ts, 0):.2f} s / {t1} s = {pct(max(td - ts, 0), t1)} | | |")
if td is not None and tk is not None and t1:
    print(f"| (diff wall − `amber dump` point-lookup wall: without key derivation and index load) / first backup wall | {max(td - tk, 0):.2f} s / {t1} s = {pct(max(td - tk, 0), t1)} | | |")
print(f"| amber added bytes (second backup) / restic's (du -sb growth) | {B(a2)} / {B(r2)} = {ratio(a2, r2)} | ≤ 0.03× | {verdict(a2 / r2 if a2 is not None and r2 else None, 0.03)} |")
ag2 = grow["amber-backup-2"]
print(f"| amber du -sb growth (second backup) / restic's | {B(ag2)} / {B(r2)} = {ratio(ag2, r2)} | | |")
r1 = grow["restic-backup-1"]
print(f"| amber added bytes (second backup) / restic's first backup (du -sb growth; a compressed full copy) | {B(a2)} / {B(r1)} = {pct(a2, r1)} | | |")
print(f"| amber added bytes (second backup) / borg's (du -sb growth) | {B(a2)} / {B(b2)} = {ratio(a2, b2)} | | |")
print()
print("## Steps")
print()
print("| step | wall s | CPU s (user+sys) | load avg before | peak RSS MiB | added bytes (tool's own report) | repository growth (du -sb) | repository size (du -sb) | note |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
names = {"amber-init": "amber init", "amber-backup-1": "amber backup (first)", "amber-backup-2": "amber backup (after mutation)",
         "amber-diff": "amber diff FIRST SECOND --json", "amber-snapshots": "amber snapshots --json (reference: key derivation)",
         "amber-dump": "amber dump latest COLLECTION KEY (reference: point lookup, loads the index)",
         "amber-restore": "amber restore latest --target ndjson:OUT --verify", "amber-backup-3": "amber backup (unchanged, third)",
         "restic-init": "restic init", "restic-backup-1": "restic backup (first)", "restic-backup-2": "restic backup (after mutation)",
         "borg-init": "borg init", "borg-backup-1": "borg create (first)", "borg-backup-2": "borg create (after mutation)"}
for r in rows:
    l = r[0]; s = S[l]
    if s["rc"] == "skipped":
        print(f"| {names.get(l, l)} | | | | | | | | skipped (earlier step failed) |"); continue
    added = amber_added.get(l, tool_added.get(l))
    note = []
    if s["rc"] != "0": note.append(f"FAILED, exit {s['rc']}")
    if l in amber_dur and amber_dur[l] is not None: note.append(f"duration_seconds {amber_dur[l]:.2f}")
    if l in amber_added and ok(l): note.append(f"blobs_added {summary(l).get('blobs_added')}")
    if l.startswith("restic-backup"): note.append("data_added (restic 0.14: before compression)")
    if l.startswith("borg-backup"): note.append("deduplicated_size")
    print(f"| {names.get(l, l)} | {s['wall']} | {s['cpu']} | {s['load']} | {s['rss']} | {B(added)} | {B(grow.get(l))} | {B(f(l, 'size'))} | {'; '.join(note)} |")
PY
    if [ "${#NOTES[@]}" -gt 0 ]; then
        echo
        echo "## Notes"
        echo
        for n in "${NOTES[@]}"; do echo "- $n"; done
    fi
    if [ -n "$PERF_DESC" ]; then
        echo
        echo "## Profile of amber's first backup"
        echo
        echo "perf record -g: $PERF_DESC"
        if [ -s "$WORK/perf/self.txt" ]; then
            echo
            echo "Top symbols by self time (\`perf report --no-children --sort dso,symbol\`):"
            echo
            echo '```'
            cat "$WORK/perf/self.txt"
            echo '```'
            echo
            echo "Top symbols including callees (\`perf report --children\`):"
            echo
            echo '```'
            cat "$WORK/perf/children.txt"
            echo '```'
        fi
    fi
} > "$report"

mkdir -p "$(dirname "$output")"
cp "$report" "$output"
cat "$report"
log "results written to $output"
if [ "$FAILED" != 0 ]; then
    log "some steps FAILED or a check did not pass (see above); keeping the work dir"
    keep=1
    exit 1
fi
