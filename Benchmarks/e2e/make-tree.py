#!/usr/bin/env python3
"""Deterministic generator of a realistic directory tree for backup benchmarks.

    make-tree.py OUT [--seed N] [--scale F]      create a tree in OUT (must not exist or be empty)
    make-tree.py --mutate DIR [--seed N] [--round R] [--fraction F]
                                                 change ~1% of the files in DIR

Default tree (--scale 1): ~30,000 files in ~2,000 nested directories (depth up
to 6), ~1.5 GB. File sizes are log-normal (most 1-64 KiB) plus a few large
files (1-50 MiB) that carry most of the bytes. Content is a mix of:
  - source-code-like and prose/markdown text (compresses ~3-4x with zstd),
  - JSON log lines (compresses better),
  - already-compressed / random binary (~30% of the bytes, incompressible),
plus ~3% duplicated files, some symlinks (relative, a few dangling) and empty
files. Modification times are fixed, so the same seed and scale give the same
tree, byte for byte, with the same mtimes.

--scale F multiplies the file count and the total size (e.g. 0.05 -> ~1,500
files, ~75 MB).

--mutate DIR changes ~1% of the regular files deterministically (for a given
tree, seed and round): appends to some, overwrites a range in the middle of
some (always including one large file if there is one), deletes some, and adds
new ones. Use a different --round for each successive mutation.

Only the Python standard library is used.
"""

import argparse
import itertools
import math
import os
import random
import sys
import time as _t

KiB = 1024
MiB = 1024 * KiB

BASE_MTIME = 1_700_000_000          # 2023-11-14, fixed for reproducibility
MUTATE_MTIME = BASE_MTIME + 365 * 86400

# --------------------------------------------------------------------------
# Content pools. Files are built from line-aligned slices of per-kind pools
# (generated once, deterministically), prefixed with a unique header so that
# no two generated files are identical by accident.
# --------------------------------------------------------------------------

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zen", "bar", "foo", "qux", "data", "node", "tree",
             "pack", "blob", "snap", "key", "hash", "buf", "len", "off", "idx", "map", "list", "set", "err",
             "ctx", "req", "res", "user", "file", "path", "dir", "chunk", "repo", "lock", "index", "size"]
KEYWORDS = ["func", "let", "var", "return", "if", "else", "for", "in", "struct", "class", "import", "guard",
            "switch", "case", "self", "true", "false", "nil", "try", "await", "throws", "static", "public",
            "private", "init", "defer", "while", "break", "continue", "where", "async", "enum", "protocol"]
WORDS = ("the of and to in is that for it as with was on be by this are or from at an but not have which "
         "backup repository snapshot file directory chunk index pack data key password restore check lock "
         "storage content size time user system process error value result version format option command "
         "when then each only all some any more most other such no nor too very can will just should now "
         "first last new old same different large small local remote default current previous next before "
         "after write read open close create delete update list find match compare verify encrypt decrypt").split()
LEVELS = ["DEBUG", "INFO", "INFO", "INFO", "INFO", "WARN", "ERROR"]
SERVICES = ["api", "worker", "scheduler", "auth", "billing", "search", "ingest", "gateway"]
MESSAGES = ["request completed", "cache miss", "retrying operation", "connection reset by peer",
            "user logged in", "job finished", "slow query detected", "upstream timeout", "rate limited",
            "config reloaded", "health check ok", "queue depth high", "token refreshed", "file uploaded"]


def _identifiers(rng, n):
    out = []
    for _ in range(n):
        parts = [rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))]
        ident = parts[0] + "".join(p.capitalize() for p in parts[1:])
        if rng.random() < 0.2:
            ident += str(rng.randint(0, 99))
        out.append(ident)
    return out


