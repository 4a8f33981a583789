#!/usr/bin/env python3
"""Deterministic inputs and expected outputs for Tests/Fixtures/repository-v1 (see make-repository-v1.sh).

    repository-v1-inputs.py files  STATE DIR     the directory tree `files` at STATE (0 or 1) in DIR/files
    repository-v1-inputs.py ndjson WORK EXPECTED the NDJSON sources WORK/users-STATE.ndjson (STATE 0, 1, 2)
                                                  and, from this script alone (not from amber):
                                                  EXPECTED/users-STATE.ndjson, the file a restore writes
                                                  (canonical JSON, RFC 8785, one document a line in key
                                                  order), and EXPECTED/users-diff.json, the ids each pair
                                                  of states adds, changes and removes, in key order.
    repository-v1-inputs.py sqlite-diff A.db B.db OUT.json
                                                  per table of B, the keys B adds, changes and removes
                                                  against A, as `amber diff` shows them (read with
                                                  Python's sqlite3 module, not amber).

Everything comes from SplitMix64 with fixed seeds (not Python's `random`, whose algorithms may change),
so every run writes the same bytes.
"""
import json
import os
import sys

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def bytes(self, n):
        out = bytearray()
        while len(out) < n:
            out += self.next().to_bytes(8, "little")
        return bytes(out[:n])

    def shuffle(self, items):
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]

    def sample(self, population, k):
        pool = list(population)
        self.shuffle(pool)
        return sorted(pool[:k], key=sort_key)


WORDS = ["amber", "backup", "restore", "snapshot", "chunk", "pack", "index", "tree", "blob", "key", "manifest", "run"]


def text(n, seed):
    rng = SplitMix64(seed)
    out = []
    size = 0
    while size < n:
        w = WORDS[rng.below(len(WORDS))] + ("\n" if rng.below(12) == 0 else " ")
        out.append(w)
        size += len(w)
    return "".join(out)[:n].encode()


# ---------------------------------------------------------------------------------------------
# The directory tree.

def write(path, data, mode, mtime_ns):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def make_files(state, directory):
    root = os.path.join(directory, "files")
    os.makedirs(root)
    T = 1_700_000_000 * 10**9
    readme = text(3_000, 1) if state == 0 else text(3_000, 1)[:1_000] + b"edited in state 1\n" + text(3_000, 1)[1_000:]
    write(f"{root}/readme.txt", readme, 0o644, T + 123_456_789 if state == 0 else T + 86_400 * 10**9 + 5)
    write(f"{root}/empty", b"", 0o600, T + 1)
    write(f"{root}/medium.txt", text(70_000, 2), 0o640, T + 2)  # > 64 KiB, one chunk (files: min 512 KiB)
    # More than the largest chunk (8 MiB): at least two data blobs, in order (distinct head and tail).
    rng = SplitMix64(3)
    big = rng.bytes(16_384) + bytes(8 * 1024 * 1024 + 300_000) + rng.bytes(16_384)
    write(f"{root}/big.bin", big, 0o644, T + 999_999_999)
    write(f"{root}/script.sh", b"#!/bin/sh\necho amber fixture\n", 0o755, T + 3)
    write(f"{root}/notes \u00e9t\u00e9.txt".encode(), "caf\u00e9 \u540d\u524d\n".encode(), 0o644, T + 4)
    os.makedirs(f"{root}/sub/deeper")
    os.makedirs(f"{root}/emptydir")
    write(f"{root}/sub/nested.json", b'{"nested":true}\n', 0o644, T + 5)
    if state == 0:
        write(f"{root}/sub/deeper/old.txt", b"removed in state 1\n", 0o644, T + 6)
    else:
        write(f"{root}/sub/added.txt", text(500, 4), 0o644, T + 7)
    write(f"{root}/sub/deeper/leaf.txt", b"leaf\n", 0o444, T + 8)
    os.symlink("../readme.txt", f"{root}/sub/link")
    os.symlink("/nonexistent/target", f"{root}/dangling")
    os.utime(f"{root}/sub/link", ns=(T + 9, T + 9), follow_symlinks=False)
    os.utime(f"{root}/dangling", ns=(T + 10, T + 10), follow_symlinks=False)
    for path, mode, t in [("sub/deeper", 0o755, 11), ("sub", 0o750, 12), ("emptydir", 0o700, 13), ("", 0o755, 14)]:
        p = os.path.join(root, path) if path else root
        os.chmod(p, mode)
        os.utime(p, ns=(T + t * 1_000_000_007, T + t * 1_000_000_007))


