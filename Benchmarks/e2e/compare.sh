#!/usr/bin/env bash
# End-to-end comparison of amber, restic and borg on the same directory tree.
#
# Usage: Benchmarks/e2e/compare.sh [options] [TREE]
#
#   TREE            back up this directory instead of a generated one. It is
#                   copied into the work dir first (the mutation step changes
#                   the copy, never TREE itself).
#   --scale F       size of the generated tree (make-tree.py --scale; default 1:
#                   ~30,000 files, ~1.5 GB)
#   --seed N        make-tree.py seed (default 1)
#   --tools LIST    comma-separated subset of amber,restic,borg (default: all three)
#   --build         build amber first (swift build -c release in the package root)
#   --output FILE   results file (default Benchmarks/e2e/results-<date>.md)
#   --keep          keep the work dir (trees, repositories, restores, logs)
#   -h, --help
#
# Environment: BENCH_DIR  parent of the work dir (default /tmp)
#
# Steps, in this order, each step run for every tool before the next step
# (so every tool backs up exactly the same tree state):
#   init, backup (first), backup (unchanged), [make-tree.py --mutate],
#   backup (after mutate), restore latest (verified with diff -r against the
#   source), check with full data verification.
# Before each timed step the page cache is dropped (sync; echo 3 >
# /proc/sys/vm/drop_caches) when permitted; the report says whether it was.
# Each step is timed with GNU time (/usr/bin/time -f '%e %M': wall seconds and
# peak RSS); after each backup the repository size is measured with du -sb.
#
# Settings: restic: repository version 2, --compression auto, GOMAXPROCS=<cores>.
#           borg:   --encryption repokey, --compression zstd,3 (borg 1.2 is
#                   single-threaded: it uses one core whatever the machine has).
#           amber:  its defaults, real (not testing) KDF parameters.
# Exit code: 0 if every step of every tool succeeded and every restore matched.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
AMBER="$ROOT/.build/release/amber"
CMDLINE="$(printf '%q ' "$0" "$@")"

scale=1
seed=1
tools="amber,restic,borg"
build=0
keep=0
output=""
tree=""

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "compare.sh: ERROR: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --scale) scale="${2:?--scale needs a value}"; shift 2 ;;
        --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
        --tools) tools="${2:?--tools needs a value}"; shift 2 ;;
        --build) build=1; shift ;;
        --output|-o) output="${2:?--output needs a value}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option: $1 (see --help)" ;;
        *) [ -z "$tree" ] || die "only one TREE may be given"; tree="$1"; shift ;;
    esac
done

IFS=',' read -r -a TOOLS <<< "$tools"
for t in "${TOOLS[@]}"; do
    case "$t" in amber|restic|borg) ;; *) die "unknown tool in --tools: $t" ;; esac