def pool_source(rng, size):
    idents = _identifiers(rng, 3000)
    weights = list(itertools.accumulate(1.0 / (i + 1) ** 0.9 for i in range(len(idents))))   # Zipf-ish
    lines, total, depth = [], 0, 0
    while total < size:
        r = rng.random()
        ind = "    " * depth
        if r < 0.08:
            line = f"{ind}// {' '.join(rng.choices(WORDS, k=rng.randint(3, 12)))}"
        elif r < 0.16:
            name = rng.choices(idents, cum_weights=weights, k=1)[0]
            args = ", ".join(f"{a}: {rng.choice(['Int', 'String', 'Data', 'UInt64', 'Bool', '[UInt8]'])}"
                             for a in rng.choices(idents, cum_weights=weights, k=rng.randint(0, 3)))
            line = f"{ind}{rng.choice(['func', 'static func', 'public func', 'private func'])} {name}({args}) {{"
            depth = min(depth + 1, 5)
        elif r < 0.24 and depth > 0:
            depth -= 1
            line = "    " * depth + "}"
        elif r < 0.30:
            line = ""
        else:
            toks = []
            for _ in range(rng.randint(2, 9)):
                t = rng.random()
                if t < 0.55:
                    toks.append(rng.choices(idents, cum_weights=weights, k=1)[0])
                elif t < 0.75:
                    toks.append(rng.choice(KEYWORDS))
                elif t < 0.9:
                    toks.append(rng.choice(["=", "+", "-", "==", "!=", "&&", "?", ":", "->", "+=", "."]))
                elif t < 0.96:
                    toks.append(str(rng.randint(0, 100000)))
                else:
                    toks.append('"' + " ".join(rng.choices(WORDS, k=rng.randint(1, 4))) + '"')
            line = ind + " ".join(toks)
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def pool_prose(rng, size):
    weights = list(itertools.accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(WORDS))))
    paras, total = [], 0
    while total < size:
        if rng.random() < 0.1:
            p = "#" * rng.randint(1, 3) + " " + " ".join(rng.choices(WORDS, cum_weights=weights, k=rng.randint(2, 6))).title()
        else:
            sents = []
            for _ in range(rng.randint(2, 7)):
                s = " ".join(rng.choices(WORDS, cum_weights=weights, k=rng.randint(6, 20)))
                if rng.random() < 0.3:
                    s += f" {rng.randint(1, 9999)}"
                sents.append(s.capitalize() + rng.choice([".", ".", ".", "?", "!"]))
            p = " ".join(sents)
            # wrap at ~80 columns
            out, col = [], 0
            for w in p.split(" "):
                if col + len(w) > 79:
                    out.append("\n")
                    col = 0
                elif col:
                    out.append(" ")
                    col += 1
                out.append(w)
                col += len(w)
            p = "".join(out)
        paras.append(p)
        total += len(p) + 2
    return ("\n\n".join(paras) + "\n").encode()


def pool_jsonlog(rng, size):
    lines, total = [], 0
    ts = BASE_MTIME - 30 * 86400
    users = [f"u{rng.randint(1000, 99999)}" for _ in range(300)]
    while total < size:
        ts += rng.expovariate(5.0)
        sec = int(ts)
        frac = int((ts - sec) * 1000)
        stamp = _t.strftime("%Y-%m-%dT%H:%M:%S", _t.gmtime(sec)) + f".{frac:03d}Z"
        line = ('{"ts":"%s","level":"%s","service":"%s","msg":"%s","request_id":"%016x","user":"%s",'
                '"status":%d,"latency_ms":%d,"bytes":%d}') % (
            stamp, rng.choice(LEVELS), rng.choice(SERVICES), rng.choice(MESSAGES), rng.getrandbits(64),
            rng.choice(users), rng.choice([200, 200, 200, 201, 204, 304, 400, 404, 500]),
            int(rng.lognormvariate(3, 1)), int(rng.lognormvariate(8, 2)))
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


KINDS = {
    # kind: (pool generator, extensions)
    "source": (pool_source, [".swift", ".c", ".h", ".py", ".go", ".rs", ".js", ".ts", ".java"]),
    "prose": (pool_prose, [".md", ".txt", ".rst", ".html", ".csv"]),
    "log": (pool_jsonlog, [".json", ".jsonl", ".log", ".ndjson"]),
    "binary": (None, [".jpg", ".png", ".zip", ".gz", ".mp4", ".bin", ".pdf", ".zst", ".o", ".so"]),
}
BINARY_MAGIC = {".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", ".png": b"\x89PNG\r\n\x1a\n", ".zip": b"PK\x03\x04",
                ".gz": b"\x1f\x8b\x08\x00", ".pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", ".zst": b"\x28\xb5\x2f\xfd",
                ".o": b"\x7fELF\x02\x01\x01\x00", ".so": b"\x7fELF\x02\x01\x01\x00", ".mp4": b"\x00\x00\x00\x18ftypmp42"}
