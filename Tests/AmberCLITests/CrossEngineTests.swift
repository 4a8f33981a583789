import AmberKit
import Foundation
import Testing

/// SQLite backups restored into PostgreSQL and PostgreSQL backups into SQLite, through the CLI
/// (docs/cross-engine.md). Runs when the test server is up (`AMBER_TEST_PG_URI`).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] != nil))
struct CrossEngineTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    let server = ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] ?? ""

    private func database(_ name: String) -> String { TestPostgres.database(name, on: server) }

    private func query(_ uri: String, _ text: String) throws -> [[String?]] {
        let connection = try PGConnection(uri: uri)
        defer { connection.close() }
        try connection.execute("SET TimeZone = 'UTC'; SET bytea_output = 'hex'")
        return try connection.query(text)
    }

    /// A new empty database, dropped when `body` returns.
    private func withDatabase(_ body: (String) throws -> Void) throws {
        let name = "amber_xe_\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000)"
        _ = try query(server, "CREATE DATABASE \(name)")
        defer { _ = try? query(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        try body(database(name))
    }

    private func sqlite(_ path: String, _ sql: String) throws {
        let db = try SQLiteDatabase(path: path, mode: .create)
        try db.execute(sql)
        try db.close()
    }

    private func userTables(_ uri: String) throws -> Int {
        Int(try query(uri, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")[0][0] ?? "") ?? -1
    }

    @Test func sqliteBackupRestoresIntoPostgreSQL() throws {
        let source = temp.sub("app.db")
        try sqlite(source, """
            CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL DEFAULT 0, photo BLOB, balance NUMERIC);
            CREATE TABLE pairs(a INTEGER, b TEXT, note TEXT, PRIMARY KEY(a, b)) WITHOUT ROWID;
            CREATE TABLE log(message TEXT);
            CREATE UNIQUE INDEX users_name ON users(name);
            CREATE INDEX pairs_note ON pairs(note DESC);
            INSERT INTO users VALUES (1, 'ann', 1.5, x'00ff10', 12.25), (2, 'bob', NULL, NULL, NULL), (3, 'cy', 1e20, x'', 12345678901234567);
            INSERT INTO pairs VALUES (1, 'x', 'one'), (1, 'y', NULL), (2, 'x', 'two');
            INSERT INTO log VALUES ('a'), ('a'), ('tab\there');
            """)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        try withDatabase { (target: String) throws in
            let restore = amber.run(["restore", "latest", "--target", target, "--verify"])
            #expect(restore.code == 0, "\(restore.stderr)")
            #expect(restore.stdout.contains("verified"), "\(restore.stdout)")
            #expect(restore.stderr.contains("table log has no primary key"), "\(restore.stderr)")
            #expect(try query(target, "SELECT id, name, score, photo, balance FROM users ORDER BY id") == [
                ["1", "ann", "1.5", "\\x00ff10", "12.25"], ["2", "bob", nil, nil, nil], ["3", "cy", "1e+20", "\\x", "12345678901234567"],
            ])
            #expect(try query(target, "SELECT a, b, note FROM pairs ORDER BY a, b") == [["1", "x", "one"], ["1", "y", nil], ["2", "x", "two"]])
            #expect(try query(target, "SELECT message FROM log ORDER BY message") == [["a"], ["a"], ["tab\there"]])
            let types = try query(target, """
                SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'public' ORDER BY table_name, ordinal_position
                """)
            #expect(types.map { $0.compactMap { $0 }.joined(separator: " ") } == [
                "log message text YES", "pairs a bigint NO", "pairs b text NO", "pairs note text YES",
                "users id bigint NO", "users name text NO", "users score double precision YES", "users photo bytea YES",
                "users balance numeric YES",
            ])
            let indexes = try query(target, "SELECT indexname, indexdef FROM pg_catalog.pg_indexes WHERE schemaname = 'public' ORDER BY 1")
            #expect(indexes.map { $0[0] ?? "" } == ["pairs_note", "pairs_pkey", "users_name", "users_pkey"])
            #expect(indexes[2][1]?.contains("UNIQUE") == true && indexes[0][1]?.contains("DESC") == true)
        }
    }

    /// Dates and timestamps held as text become `date` and `timestamp` columns when every value
    /// is written as PostgreSQL prints one; a `DATE` column holding anything else stays `numeric`.
    @Test func sqliteDatesBecomePostgresDatesWhenEveryValueIsOne() throws {
        let source = temp.sub("dates.db")
        try sqlite(source, """
            CREATE TABLE people(id INTEGER PRIMARY KEY, born DATE, seen DATETIME, stamp TIMESTAMP, epoch DATE);
            INSERT INTO people VALUES (1, '1815-12-10', '2024-02-29 12:00:00', '2000-01-01 00:00:00.25', 20240101),
                                      (2, NULL, CURRENT_TIMESTAMP, NULL, 19991231.5);
            """)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        try withDatabase { (target: String) throws in
            let restore = amber.run(["restore", "latest", "--target", target, "--verify"])
            #expect(restore.code == 0 && restore.stdout.contains("verified"), "\(restore.stderr)")
            let types = try query(target, """
                SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'people' ORDER BY ordinal_position
                """)
            #expect(types.map { $0.compactMap { $0 }.joined(separator: " ") } == [
                "id bigint", "born date", "seen timestamp without time zone", "stamp timestamp without time zone", "epoch numeric",
            ])
            #expect(try query(target, "SELECT born, stamp, epoch FROM people WHERE id = 1") == [["1815-12-10", "2000-01-01 00:00:00.25", "20240101"]])
        }
        // Not every value a date: the column stays numeric, and the text is an unfit value, named.
        try sqlite(source, "INSERT INTO people VALUES (3, '2024-02-30', NULL, NULL, NULL)")
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        try withDatabase { (target: String) throws in
            let restore = amber.run(["restore", "latest", "--target", target])
            #expect(restore.code != 0 && restore.stderr.contains("column born"), "\(restore.stderr)")
        }
    }

    @Test func postgresBackupRestoresIntoSQLite() throws {
        try withDatabase { (source: String) throws in
            _ = try query(source, """
                CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
                CREATE TABLE accounts(id bigserial PRIMARY KEY, n int, amount numeric(12,2), owner text NOT NULL, ok bool,
                                      photo bytea, opened timestamptz, data jsonb, tags text[], feeling mood, f float8, UNIQUE (owner));
                CREATE TABLE other(k text, v int);
                INSERT INTO accounts(n, amount, owner, ok, photo, opened, data, tags, feeling, f) VALUES
                  (7, 1234567890.12, 'ann', true, '\\x00ff', '2024-02-29 12:00:00+01', '{"b":1,"a":[1,2]}', '{x,"y z"}', 'happy', 1.5),
                  (NULL, 0.1, 'bob', false, NULL, NULL, NULL, NULL, NULL, '-Infinity');
                INSERT INTO other VALUES ('a', 1), ('a', 1), (NULL, NULL);
                """)
            #expect(amber.run(["init"]).code == 0)
            #expect(amber.run(["backup", source]).code == 0)
        }
        let path = temp.sub("restored.db")
        let restore = amber.run(["restore", "latest", "--target", "sqlite:" + path, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("verified"), "\(restore.stdout)")
        let db = try SQLiteDatabase(path: path, mode: .readOnly)
        defer { try? db.close() }
        #expect(try db.rows("SELECT id, n, amount, owner, ok, photo, opened, data, tags, feeling, f FROM accounts ORDER BY id") == [
            [.integer(1), .integer(7), .text(Array("1234567890.12".utf8)), .text(Array("ann".utf8)), .integer(1), .blob([0, 255]),
             .text(Array("2024-02-29 11:00:00+00".utf8)), .text(Array("{\"a\": [1, 2], \"b\": 1}".utf8)), .text(Array("{x,\"y z\"}".utf8)),
             .text(Array("happy".utf8)), .real(1.5)],
            [.integer(2), .null, .text(Array("0.10".utf8)), .text(Array("bob".utf8)), .integer(0), .null, .null, .null, .null, .null,
             .real(-.infinity)],
        ])
        #expect(try db.rows("SELECT k, v FROM other ORDER BY k NULLS FIRST") == [[.null, .null], [.text([0x61]), .integer(1)], [.text([0x61]), .integer(1)]])
        // Rows keyed by their content store their values as references to the key: dump and an
        // NDJSON restore read them back with their keys.
        let dump = amber.run(["dump", "latest", "public.other"])
        #expect(dump.code == 0, "\(dump.stderr)")
        #expect(dump.stdout.split(separator: "\n").map(String.init).sorted() == [#"{"k":"a","v":"1"}"#, #"{"k":"a","v":"1"}"#, #"{"k":null,"v":null}"#])
        let ndjson = amber.run(["restore", "latest", "--target", "ndjson:" + temp.sub("ndjson"), "--verify"])
        #expect(ndjson.code == 0, "\(ndjson.stderr)")
        // The enum and boolean checks hold, and the serial key numbers on.
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO accounts(owner, feeling) VALUES ('x', 'angry')") }
        #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO accounts(owner, ok) VALUES ('x', 2)") }
    }

    @Test func aValueThatDoesNotFitIsAnErrorAndNothingIsWritten() throws {
        let source = temp.sub("mixed.db")
        try sqlite(source, """
            CREATE TABLE good(id INTEGER PRIMARY KEY, v TEXT);
            CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER, s TEXT);
            INSERT INTO good VALUES (1, 'fine');
            INSERT INTO t VALUES (1, 5, 'a'), (2, 'seven', 'b'), (3, 6, 'c');
            """)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        try withDatabase { (target: String) throws in
            let restore = amber.run(["restore", "latest", "--target", target, "--skip-unmappable"])
            #expect(restore.code == 1)
            #expect(restore.stderr.contains("table t key [2] column n: text (5 bytes) does not fit a bigint column"), "\(restore.stderr)")
            #expect(restore.stderr.contains("nothing was written"))
            #expect(try userTables(target) == 0)
        }
    }

    @Test func viewsAndTriggersAreRefusedUnlessSkipped() throws {
        let source = temp.sub("views.db")
        try sqlite(source, """
            CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT);
            INSERT INTO t VALUES (1, 'a'), (2, 'b');
            CREATE VIEW v AS SELECT * FROM t WHERE id > 1;
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;
            """)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        try withDatabase { (target: String) throws in
            let refused = amber.run(["restore", "latest", "--target", target])
            #expect(refused.code == 1)
            #expect(refused.stderr.contains("table v: view") && refused.stderr.contains("trigger tr") && refused.stderr.contains("--skip-unmappable"),
                    "\(refused.stderr)")
            #expect(try userTables(target) == 0)
            let skipped = amber.run(["restore", "latest", "--target", target, "--skip-unmappable", "--verify"])
            #expect(skipped.code == 0, "\(skipped.stderr)")
            #expect(skipped.stderr.contains("warning: left out: table v: view"), "\(skipped.stderr)")
            #expect(try query(target, "SELECT id, s FROM t ORDER BY id") == [["1", "a"], ["2", "b"]])
            // Incremental restores do not cross engines.
            let incremental = amber.run(["restore", "latest", "--target", target, "--from", "latest"])
            #expect(incremental.code == 1 && incremental.stderr.contains("another engine"), "\(incremental.stderr)")
        }
    }

    /// A value as text for comparing engines: integers and text as written, reals through Double.
    private func text(_ value: DatabaseValue) -> String? {
        switch value {
        case .null: nil
        case .integer(let n): "\(n)"
        case .real(let x): "\(x)"
        case .text(let bytes): String(decoding: bytes, as: UTF8.self)
        case .blob(let bytes): "\(bytes)"
        }
    }

    /// Generated columns come back generated in the other engine, computing what the source
    /// computed (the oracle: each engine's own results); one outside the common part is named
    /// before anything is written and left out only with --skip-unmappable.
    @Test func sqliteGeneratedColumnsAreRecreatedInPostgreSQL() throws {
        let source = temp.sub("generated.db")
        try sqlite(source, """
            CREATE TABLE orders(id INTEGER PRIMARY KEY, price INTEGER, qty INTEGER, name TEXT,
              total INTEGER GENERATED ALWAYS AS (price * qty) VIRTUAL,
              label TEXT AS (name || ':' || CAST(qty AS TEXT)) STORED,
              share INTEGER AS (price / qty + price % qty) VIRTUAL,
              weight REAL AS (CAST(price AS REAL) / 4) VIRTUAL,
              lowered TEXT AS (lower(name)) VIRTUAL);
            INSERT INTO orders(id, price, qty, name) VALUES (1, 7, 2, 'ann'), (2, -7, 3, 'bob'), (3, NULL, 5, NULL), (4, 100, -6, 'Zoë');
            """)
        let db = try SQLiteDatabase(path: source, mode: .readOnly)
        let expected = try db.rows("SELECT id, total, label, share, weight FROM orders ORDER BY id").map { $0.map(text) }
        try db.close()
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "sqlite:" + source]).code == 0)
        try withDatabase { (target: String) throws in
            let refused = amber.run(["restore", "latest", "--target", target])
            #expect(refused.code == 1 && refused.stderr.contains("column lowered: generated column: the function lower"), "\(refused.stderr)")
            #expect(try userTables(target) == 0)
            let restore = amber.run(["restore", "latest", "--target", target, "--skip-unmappable", "--verify"])
            #expect(restore.code == 0, "\(restore.stderr)")
            let restored = try query(target, "SELECT id, total, label, share, weight FROM orders ORDER BY id")
            #expect(restored.map { row in row.enumerated().map { $0.offset == 4 ? $0.element.flatMap(Double.init).map { "\($0)" } : $0.element } } == expected)
            let generated = try query(target, """
                SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' AND is_generated = 'ALWAYS' ORDER BY ordinal_position
                """)
            #expect(generated == [["total"], ["label"], ["share"], ["weight"]])
            // The target computes them for new rows too.
            _ = try query(target, "INSERT INTO orders(id, price, qty, name) VALUES (5, 3, 3, 'x')")
            #expect(try query(target, "SELECT total, label FROM orders WHERE id = 5") == [["9", "x:3"]])
        }
    }

    @Test func postgresGeneratedColumnsAreRecreatedInSQLite() throws {
        var expected = [[String?]]()
        try withDatabase { (source: String) throws in
            _ = try query(source, """
                CREATE TABLE items(id int PRIMARY KEY, a int, b bigint, s text, v varchar(9), f float8,
                  prod bigint GENERATED ALWAYS AS (a * b + 1) STORED,
                  tag text GENERATED ALWAYS AS (s || '-' || v || (a)::text) STORED,
                  d int GENERATED ALWAYS AS (abs(a - 10) % 3 + length(s)) STORED,
                  twice float8 GENERATED ALWAYS AS (f * 2) STORED,
                  neg int GENERATED ALWAYS AS (a / -2) STORED,
                  named text GENERATED ALWAYS AS (coalesce(s, 'none')) STORED);
                INSERT INTO items(id, a, b, s, v, f) VALUES (1, 7, 3, 'x', 'yz', 1.5), (2, -7, -4, NULL, 'q', -0.25),
                  (3, NULL, 5, 'héllo', NULL, NULL), (4, 12, 9000000000, 'ab', 'c', 1e300);
                """)
            expected = try query(source, "SELECT id, prod, tag, d, twice, neg, named FROM items ORDER BY id")
            #expect(amber.run(["init"]).code == 0)
            #expect(amber.run(["backup", source]).code == 0)
        }
        let path = temp.sub("generated.db")
        let restore = amber.run(["restore", "latest", "--target", "sqlite:" + path, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        let db = try SQLiteDatabase(path: path, mode: .readWrite)
        defer { try? db.close() }
        let restored = try db.rows("SELECT id, prod, tag, d, twice, neg, named FROM items ORDER BY id").map { $0.map(text) }
        #expect(restored == expected.map { row in row.enumerated().map { $0.offset == 4 ? $0.element.flatMap(Double.init).map { "\($0)" } : $0.element } })
        let sql = try db.rows("SELECT sql FROM sqlite_master WHERE name = 'items'").first?.first.flatMap(text) ?? ""
        #expect(sql.contains(#""prod" INTEGER GENERATED ALWAYS AS ((("a" * "b") + 1)) STORED"#), "\(sql)")
        try db.execute("INSERT INTO items(id, a, b, s, v) VALUES (5, 2, 2, 'p', 'q')")
        #expect(try db.rows("SELECT prod, tag FROM items WHERE id = 5").first?.map(text) == ["5", "p-q2"])
    }
}