done
has_tool() { local t; for t in "${TOOLS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

# ---------------------------------------------------------------- prerequisites
missing=()
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (package time)")
command -v python3 >/dev/null || missing+=("python3")
if has_tool restic && ! command -v restic >/dev/null; then missing+=("restic"); fi
if has_tool borg && ! command -v borg >/dev/null; then missing+=("borg (package borgbackup)"); fi
if [ "${#missing[@]}" -gt 0 ]; then
    die "missing: ${missing[*]}. Run: scripts/install-deps --bench"
fi
if has_tool amber; then
    if [ "$build" = 1 ]; then
        command -v swift >/dev/null || die "--build: swift is not on PATH (export PATH=/opt/swift/usr/bin:\$PATH)"
        echo "compare.sh: building amber (swift build -c release) in $ROOT" >&2
        (cd "$ROOT" && swift build -c release --product amber) >&2
    fi
    [ -x "$AMBER" ] || die "amber binary not found at $AMBER.
  Build it first:  (cd $ROOT && swift build -c release)
  or pass --build, or leave amber out with --tools restic,borg"
fi
if [ -n "$tree" ]; then
    [ -d "$tree" ] || die "not a directory: $tree"
    tree="$(cd "$tree" && pwd)"
fi

NCPU="$(nproc)"
DATE="$(date +%Y-%m-%d)"
if [ -z "$output" ]; then
    output="$SCRIPT_DIR/results-$DATE.md"
    [ -e "$output" ] && output="$SCRIPT_DIR/results-$DATE-$(date +%H%M%S).md"
fi

# ---------------------------------------------------------------- work dir
mkdir -p "${BENCH_DIR:-/tmp}"
WORK="$(mktemp -d "${BENCH_DIR:-/tmp}/amber-bench.XXXXXX")"
cleanup() {
    if [ "$keep" = 1 ]; then
        echo "compare.sh: work dir kept: $WORK" >&2
    else
        rm -rf -- "$WORK"
    fi
}
trap cleanup EXIT
mkdir -p "$WORK/logs" "$WORK/repos" "$WORK/restore"
SRC="$WORK/src"
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
PASSWORD="amber-bench-password-$(date +%s)"
FAILED=0

log() { echo "compare.sh: $*" >&2; }

if [ -n "$tree" ]; then
    log "copying $tree to $SRC"
    cp -a "$tree" "$SRC"
    tree_desc="copy of \`$tree\`"
else
    log "generating tree (scale $scale, seed $seed) in $SRC"
    python3 "$SCRIPT_DIR/make-tree.py" "$SRC" --scale "$scale" --seed "$seed" 2> "$WORK/logs/make-tree.log"
    cat "$WORK/logs/make-tree.log" >&2
    tree_desc="make-tree.py --scale $scale --seed $seed ($(sed 's/^make-tree: [^:]*: //' "$WORK/logs/make-tree.log"))"
fi

DROP_OK=0
DROP_FAIL=0
drop_caches() {
    sync
    if (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; then
        DROP_OK=$((DROP_OK + 1))
    else
        DROP_FAIL=$((DROP_FAIL + 1))
    fi
}

# ---------------------------------------------------------------- per-tool commands
# Each tool gets its own cache/config dirs inside the work dir.
tool_env() {  # tool_env TOOL: print env assignments (one per line)
    local t="$1"
    local home="$WORK/home-$t"
    mkdir -p "$home"
    echo "XDG_CACHE_HOME=$home/cache"
    echo "XDG_CONFIG_HOME=$home/config"
    case "$t" in
        amber)
            echo "AMBER_REPOSITORY=$WORK/repos/amber"
            echo "AMBER_PASSWORD=$PASSWORD" ;;
        restic)
            echo "RESTIC_REPOSITORY=$WORK/repos/restic"
            echo "RESTIC_PASSWORD=$PASSWORD"
            echo "RESTIC_CACHE_DIR=$home/cache/restic"
            echo "GOMAXPROCS=$NCPU" ;;
        borg)
            echo "BORG_REPO=$WORK/repos/borg"
            echo "BORG_PASSPHRASE=$PASSWORD"
            echo "BORG_BASE_DIR=$home"
            echo "BORG_DISPLAY_PASSPHRASE=no"
            echo "BORG_RELOCATED_REPO_ACCESS_IS_OK=yes"
            echo "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=no" ;;
    esac
}

# The command line of STEP for TOOL, one argument per line.
tool_cmd() {
    local t="$1" step="$2"
    case "$t:$step" in
        amber:init)           printf '%s\n' "$AMBER" init ;;
        amber:backup*)        printf '%s\n' "$AMBER" backup "$SRC" ;;
        amber:restore)        printf '%s\n' "$AMBER" restore latest --target "$WORK/restore/amber" ;;
        amber:check)          printf '%s\n' "$AMBER" check --read-data ;;
        restic:init)          printf '%s\n' restic init --repository-version 2 ;;
        restic:backup*)       printf '%s\n' restic backup --compression auto "$SRC" ;;
        restic:restore)       printf '%s\n' restic restore latest --target "$WORK/restore/restic" ;;
        restic:check)         printf '%s\n' restic check --read-data ;;
        borg:init)            printf '%s\n' borg init --encryption repokey ;;
        borg:backup-first)    printf '%s\n' borg create --compression zstd,3 ::b1 "$SRC" ;;
        borg:backup-unchanged) printf '%s\n' borg create --compression zstd,3 ::b2 "$SRC" ;;
        borg:backup-mutated)  printf '%s\n' borg create --compression zstd,3 ::b3 "$SRC" ;;
        borg:restore)         printf '%s\n' sh -c 'cd "$1" && exec borg extract ::b3' sh "$WORK/restore/borg" ;;
        borg:check)           printf '%s\n' borg check --verify-data ;;
        *) die "no command for $t $step" ;;
    esac
}