POOL_SIZE = 8 * MiB


class Content:
    def __init__(self, seed):
        self.pools = {}
        for kind, (gen, _) in KINDS.items():
            if gen is not None:
                self.pools[kind] = gen(random.Random(f"{seed}-pool-{kind}"), POOL_SIZE)

    def make(self, rng, kind, ext, size, label):
        if size <= 0:
            return b""
        if kind == "binary":
            magic = BINARY_MAGIC.get(ext, b"")
            return (magic + rng.randbytes(size))[:size]
        pool = self.pools[kind]
        if kind == "log":
            header = b""
        elif kind == "source":
            header = f"// {label} -- generated {rng.getrandbits(64):016x}\n".encode()
        else:
            header = f"{label} (rev {rng.getrandbits(48):012x})\n\n".encode()
        parts, n = [header], len(header)
        plen = len(pool)
        while n < size:
            start = rng.randrange(plen - 1)
            nl = pool.find(b"\n", start)
            start = 0 if nl < 0 or nl + 1 >= plen else nl + 1
            length = min(size - n, rng.randint(256, 16 * KiB), plen - start)
            piece = pool[start:start + length]
            parts.append(piece)
            n += len(piece)
        return b"".join(parts)[:size]


# --------------------------------------------------------------------------
# Tree generation
# --------------------------------------------------------------------------

DIR_NAMES = ["src", "lib", "include", "docs", "assets", "images", "test", "tests", "build", "vendor", "pkg",
             "internal", "cmd", "config", "data", "logs", "scripts", "tools", "examples", "res", "static",
             "templates", "migrations", "models", "views", "util", "core", "api", "web", "archive", "backup",
             "photos", "music", "projects", "notes", "old", "tmp", "cache", "fixtures", "third_party"]


def small_size(rng):
    # log-normal: median ~6 KiB, ~90% between 1 and 64 KiB
    return max(1, min(int(rng.lognormvariate(math.log(6 * KiB), 1.35)), 900 * KiB))


