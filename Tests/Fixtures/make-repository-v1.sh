#!/usr/bin/env bash
# Regenerates Tests/Fixtures/repository-v1: a small repository written by an old amber, and what
# restoring each of its snapshots must give back, for OldRepositoryTests.
#
#   Tests/Fixtures/make-repository-v1.sh AMBER_BINARY
#
# The committed fixture was written by a release build of 24f7fd2 (collection sets version 1 and
# 2, runs, columnar run leaves). Inputs are deterministic (repository-v1-inputs.py, the SQL
# below); the repository is not byte for byte (keys, salts and nonces are random), so snapshot
# ids change with every run: the tests find snapshots by tag. Expected outputs come from the
# inputs themselves (the generator's canonical JSON, `sqlite3 .dump`, tree-listing.sh), never
# from amber.
#
# Needs python3, sqlite3, gzip and GNU find. Snapshots (host "fixture" unless said otherwise):
#   s1  files ndjson:users.ndjson             files-0, users-0               compact (set version 1)
#   s2  ndjson:users.ndjson                   users-1                        one run on s1's tree
#   s3  files ndjson:users.ndjson             files-1, users-2               two runs
#   s4  sqlite:app.db                         app-0                          compact
#   s5  sqlite:app.db                         app-1                          one run per changed table
#   s6  --force, host fixture-forced:
#       files ndjson:users.ndjson sqlite:app.db   files-1, users-2, app-1    compact (backup --force)
set -euo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
amber_bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=$here/repository-v1
repo=$out/repository
expected=$out/expected
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/inputs" "$work/cache"

rm -rf "$repo" "$expected"
mkdir -p "$expected"

# amber as the tests run it (AmberRunner: password, cheap KDF), from the sources' directory so
# that sources are recorded as the relative paths files, ndjson:users.ndjson and sqlite:app.db.
amber() {
    (cd "$work/src" && env -i PATH=/usr/bin:/bin HOME=/nonexistent USER=fixture TZ=UTC \
        AMBER_REPOSITORY="$repo" AMBER_PASSWORD="correct horse" AMBER_SCRYPT_TESTING=1 \
        AMBER_CACHE_DIR="$work/cache" "$amber_bin" "$@")
}
# The dump the tests compare: .dump with rowids (a rowid table's keys), then user_version.
dump() {
    sqlite3 "$1" '.dump --preserve-rowids'
    echo "PRAGMA user_version=$(sqlite3 "$1" 'PRAGMA user_version');"
}
inputs() { python3 "$here/repository-v1-inputs.py" "$@"; }
files_state() {
    rm -rf "$work/src/files"
    inputs files "$1" "$work/src"
    "$here/tree-listing.sh" "$work/src/files" > "$expected/files-$1.txt"
}
users_state() {
    cp "$work/inputs/users-$1.ndjson" "$work/src/users.ndjson"
}
app_state() {
    sqlite3 "$work/src/app.db" < "$work/inputs/app-$1.sql"
    cp "$work/src/app.db" "$work/inputs/app-$1.db"
    dump "$work/src/app.db" > "$expected/app-$1.sql"
    # The tests load this file into a new database and dump that (so a sqlite3 that prints a
    # dump otherwise compares like with like): it must come back unchanged here.
    rm -f "$work/reload.db"
    sqlite3 "$work/reload.db" < "$expected/app-$1.sql"
    dump "$work/reload.db" | cmp - "$expected/app-$1.sql"
}

# NDJSON sources (members shuffled, spacing and number forms varied, lines unsorted) and the
# canonical files a restore writes, plus the ids changed between states.
inputs ndjson "$work/inputs" "$expected"

cat > "$work/inputs/app-0.sql" <<'SQL'
PRAGMA user_version = 5;
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL DEFAULT 0, price REAL, note TEXT, data BLOB);
CREATE TABLE pairs(region TEXT NOT NULL, code TEXT NOT NULL, label TEXT, weight INTEGER, PRIMARY KEY(region, code)) WITHOUT ROWID;
CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, item_id INTEGER REFERENCES items(id), kind TEXT NOT NULL, at TEXT);
CREATE TABLE notes(body TEXT, n);
CREATE TABLE tags(name TEXT PRIMARY KEY, since INTEGER) WITHOUT ROWID;
CREATE TABLE unused(x);
CREATE INDEX items_name ON items(name);
CREATE UNIQUE INDEX pairs_label ON pairs(label) WHERE label IS NOT NULL;
CREATE VIEW cheap_items AS SELECT id, name, price FROM items WHERE price < 10;
CREATE TRIGGER items_qty AFTER UPDATE OF qty ON items BEGIN
  INSERT INTO events(item_id, kind, at) VALUES (new.id, 'qty ' || old.qty || '->' || new.qty, '2024-01-05T00:00:00Z');
