#!/usr/bin/env python3
"""Sources for Benchmarks/faults/crash.sh, changed a little at each state.

    make-sources.py DIR STATE SIZE SEED

writes, in DIR, the state STATE (0, 1, 2, ...) of three sources:
  files/        a directory tree: files of random sizes (one large), a few changed, added and
                removed at each state
  docs.ndjson   JSON documents in id order, written as amber stores them (members in key order,
                no spaces, numbers as written), so a restore must give back the same bytes
  app.db        a SQLite database: a table with a primary key, a few rows updated, inserted and
                deleted at each state

Everything comes from Python's random seeded with SEED, STATE and the item, so a state can be
made again (crash.sh keeps checksums of each state, so nothing depends on that). SIZE is small
(CI: a few MB) or large (by hand: ~370 MB of files, ~110 MB of documents, 500,000 rows).
"""
import os
import random
import sqlite3
import sys

def rng_for(*parts):
    """A generator for one file, document or change: seeded by integers, so a state can be made again."""
    seed = 0
    for p in parts:
        seed = (seed * 1_000_003 + p) & ((1 << 63) - 1)
    return random.Random(seed)


SIZES = {
    "small": {"files": 30, "file_max": 200_000, "big": 3_000_000, "docs": 20_000, "rows": 20_000},
    "large": {"files": 300, "file_max": 2_000_000, "big": 64_000_000, "docs": 1_000_000, "rows": 500_000},
}


def make_files(root, state, size, seed):
    """File i is rewritten at the states s with (s + i) % 10 == 0, missing at about 4 % of states."""
    for i in range(size["files"]):
        path = os.path.join(root, f"d{i % 5}", f"f{i:04d}.bin")
        if state > 0 and rng_for(seed, 1, state, i).random() < 0.04:
            if os.path.exists(path):
                os.remove(path)
            continue
        last = state - ((state + i) % 10) if state >= (state + i) % 10 else 0
        rng = rng_for(seed, 2, i, last)
        n = size["big"] if i == 0 else rng.randrange(size["file_max"])
        if os.path.exists(path) and os.path.getsize(path) == n and last != state and state > 0:
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = rng.randbytes(n) if i % 2 else text_bytes(rng, n)
        with open(path, "wb") as f:
            f.write(data)
    added = os.path.join(root, "added", f"state-{state}.txt")
    os.makedirs(os.path.dirname(added), exist_ok=True)
    with open(added, "wb") as f:
        f.write(text_bytes(rng_for(seed, 3, state), 5000 + state))


def text_bytes(rng, n):
    words = [b"amber", b"backup", b"restore", b"snapshot", b"pack", b"index", b"tree", b"\n"]
    line = b" ".join(words[rng.randrange(len(words))] for _ in range(64)) + b"\n"
    return (line * (n // len(line) + 1))[:n]


NUMBERS = ["1.0", "-0.0", "1E2", "3.14159265358979323846", "0.10", "42", "-7", "2.5e-3"]


def document(i, version, rng):
    # Members in key order (UTF-16 order: all ASCII here), no spaces: the stored form.
    n = NUMBERS[rng.randrange(len(NUMBERS))]
    tags = ",".join(f'"t{rng.randrange(50)}"' for _ in range(rng.randrange(4)))
    return f'{{"id":{i},"n":{n},"name":"user {i} v{version}","score":{rng.randrange(100000)},"tags":[{tags}],"v":{version}}}'


def make_docs(path, state, size, seed):
    """Document i changes at the states s with (s - i) % 100 == 0 (1 % a state); 0.5 % are
    missing in each state after the first."""
    with open(path, "w") as f:
        for i in range(size["docs"]):
            phase = (state - i) % 100
            version = state - phase if state >= phase else 0
            if state > 0 and (i * 2654435761 + state * 40503) % 200 == 0:
                continue
            f.write(document(i, version, rng_for(seed, 4, i, version)) + "\n")


def make_db(path, state, size, seed):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, price REAL, data BLOB)")
    rows = size["rows"]
    if state == 0:
        db.execute("DELETE FROM items")
        rng = rng_for(seed, 5)
        db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                       ((i, f"item {i}", rng.randrange(1000), rng.randrange(100000) / 100, rng.randbytes(rng.randrange(40)))
                        for i in range(rows)))
    else:
        rng = rng_for(seed, 6, state)
        for _ in range(max(1, rows // 200)):
            db.execute("UPDATE items SET qty = ?, price = ? WHERE id = ?", (rng.randrange(1000), rng.randrange(100000) / 100, rng.randrange(rows)))
        db.execute("DELETE FROM items WHERE id = ?", (rng.randrange(rows),))
        db.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)", (rows + state, f"new {state}", state, 0.5, b"\x00\x01"))
    db.commit()
    db.close()


def main():
    root, state, size_name, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    size = SIZES[size_name]
    make_files(os.path.join(root, "files"), state, size, seed)
    make_docs(os.path.join(root, "docs.ndjson"), state, size, seed)
    make_db(os.path.join(root, "app.db"), state, size, seed)


if __name__ == "__main__":
    main()