# Where the restored copy of $SRC ends up.
restored_path() {
    case "$1" in
        amber) echo "$WORK/restore/amber/$(basename "$SRC")" ;;   # DIR/<basename of PATH>
        restic) echo "$WORK/restore/restic$SRC" ;;                # full absolute path below target
        borg) echo "$WORK/restore/borg/${SRC#/}" ;;               # path without leading / below cwd
    esac
}

declare -A DEAD=()   # tools that failed a step: their later steps are skipped

run_step() {  # run_step TOOL STEP
    local t="$1" step="$2"
    local logf="$WORK/logs/$t-$step.log" timef="$WORK/logs/$t-$step.time"
    if [ -n "${DEAD[$t]:-}" ]; then
        printf '%s\t%s\t\t\t\tskipped (earlier step failed)\n' "$t" "$step" >> "$RESULTS"
        return
    fi
    local -a cmd envs
    mapfile -t cmd < <(tool_cmd "$t" "$step")
    mapfile -t envs < <(tool_env "$t")
    [ "$step" = restore ] && mkdir -p "$WORK/restore/$t"
    drop_caches
    log "$t $step: ${cmd[*]}"
    local rc=0
    env -u AMBER_SCRYPT_TESTING -u AMBER_PASSWORD_FILE -u AMBER_PASSWORD_COMMAND \
        -u RESTIC_PASSWORD_FILE -u RESTIC_PASSWORD_COMMAND -u BORG_PASSCOMMAND -u BORG_PASSPHRASE_FD \
        "${envs[@]}" /usr/bin/time -f '%e %M' -o "$timef" "${cmd[@]}" < /dev/null > "$logf" 2>&1 || rc=$?
    local wall rss size="" note=""
    read -r wall rss < <(tail -n 1 "$timef")
    rss=$(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }')
    if [ "$rc" != 0 ]; then
        note="FAILED (exit $rc, log: logs/$t-$step.log)"
        FAILED=1
        DEAD[$t]=1
        log "$t $step FAILED with exit code $rc; last lines of its output:"
        tail -n 15 "$logf" >&2
    fi
    case "$step" in
        backup*) size=$(du -sb "$WORK/repos/$t" | cut -f1) ;;
        restore)
            if [ "$rc" = 0 ]; then
                if diff -r --no-dereference "$SRC" "$(restored_path "$t")" > "$WORK/logs/$t-restore.diff" 2>&1; then
                    note="diff -r: identical"
                else
                    note="diff -r: DIFFERENT ($(wc -l < "$WORK/logs/$t-restore.diff") lines of diff output)"
                    FAILED=1
                    log "$t: restored tree differs from the source:"
                    head -n 20 "$WORK/logs/$t-restore.diff" >&2
                fi
            fi
            rm -rf -- "$WORK/restore/$t" ;;   # free the space before the next tool
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$step" "$wall" "$rss" "$size" "$note" >> "$RESULTS"
    log "$t $step: ${wall}s, ${rss} MiB peak RSS${size:+, repo $size bytes}${note:+, $note}"
}

# ---------------------------------------------------------------- run
SRC_BYTES_1=$(du -sb "$SRC" | cut -f1)
SRC_FILES_1=$(find "$SRC" -type f | wc -l)
T0=$SECONDS
for step in init backup-first backup-unchanged; do
    for t in "${TOOLS[@]}"; do run_step "$t" "$step"; done
done
log "mutating the tree (make-tree.py --mutate)"
python3 "$SCRIPT_DIR/make-tree.py" --mutate "$SRC" --seed "$seed" 2> "$WORK/logs/mutate.log"
cat "$WORK/logs/mutate.log" >&2
mutate_desc="$(sed 's/^make-tree: //' "$WORK/logs/mutate.log")"
SRC_BYTES_2=$(du -sb "$SRC" | cut -f1)
for step in backup-mutated restore check; do
    for t in "${TOOLS[@]}"; do run_step "$t" "$step"; done