# ---------------------------------------------------------------------------------------------
# The NDJSON collection.

def canonical_number(v):
    if isinstance(v, bool):
        raise ValueError(v)
    if isinstance(v, int):
        return str(v)
    if v.is_integer():
        return str(int(v))
    r = repr(v)
    assert "e" not in r, r  # only plain decimals are generated: repr is then the ES6 form RFC 8785 uses
    return r


def canonical(v):
    """RFC 8785 for the values generated here (ASCII member names, plain numbers)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return canonical_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    assert all(k.isascii() for k in v), v
    return "{" + ",".join(json.dumps(k) + ":" + canonical(v[k]) for k in sorted(v)) + "}"


def sort_key(doc_id):
    """amber's key order: numbers (by value) before strings (by UTF-8 bytes)."""
    if isinstance(doc_id, str):
        return (1, 0, doc_id.encode())
    return (0, doc_id, b"")


def display(doc_id):
    """How `amber diff` shows a key: a string as itself, a number as canonical JSON."""
    return doc_id if isinstance(doc_id, str) else canonical_number(doc_id)


CITIES = ["Lyon", "Z\u00fcrich", "\u6771\u4eac", "S\u00e3o Paulo", "Reykjav\u00edk", "Cairo", "Lima", "Oslo"]


def document(doc_id, version):
    """Document `doc_id` as of edit `version` (0 = original)."""
    seed = (hash_id(doc_id) * 31 + version) & MASK
    rng = SplitMix64(seed)
    doc = {
        "id": doc_id,
        "n": rng.below(100_000) - 50_000,
        "city": CITIES[rng.below(len(CITIES))],
        "tags": [WORDS[rng.below(len(WORDS))] for _ in range(rng.below(3))],
    }
    if rng.below(3) == 0:
        doc["score"] = (rng.below(8_000) - 4_000) / 8 + 0.125
    if rng.below(4) == 0:
        doc["ok"] = rng.below(2) == 1
    if rng.below(10) == 0:
        doc["extra"] = None
    if rng.below(12) == 0:
        doc["address"] = {"street": f"{rng.below(200)} rue \"Quote\" \\ back", "zip": f"{rng.below(100000):05d}", "geo": [rng.below(90), -rng.below(180) / 4]}
    if version:
        doc["version"] = version
    if doc_id in BIG:
        # More than 4096 bytes: stored out of line (a chunked value, manifest-format.md N.1).
        doc["payload"] = text(6_000 + 37 * version, 100 + version).decode()
    if doc_id == "escapes":
        doc["s"] = "tab\tnewline\nquote\"backslash\\ctl\u0001\u001f del\u007f line\u2028sep \U0001F600 /slash"
    return doc


def hash_id(doc_id):
    h = 1469598103934665603
    for b in canonical(doc_id).encode():
        h = ((h ^ b) * 1099511628211) & MASK
    return h


BIG = {17, 1024, "big-string-id"}
IDS0 = list(range(1, 2001)) + [-40, -3, 2.5, 1000.75, "alpha", "big-string-id", "escapes", "\u00e9l\u00e8ve", "zeta"]


def states():
    """The three states: {id: version}, and what each step did."""
    rng = SplitMix64(42)
    s0 = {i: 0 for i in IDS0}
    # Step 1: scattered changes (including a chunked value), deletions, additions.
    ints = [i for i in IDS0 if isinstance(i, int) and i > 0 and i not in BIG]
    changed1 = rng.sample([i for i in ints if i not in (5, 6)], 30) + [17, "alpha", -3]
    deleted1 = rng.sample([i for i in ints if i not in changed1], 8) + [2.5, 5]
    added1 = [2001, 2002, 2003, 4500, 2000.5, "new-1", "new-2", -100]
    s1 = dict(s0)
    for i in changed1:
        s1[i] = 1
    for i in deleted1:
        del s1[i]
    for i in added1:
        s1[i] = 0
    # Step 2: more changes; a key deleted in step 1 comes back, one changed in step 1 changes again,
    # one changed in step 1 is deleted, one added in step 1 is deleted, one changed back to state 0.
    rest = [i for i in ints if i in s1 and s1[i] == 0]
    changed2 = rng.sample(rest, 25) + [1024, "escapes", changed1[0]]
    reverted2 = [changed1[1]]
    deleted2 = rng.sample([i for i in rest if i not in changed2], 6) + [changed1[2], "new-2", -40]
    added2 = [5, 2004, "new-3", 2.5 + 0.25]
    s2 = dict(s1)
    for i in changed2:
        s2[i] = s2[i] + 1 if s1[i] else 2
    for i in reverted2:
        s2[i] = 0
    for i in deleted2:
        del s2[i]
    for i in added2:
        s2[i] = 0
    s2[5] = 3  # back, but not as it was
    return [s0, s1, s2]


