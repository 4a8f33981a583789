import AmberKit
import Foundation
import Testing

/// SQLite databases end to end: backup, restore into a new database, incremental restore.
@Suite(.serialized)
struct SQLiteCollectionTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func makeDatabase(_ path: String) throws {
        let db = try SQLiteDatabase(path: path, mode: .create)
        try db.execute("""
            CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL DEFAULT 0, photo BLOB, misc);
            CREATE TABLE pairs(a INTEGER, b TEXT, note TEXT, PRIMARY KEY(a, b)) WITHOUT ROWID;
            CREATE TABLE log(message TEXT);
            CREATE UNIQUE INDEX users_name ON users(name);
            CREATE INDEX log_partial ON log(message) WHERE message LIKE 'e%';
            CREATE VIEW high AS SELECT * FROM users WHERE score > 1;
            CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log VALUES ('inserted ' || new.name); END;
            INSERT INTO users VALUES (1, 'ann', 1.5, x'00ff10', 42), (2, 'bob', NULL, NULL, 'text'), (3, 'cy', 2.25, x'', 3.5);
            INSERT INTO pairs VALUES (1, 'x', 'one'), (1, 'y', NULL), (2, 'x', 'two');
            PRAGMA user_version = 7;
            """)
        try db.close()
    }

    private func contents(_ path: String) throws -> (schema: SQLiteSchema, rows: [String: [[UInt8]]]) {
        let source = try SQLiteSource(path: path)
        defer { try? source.close() }
        let schema = try source.readSchema()
        var rows = [String: [[UInt8]]]()
        for table in schema.tables {
            try source.forEachRow(table: table.name) { key, row in rows[table.name, default: []].append(key.encoded + row.encoded) }
        }
        return (schema, rows)
    }

    @Test func backupRestoreAndIncrementalRestoreReproduceTheDatabase() throws {
        let source = temp.sub("app.db")
        try makeDatabase(source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        let first = try contents(source)
        let db = try SQLiteDatabase(path: source, mode: .readWrite)
        try db.execute("""
            UPDATE users SET score = 9.75 WHERE id = 2; DELETE FROM pairs WHERE a = 2;
            INSERT INTO users VALUES (10, 'dee', 3, x'abcd', NULL); PRAGMA user_version = 8;
            """)
        try db.close()
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        let second = try contents(source)
        let r = amber.run(["snapshots", "--json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]).compactMap { $0["short_id"] as? String }
        try #require(ids.count == 2)

        let restored = temp.sub("restored.db")
        #expect(amber.run(["restore", ids[0], "--target", "sqlite:" + restored, "--verify"]).code == 0)
        let atFirst = try contents(restored)
        #expect(atFirst.schema == first.schema)
        #expect(atFirst.rows == first.rows)
        // An existing target is refused without --force.
        #expect(amber.run(["restore", ids[1], "--target", "sqlite:" + restored]).code == 1)

        let incremental = amber.run(["restore", ids[1], "--target", "sqlite:" + restored, "--from", ids[0], "--verify", "--json"])
        #expect(incremental.code == 0, "\(incremental.stderr)")
        // users: 1 updated, 1 inserted; pairs: 1 deleted; log: 1 inserted (the trigger's row).
        #expect(incremental.stdout.contains("\"updated\":1") && incremental.stdout.contains("\"deleted\":1"), "\(incremental.stdout)")
        let atSecond = try contents(restored)
        #expect(atSecond.schema == second.schema)
        #expect(atSecond.rows == second.rows)

        let diff = amber.run(["diff", ids[0], ids[1], "--json"])
        #expect(diff.stdout.contains("{\"added\":[\"[10]\"],\"changed\":[\"[2]\"],\"name\":\"users\",\"removed\":[]}"), "\(diff.stdout)")
        let dump = amber.run(["dump", ids[0], "users", "1"])
        #expect(dump.stdout == "{\"id\":1,\"misc\":42,\"name\":\"ann\",\"photo\":{\"$base64\":\"AP8Q\"},\"score\":1.5}\n", "\(dump.stdout)")
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }

    /// An incremental restore across a schema change: a column added, a table redefined
    /// (WITHOUT ROWID dropped), a table added and one removed, an index, a view and a trigger
    /// changed. Oracle: `sqlite3 .dump` of the source and of the target hold the same statements
    /// (sorted: objects created again come later in `sqlite_master`, which orders the dump).
    @Test func incrementalRestoreAcrossASchemaChangeMatchesSqlite3Dump() throws {
        let source = temp.sub("app.db")
        try makeDatabase(source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        let restored = temp.sub("restored.db")
        #expect(amber.run(["restore", "latest", "--target", "sqlite:" + restored]).code == 0)
        let db = try SQLiteDatabase(path: source, mode: .readWrite)
        try db.execute("""
            ALTER TABLE users ADD COLUMN email TEXT DEFAULT 'none';
            UPDATE users SET email = 'ann@example.org' WHERE id = 1;
            CREATE TABLE pairs2(a INTEGER, b TEXT, note TEXT, PRIMARY KEY(a, b));
            INSERT INTO pairs2 SELECT * FROM pairs; DROP TABLE pairs; ALTER TABLE pairs2 RENAME TO pairs;
            CREATE TABLE tags(id INTEGER PRIMARY KEY, label TEXT UNIQUE); INSERT INTO tags(label) VALUES ('a'), ('b');
            DROP INDEX log_partial; CREATE INDEX log_all ON log(message);
            DROP VIEW high; CREATE VIEW high AS SELECT id, name FROM users WHERE score > 2;
            DROP TRIGGER users_log; CREATE TRIGGER users_log AFTER UPDATE ON users BEGIN INSERT INTO log VALUES ('updated ' || new.name); END;
            INSERT INTO users(id, name) VALUES (20, 'eve');
            PRAGMA user_version = 9;
            """)
        try db.close()
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
            .compactMap { $0["short_id"] as? String }
        let across = amber.run(["restore", ids[1], "--target", "sqlite:" + restored, "--from", ids[0], "--verify"])
        #expect(across.code == 0, "\(across.stderr)")
        for line in ["structure: users (definition changed: rows replaced)", "structure: pairs (definition changed: rows replaced)",
                     "structure: tags (added)", "verified: the target equals the snapshot"] {
            #expect(across.stdout.contains(line), "\(line) in \(across.stdout)")
        }
        let dump = { (path: String) throws -> [Substring] in try runTool(["sqlite3", path, ".dump"]).split(separator: "\n").sorted() }
        #expect(try dump(restored) == dump(source))
    }
}