done
TOTAL=$((SECONDS - T0))

# ---------------------------------------------------------------- report
versions() {
    if has_tool amber; then
        local v
        v="$("$AMBER" --version 2>/dev/null | head -n 1)" || v=""
        echo "- amber: ${v:-version unknown}, built from git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    fi
    if has_tool restic; then echo "- restic: $(restic version 2>&1 | head -n 1)"; fi
    if has_tool borg; then echo "- borg: $(borg --version 2>&1 | head -n 1)"; fi
    echo "- GNU time: $(dpkg-query -W -f '${Version}' time 2>/dev/null || echo '?'); python3: $(python3 --version 2>&1)"
    echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "- CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), $NCPU cores; memory $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "- work dir filesystem: $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
}

if [ "$DROP_FAIL" = 0 ]; then
    drop_desc="yes, before each of the $DROP_OK steps"
elif [ "$DROP_OK" = 0 ]; then
    drop_desc="NO (not permitted here: results include warm-cache effects and tool order matters)"
else
    drop_desc="partly ($DROP_OK dropped, $DROP_FAIL failed)"
fi

report="$WORK/report.md"
{
    echo "# amber vs restic vs borg: end-to-end, $DATE"
    echo
    echo "Command: \`$CMDLINE\`"
    echo
    echo "- tree: $tree_desc; $SRC_FILES_1 files, $SRC_BYTES_1 bytes (du -sb); after mutation: $SRC_BYTES_2 bytes ($mutate_desc)"
    echo "- page cache dropped: $drop_desc"
    echo "- cores: $NCPU. restic: GOMAXPROCS=$NCPU, repository version 2, \`--compression auto\`. borg: \`--encryption repokey\`, \`--compression zstd,3\`; borg 1.2 is single-threaded (one core). amber: its defaults, production KDF parameters (AMBER_SCRYPT_TESTING unset)."
    echo "- restore verified with \`diff -r --no-dereference\` against the source tree (after mutation)."
    echo "- total benchmark time: ${TOTAL}s"
    echo
    versions
    echo
    python3 - "$RESULTS" "${TOOLS[@]}" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
tools = sys.argv[2:]
steps = ["init", "backup-first", "backup-unchanged", "backup-mutated", "restore", "check"]
labels = {"init": "init", "backup-first": "backup (first)", "backup-unchanged": "backup (unchanged)",
          "backup-mutated": "backup (after mutate)", "restore": "restore latest", "check": "check (read all data)"}
cell = {(r[0], r[1]): r for r in rows}
def fmt_size(s):
    return f"{int(s) / 1e6:.1f}" if s else ""
print("| step | " + " | ".join(f"{t} wall s | {t} peak RSS MiB" for t in tools) + " |")
print("|---|" + "---:|---:|" * len(tools))
for s in steps:
    out = []
    for t in tools:
        r = cell.get((t, s))
        if not r or r[5].startswith(("FAILED", "skipped")):
            tag = "failed" if r and r[5].startswith("FAILED") else "skipped" if r else ""
            out += [tag, ""]
        else:
            out += [r[2], r[3]]
    print(f"| {labels[s]} | " + " | ".join(out) + " |")
print()
print("Repository size after each backup (MB, du -sb):")
print()
print("| after | " + " | ".join(tools) + " |")
print("|---|" + "---:|" * len(tools))
for s in ["backup-first", "backup-unchanged", "backup-mutated"]:
    print(f"| {labels[s]} | " + " | ".join(fmt_size(cell.get((t, s), [""] * 6)[4]) for t in tools) + " |")
notes = [(r[0], r[1], r[5]) for r in rows if r[5]]
if notes:
    print()
    print("Notes:")
    print()
    for t, s, n in notes:
        print(f"- {t} {labels.get(s, s)}: {n}")
PY
} > "$report"

mkdir -p "$(dirname "$output")"
cp "$report" "$output"
cat "$report"
log "results written to $output"
if [ "$FAILED" != 0 ]; then
    log "some steps FAILED or a restore differed (see notes above)"
    keep=1
    exit 1
fi