END;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO items SELECT i, printf('item-%04d', i), (i * 37) % 101,
    CASE WHEN i % 9 = 0 THEN NULL ELSE ((i * 7919) % 10000) / 100.0 END,
    CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN 'note ' || i ELSE printf('%d-caf%s', i % 13, char(233)) END,
    CASE i % 4 WHEN 0 THEN CAST(printf('%08x', (i * 2654435761) % 4294967296) AS BLOB) WHEN 1 THEN x'' WHEN 2 THEN x'00ff7f80' ELSE NULL END
  FROM n;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 40),
     r(region) AS (VALUES ('eu'), ('us'), ('ap'), ('zz-' || char(252)))
INSERT INTO pairs SELECT region, printf('c%03d', i), CASE WHEN i % 3 = 0 THEN NULL ELSE region || ':' || i END, i * 10 - 200
  FROM r, c ORDER BY i DESC, region;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO events(item_id, kind, at) SELECT i * 7, 'created', printf('2024-01-%02dT10:%02d:00Z', 1 + i % 28, i) FROM n;
DELETE FROM events WHERE id IN (4, 20);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO notes SELECT 'note number ' || i,
    CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN i WHEN 2 THEN i + 0.5 WHEN 3 THEN 'text ' || i ELSE CAST('blob' || i AS BLOB) END
  FROM n;
DELETE FROM notes WHERE rowid IN (5, 6, 40);
SQL

cat > "$work/inputs/app-1.sql" <<'SQL'
UPDATE items SET qty = qty + 1 WHERE id IN (3, 57, 101, 188, 250, 333, 399);
UPDATE items SET price = price * 2, note = 'changed' WHERE id % 37 = 0;
UPDATE items SET data = x'deadbeef', name = name || '-v2' WHERE id IN (8, 9, 10);
DELETE FROM items WHERE id IN (12, 13, 200, 377);
INSERT INTO items(id, name, qty, price, note, data) VALUES
    (401, 'item-0401', 1, 0.5, NULL, x'00ff'), (1000, 'item-1000', 2, -1.25, 'far', NULL), (-5, 'item-neg', 0, NULL, NULL, NULL);
UPDATE pairs SET weight = weight + 100 WHERE code IN ('c007', 'c019');
DELETE FROM pairs WHERE region = 'ap' AND code > 'c035';
INSERT INTO pairs VALUES ('mx', 'c001', 'mx:1', 1), ('eu', 'c000', NULL, NULL);
DELETE FROM events WHERE id = 3;
INSERT INTO tags VALUES ('first', 2024);
UPDATE notes SET n = 'now text' WHERE rowid = 10;
DELETE FROM notes WHERE rowid = 20;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1200)
INSERT INTO notes(rowid, body, n) SELECT 100, group_concat('w' || (i * 7 % 97), ' '), NULL FROM k;
PRAGMA user_version = 6;
SQL

amber init >/dev/null

files_state 0
users_state 0
amber backup files ndjson:users.ndjson --host fixture --time 2024-01-01T00:00:00Z --tag s1 -q
users_state 1
amber backup ndjson:users.ndjson --host fixture --time 2024-01-02T00:00:00Z --tag s2 -q
files_state 1
users_state 2
amber backup files ndjson:users.ndjson --host fixture --time 2024-01-03T00:00:00Z --tag s3 -q
app_state 0
amber backup sqlite:app.db --host fixture --time 2024-01-04T00:00:00Z --tag s4 -q
app_state 1
amber backup sqlite:app.db --host fixture --time 2024-01-05T00:00:00Z --tag s5 -q
amber backup files ndjson:users.ndjson sqlite:app.db --force --host fixture-forced --time 2024-01-06T00:00:00Z --tag s6 -q

inputs sqlite-diff "$work/inputs/app-0.db" "$work/inputs/app-1.db" "$expected/app-diff.json"

# What each snapshot holds (the tests read this, and find snapshots by tag).
cat > "$expected/snapshots.json" <<'JSON'
[
 {"tag": "s1", "host": "fixture", "files": 0, "users": 0},
 {"tag": "s2", "host": "fixture", "users": 1},
 {"tag": "s3", "host": "fixture", "files": 1, "users": 2},
 {"tag": "s4", "host": "fixture", "app": 0},
 {"tag": "s5", "host": "fixture", "app": 1},
 {"tag": "s6", "host": "fixture-forced", "files": 1, "users": 2, "app": 1}
]
JSON

# The expected collections are large and repetitive: stored compressed (gzip -n: no name or time).
gzip -n -9 "$expected"/users-[0-9].ndjson

# The fixture must be sound for the binary that wrote it.
check=$(amber check --read-data)
echo "$check"
grep -q 'kept as runs' <<< "$check"
amber snapshots
# The amber that wrote the fixture.
"$amber_bin" version > "$out/written-by.txt"
du -sh "$out"