def source_line(rng, doc):
    """A document as a source may write it: members in any order, some spacing, numbers in other forms."""
    items = list(doc.items())
    rng.shuffle(items)
    parts = []
    for k, v in items:
        if isinstance(v, float) and rng.below(3) == 0 and not v.is_integer():
            value = f"{v * 10:.6f}".rstrip("0").rstrip(".") + "e-1"  # the same number, written otherwise
        elif isinstance(v, int) and not isinstance(v, bool) and rng.below(5) == 0:
            value = f"{v}.0" if k != "id" else canonical(v)
        else:
            value = json.dumps(v, ensure_ascii=rng.below(2) == 0)
        sep = ": " if rng.below(2) else ":"
        parts.append(json.dumps(k) + sep + value)
    return "{" + (", " if rng.below(2) else ",").join(parts) + "}"


def check_source_form(line, doc):
    parsed = json.loads(line)
    assert canonical(parsed) == canonical(doc), (line, doc)


def make_ndjson(work, expected):
    all_states = states()
    rng = SplitMix64(7)
    for n, state in enumerate(all_states):
        ids = sorted(state, key=sort_key)
        docs = {i: document(i, state[i]) for i in ids}
        lines = []
        for i in ids:
            line = source_line(rng, docs[i])
            check_source_form(line, docs[i])
            lines.append(line)
        rng.shuffle(lines)  # amber sorts by key; the source need not be sorted
        with open(f"{work}/users-{n}.ndjson", "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        with open(f"{expected}/users-{n}.ndjson", "w", encoding="utf-8", newline="\n") as f:
            for i in ids:
                f.write(canonical(docs[i]) + "\n")
    diffs = {}
    for a, b in [(0, 1), (1, 2), (0, 2)]:
        sa, sb = all_states[a], all_states[b]
        da = {i: canonical(document(i, v)) for i, v in sa.items()}
        db = {i: canonical(document(i, v)) for i, v in sb.items()}
        diffs[f"{a}-{b}"] = {
            "added": [display(i) for i in sorted(set(db) - set(da), key=sort_key)],
            "changed": [display(i) for i in sorted(set(da) & set(db), key=sort_key) if da[i] != db[i]],
            "removed": [display(i) for i in sorted(set(da) - set(db), key=sort_key)],
        }
    with open(f"{expected}/users-diff.json", "w") as f:
        json.dump(diffs, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


# ---------------------------------------------------------------------------------------------
# SQLite: what changed between two databases, by primary key (rowid where a table has none).

def sqlite_diff(a_path, b_path, out):
    import sqlite3
    def rows(db, table):
        info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
        pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0]
        without_rowid = db.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0].upper().rstrip().endswith("WITHOUT ROWID")
        keys = pk if pk else ["rowid"]
        assert pk or not without_rowid
        cols = [r[1] for r in info]
        result = {}
        select = ", ".join(f'"{c}"' if c != "rowid" else "rowid" for c in keys + cols)
        for r in db.execute(f'SELECT {select} FROM "{table}"'):
            key = tuple(r[:len(keys)])
            result[key] = tuple((type(v).__name__, v) for v in r[len(keys):])
        return result
    def order(key):  # composite keys: integers by value, text by UTF-8 bytes (no reals or blobs in these keys)
        return tuple((0, v, b"") if isinstance(v, int) else (1, 0, v.encode()) for v in key)
    a, b = sqlite3.connect(a_path), sqlite3.connect(b_path)
    tables = [r[0] for r in b.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    diffs = {}
    for t in tables:
        ra, rb = rows(a, t), rows(b, t)
        show = lambda k: canonical(list(k))
        diffs[t] = {
            "added": [show(k) for k in sorted(set(rb) - set(ra), key=order)],
            "changed": [show(k) for k in sorted(set(ra) & set(rb), key=order) if ra[k] != rb[k]],
            "removed": [show(k) for k in sorted(set(ra) - set(rb), key=order)],
        }
    with open(out, "w") as f:
        json.dump(diffs, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    if sys.argv[1] == "files":
        make_files(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "ndjson":
        make_ndjson(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "sqlite-diff":
        sqlite_diff(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