def plan_and_write(out, seed, scale):
    rng = random.Random(f"{seed}-tree")
    n_files = max(20, round(30_000 * scale))
    target = int(1.5e9 * scale)
    n_dirs = max(4, n_files // 15)

    # Directories: random recursive tree, depth <= 6 below OUT.
    dirs = [("", 0)]
    used = set()
    for i in range(n_dirs):
        cand = [d for d in dirs if d[1] < 6]
        parent, depth = rng.choice(cand)
        name = rng.choice(DIR_NAMES)
        if rng.random() < 0.5:
            name += f"_{rng.randint(1, 999)}"
        path = os.path.join(parent, name) if parent else name
        if path in used:
            path += f"_{i}"
        used.add(path)
        dirs.append((path, depth + 1))
    dir_weights = [rng.lognormvariate(0, 1.2) for _ in dirs]

    # Regular files: empty, small (log-normal), duplicates; then a few big files.
    n_big = max(1, round(90 * scale))
    n_empty = max(1, round(0.01 * n_files))
    n_dup = max(1, round(0.03 * n_files))
    n_small = n_files - n_big - n_empty - n_dup
    small_kinds = ["source", "prose", "log", "binary"]
    small_kw = [0.45, 0.15, 0.12, 0.28]
    files = []   # (relpath, kind, ext, size)
    names = set()

    def new_path(kind, ext, stem=None):
        d = rng.choices(dirs, dir_weights, k=1)[0][0]
        stem = stem or (rng.choice(SYLLABLES) + rng.choice(["", "_", "-"]) + rng.choice(SYLLABLES)
                        + (str(rng.randint(0, 999)) if rng.random() < 0.5 else ""))
        p = os.path.join(d, stem + ext)
        while p in names:
            p = os.path.join(d, stem + f"_{rng.randint(0, 10**6)}" + ext)
        names.add(p)
        return p

    for _ in range(n_small):
        kind = rng.choices(small_kinds, small_kw, k=1)[0]
        ext = rng.choice(KINDS[kind][1])
        files.append((new_path(kind, ext), kind, ext, small_size(rng)))
    small_total = sum(f[3] for f in files)

    remaining = max(0, target - small_total)
    n_big = max(0, min(n_big, remaining // MiB))
    big_sizes = [math.exp(rng.uniform(0, math.log(50))) for _ in range(n_big)]
    if n_big:
        factor = remaining / (sum(big_sizes) * MiB)
        big_sizes = [int(min(50 * MiB, max(1 * MiB, s * factor * MiB))) for s in big_sizes]
    big_total = sum(big_sizes)
    bin_bytes = sum(f[3] for f in files if f[1] == "binary")
    total_so_far = small_total
    for s in big_sizes:
        # greedy: keep binary at ~30% of all bytes
        total_so_far += s
        if bin_bytes + s / 2 <= 0.30 * total_so_far:
            kind = "binary"
            bin_bytes += s
        else:
            kind = rng.choice(["log", "source", "prose"])
        ext = {"binary": rng.choice([".tar.gz", ".mp4", ".iso", ".zip", ".img.zst"]),
               "log": rng.choice([".log", ".jsonl"]),
               "source": rng.choice([".sql", ".c"]),
               "prose": rng.choice([".txt", ".csv"])}[kind]
        files.append((new_path(kind, ext), kind, ext, s))
    for _ in range(n_empty):
        ext = rng.choice([".keep", ".lock", ".txt", "__init__.py", ".gitkeep"])
        files.append((new_path("empty", ext, stem="" if ext.startswith("__") else None), "empty", ext, 0))
    rng.shuffle(files)

    content = Content(seed)
    os.makedirs(out, exist_ok=True)
    for d, _ in dirs[1:]:
        os.makedirs(os.path.join(out, d), exist_ok=True)

    written = []
    total = 0
    for i, (rel, kind, ext, size) in enumerate(files):
        data = content.make(rng, kind, ext, size, rel) if kind != "empty" else b""
        write_file(os.path.join(out, rel), data, BASE_MTIME - rng.randint(0, 3 * 365 * 86400))
        if kind != "empty":
            written.append(rel)
        total += size

    # Duplicates: byte-identical copies of earlier files under other names.
    dup_total = 0
    for _ in range(n_dup):
        src = rng.choice(written)
        ext = os.path.splitext(src)[1]
        dst = new_path("dup", ext, stem=os.path.splitext(os.path.basename(src))[0] + rng.choice([" (copy)", "_bak", ".orig", "-2"]))
        with open(os.path.join(out, src), "rb") as f:
            data = f.read()
        write_file(os.path.join(out, dst), data, BASE_MTIME - rng.randint(0, 365 * 86400))
        dup_total += len(data)

    # Symlinks: relative, mostly to files; ~10% dangling.
    n_links = max(2, round(0.005 * n_files))
    for i in range(n_links):
        d = rng.choices(dirs, dir_weights, k=1)[0][0]
        link = os.path.join(d, f"link{i}_{rng.choice(SYLLABLES)}")
        if rng.random() < 0.1:
            target_rel = f"missing/{rng.choice(SYLLABLES)}.txt"
        else:
            tgt = rng.choice(written)
            target_rel = os.path.relpath(tgt, d or ".")
        os.symlink(target_rel, os.path.join(out, link))
        os.utime(os.path.join(out, link), (BASE_MTIME, BASE_MTIME), follow_symlinks=False)

    # Fixed directory mtimes (deepest first so children don't bump parents afterwards).
    for d, _ in sorted(dirs, key=lambda x: -x[1]):
        os.utime(os.path.join(out, d) if d else out, (BASE_MTIME, BASE_MTIME))

    n_bin = sum(f[3] for f in files if f[1] == "binary")
    print(f"make-tree: {out}: {len(files) + n_dup} files ({n_empty} empty, {n_dup} duplicates, "
          f"{n_big} large), {n_links} symlinks, {len(dirs) - 1} dirs, "
          f"{(total + dup_total) / 1e6:.1f} MB ({100 * n_bin / max(1, total):.0f}% random binary)",
          file=sys.stderr)


def write_file(path, data, mtime):
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (mtime, mtime))


# --------------------------------------------------------------------------
# Mutation
# --------------------------------------------------------------------------

def list_tree(root):
    regular, dirs = [], []
    for dp, dns, fns in os.walk(root):
        dns.sort()
        rel = os.path.relpath(dp, root)
        dirs.append("" if rel == "." else rel)
        for fn in sorted(fns):
            p = os.path.join(dp, fn)
            if os.path.isfile(p) and not os.path.islink(p):
                regular.append(os.path.relpath(p, root))
    return regular, dirs


def mutate(root, seed, rnd, fraction):
    if not os.path.isdir(root):
        sys.exit(f"make-tree: --mutate: not a directory: {root}")
    rng = random.Random(f"{seed}-mutate-{rnd}")
    content = Content(seed)
    regular, dirs = list_tree(root)
    n = max(4, round(fraction * len(regular)))
    chosen = rng.sample(regular, min(n, len(regular)))
    mtime = MUTATE_MTIME + rnd * 86400
    counts = {"appended": 0, "edited": 0, "deleted": 0, "added": 0}
    sizes = {p: os.path.getsize(os.path.join(root, p)) for p in chosen}
    # Always edit the middle of one large file if there is one (exercises chunk-level dedup).
    big = sorted((p for p in regular if os.path.getsize(os.path.join(root, p)) >= MiB))
    forced = None
    if big:
        forced = rng.choice(big)
        if forced not in chosen:
            chosen[0] = forced
            sizes[forced] = os.path.getsize(os.path.join(root, forced))
    for p in chosen:
        full = os.path.join(root, p)
        ext = os.path.splitext(p)[1]
        kind = kind_of(ext)
        r = rng.random()
        if p == forced or (0.40 <= r < 0.75):
            # overwrite a range in the middle (same size; empty files get content)
            size = sizes[p]
            if size == 0:
                data = content.make(rng, kind, ext, rng.randint(100, 4000), p)
                write_file(full, data, mtime)
            else:
                length = max(1, min(size // 4, rng.randint(64, 64 * KiB)))
                off = max(0, size // 2 - length // 2 + rng.randint(-size // 8, size // 8))
                off = min(off, size - length)
                data = content.make(rng, kind, ext, length, p)
                with open(full, "r+b") as f:
                    f.seek(off)
                    f.write(data)
                os.utime(full, (mtime, mtime))
            counts["edited"] += 1
        elif r < 0.40:
            data = content.make(rng, kind, ext, rng.randint(100, 32 * KiB), p)
            with open(full, "ab") as f:
                f.write(data)
            os.utime(full, (mtime, mtime))
            counts["appended"] += 1
        else:
            os.remove(full)
            counts["deleted"] += 1
    # Add new files (~20% of the number changed).
    for i in range(max(1, len(chosen) // 5)):
        kind = rng.choices(["source", "prose", "log", "binary"], [0.45, 0.15, 0.12, 0.28], k=1)[0]
        ext = rng.choice(KINDS[kind][1])
        d = rng.choice(dirs)
        p = os.path.join(d, f"new{rnd}_{i}_{rng.choice(SYLLABLES)}{ext}")
        write_file(os.path.join(root, p), content.make(rng, kind, ext, small_size(rng), p), mtime)
        counts["added"] += 1
    print(f"make-tree: mutated {root} (round {rnd}): "
          + ", ".join(f"{v} {k}" for k, v in counts.items())
          + f" of {len(regular)} files", file=sys.stderr)


def kind_of(ext):
    for kind, (_, exts) in KINDS.items():
        if ext in exts:
            return kind
    if ext in (".sql",):
        return "source"
    if ext in (".zst", ".gz", ".iso"):
        return "binary"
    return "prose"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", help="directory to create the tree in (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--scale", type=float, default=1.0, help="size factor (default 1.0: ~30k files, ~1.5 GB)")
    ap.add_argument("--mutate", metavar="DIR", help="mutate an existing tree instead of creating one")
    ap.add_argument("--round", type=int, default=1, help="mutation round, for successive mutations (default 1)")
    ap.add_argument("--fraction", type=float, default=0.01, help="fraction of files to change (default 0.01)")
    a = ap.parse_args()
    if a.mutate:
        if a.out:
            ap.error("give either OUT or --mutate DIR, not both")
        mutate(a.mutate, a.seed, a.round, a.fraction)
        return
    if not a.out:
        ap.error("OUT is required (or --mutate DIR)")
    if a.scale <= 0:
        ap.error("--scale must be > 0")
    if os.path.exists(a.out) and (not os.path.isdir(a.out) or os.listdir(a.out)):
        sys.exit(f"make-tree: {a.out} exists and is not an empty directory")
    plan_and_write(a.out, a.seed, a.scale)


if __name__ == "__main__":
    main()
