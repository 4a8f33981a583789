import AmberKit
import Foundation
import Testing

/// The whole structure of a PostgreSQL database comes back, judged by `pg_dump` itself: a
/// database using what applications use beyond tables and rows (domains, composite types,
/// functions, a procedure, triggers, a partitioned table, inheritance, a materialized view with
/// an index, row-level security, an extension, a column collation, comments, a table without a
/// primary key holding duplicate rows, identity and generated columns, an advanced sequence) is
/// backed up and restored into a new database; `pg_dump --schema-only` of both are equal, and so
/// are their sorted `pg_dump --data-only` outputs. Runs when the test server is up.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] != nil))
struct PostgresStructureTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    let server = ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] ?? ""

    static let structure = """
        CREATE SCHEMA app;
        CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
        CREATE DOMAIN app.posint AS integer CHECK (VALUE > 0);
        CREATE TYPE app.price AS (amount numeric(12,2), currency char(3));
        CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
        CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated := now(); RETURN NEW; END $$;
        CREATE FUNCTION app.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
        CREATE PROCEDURE app.noop() LANGUAGE sql AS 'SELECT 1';
        CREATE TABLE app.items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty app.posint NOT NULL,
          price app.price, name text COLLATE "C", email public.citext, feeling app.mood, updated timestamptz,
          doubled integer GENERATED ALWAYS AS (app.twice(qty)) STORED);
        CREATE TRIGGER items_touch BEFORE UPDATE ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch();
        CREATE TABLE app.events (id int, at date NOT NULL, note text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE TABLE app.parent (id int PRIMARY KEY, label text);
        CREATE TABLE app.child (extra text) INHERITS (app.parent);
        CREATE TABLE app.loose (a int, b text);
        CREATE TABLE app.tree (id int PRIMARY KEY, up int REFERENCES app.tree(id) ON DELETE CASCADE);
        CREATE TABLE app.orders (id int PRIMARY KEY, item bigint REFERENCES app.items(id));
        CREATE INDEX items_name_lower ON app.items (lower(name)) WHERE qty > 1;
        CREATE INDEX items_words ON app.items USING gin (to_tsvector('simple', name));
        CREATE VIEW app.expensive AS SELECT id, name FROM app.items WHERE (price).amount > 10;
        CREATE MATERIALIZED VIEW app.totals AS SELECT feeling, count(*) AS n FROM app.items GROUP BY feeling;
        CREATE UNIQUE INDEX totals_feeling ON app.totals (feeling);
        ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
        CREATE POLICY items_positive ON app.items USING (qty > 0);
        COMMENT ON TABLE app.items IS 'things we sell';
        COMMENT ON FUNCTION app.twice(integer) IS 'twice';
        CREATE SEQUENCE app.counter START 100;
        SELECT setval('app.counter', 123);
        INSERT INTO app.items (qty, price, name, email, feeling) VALUES (1, '(9.50,EUR)', 'pen', 'A@x.org', 'ok'),
          (3, '(12.00,USD)', 'Book', 'b@X.org', 'happy'), (2, NULL, NULL, NULL, NULL);
        INSERT INTO app.events VALUES (1, '2025-03-01', 'a'), (2, '2026-07-04', 'b');
        INSERT INTO app.parent VALUES (1, 'p');
        INSERT INTO app.child VALUES (2, 'c', 'x');
        INSERT INTO app.loose VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL);
        INSERT INTO app.tree VALUES (1, NULL), (2, 1), (3, 2);
        INSERT INTO app.orders VALUES (1, 2), (2, 2);
        REFRESH MATERIALIZED VIEW app.totals;
        """

    /// Between two backups: columns added (NOT NULL with a default, to a parent whose child
    /// inherits it), dropped (with its foreign key), an index, a comment, a table added with a
    /// serial key, a table without a primary key removed, rows changed.
    static let schemaChange = """
        ALTER TABLE app.tree ADD COLUMN note text NOT NULL DEFAULT 'n';
        UPDATE app.tree SET note = 'changed' WHERE id = 2;
        ALTER TABLE app.orders DROP COLUMN item;
        CREATE INDEX tree_note ON app.tree (note);
        COMMENT ON COLUMN app.tree.note IS 'a note';
        CREATE TABLE app.extra (id serial PRIMARY KEY, label text);
        INSERT INTO app.extra (label) VALUES ('x'), ('y');
        DROP TABLE app.loose;
        ALTER TABLE app.parent ADD COLUMN weight int;
        """

    private func database(_ name: String) -> String { TestPostgres.database(name, on: server) }

    private func sql(_ uri: String, _ text: String) throws { try TestPostgres.execute(uri, text) }

    private func pgDump(_ uri: String, _ section: String) throws -> String { try TestPostgres.dump(uri, section) }

    @Test func wholeStructureComesBackAsPgDumpSeesIt() throws {
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let names = ["amber_struct_src_\(suffix)", "amber_struct_dst_\(suffix)", "amber_struct_own_\(suffix)", "amber_struct_inc_\(suffix)"]
        for name in names { try sql(server, "CREATE DATABASE \(name)") }
        defer { for name in names { try? sql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let source = database(names[0]), target = database(names[1])
        try sql(source, Self.structure)

        #expect(amber.run(["init"]).code == 0)
        let backup = amber.run(["backup", source])
        #expect(backup.code == 0, "\(backup.stderr)")
        // The table without a primary key is named; the password is not.
        #expect(backup.stderr.contains("app.loose has no primary key"), "\(backup.stderr)")
        #expect(!backup.stderr.contains(server), "\(backup.stderr)")
        let restore = amber.run(["restore", "latest", "--target", target, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")

        #expect(try pgDump(target, "--schema-only") == pgDump(source, "--schema-only"))
        // --force over the restored database (foreign keys between tables, a view of the user's).
        try sql(target, "CREATE VIEW public.mine AS SELECT * FROM app.orders")
        let forced = amber.run(["restore", "latest", "--target", target, "--force", "--verify"])
        #expect(forced.code == 0, "\(forced.stderr)")
        let data = try pgDump(source, "--data-only")
        #expect(data.contains("2\tc\tx") && data.contains("setval('app.counter', 123, true)"), "\(data)")
        #expect(try pgDump(target, "--data-only") == data)
        let totals = "SELECT feeling::text || '=' || n FROM app.totals ORDER BY 1"
        #expect(try runTool(["psql", "-Atc", totals, target]) == runTool(["psql", "-Atc", totals, source]))

        // An unchanged database stores nothing new but the snapshot and its root: the stored
        // structure has the same bytes every time.
        let again = amber.run(["backup", source, "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.split(separator: "\n").last!.utf8)) as? [String: Any])
        #expect((summary["notes"] as? [String])?.contains { $0.contains("app.loose has no primary key") } == true, "\(summary)")
        #expect(((summary["blobs_added"] as? Int) ?? 99) <= 1, "\(again.stdout)")

        // ls shows the tables with their keys, and the other objects.
        let listing = amber.run(["ls", "latest", "/" + names[0], "--long"]).stdout
        for line in ["/\(names[0])/app.items  3 documents", "key (id); columns: id bigint, qty app.posint, price app.price",
                     "/\(names[0]): FUNCTION app.twice(integer)", "/\(names[0]): MATERIALIZED VIEW app.totals",
                     "/\(names[0]): TABLE app.events"] {
            #expect(listing.contains(line), "\(line) in \(listing)")
        }

        // Into SQLite, what it cannot hold is named before anything is written.
        let sqlitePath = temp.sub("app.db")
        let intoSQLite = amber.run(["restore", "latest", "--target", "sqlite:" + sqlitePath])
        #expect(intoSQLite.code != 0 && !FileManager.default.fileExists(atPath: sqlitePath))
        for item in ["app.touch(): function", "app.noop(): procedure", "app.posint: domain", "app.price: type",
                     "app.totals: materialized view", "app.events: partitioned table", "app.items items_touch: trigger",
                     "app.items items_positive: policy", "citext: extension"] {
            #expect(intoSQLite.stderr.contains(item), "\(item) in \(intoSQLite.stderr)")
        }

        // --no-owner: the same structure, with the restoring user as every object's owner.
        let owned = amber.run(["restore", "latest", "--target", database(names[2]), "--no-owner", "--no-acl"])
        #expect(owned.code == 0, "\(owned.stderr)")
        #expect(try runTool(["pg_dump", "--schema-only", "--no-owner", "--no-acl", database(names[2])]).contains("CREATE POLICY items_positive"))

        // --verify compares the structure too: an object added to the restored database is named.
        try sql(target, "CREATE FUNCTION public.extra() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        let changed = amber.run(["restore", "latest", "--from", "latest", "--target", target, "--verify"])
        #expect(changed.code != 0 && changed.stderr.contains("(structure) FUNCTION public.extra(): extra"), "\(changed.stderr)")

        // An incremental restore across a schema change alters the structure, then applies the
        // rows: judged by pg_dump on a database that held the older snapshot.
        let first = try #require(summary["snapshot_id"] as? String)
        let migrated = database(names[3])
        #expect(amber.run(["restore", first, "--target", migrated]).code == 0)
        try sql(source, Self.schemaChange)
        #expect(amber.run(["backup", source]).code == 0)
        let across = amber.run(["restore", "latest", "--from", first, "--target", migrated, "--verify"])
        #expect(across.code == 0, "\(across.stderr)")
        for line in ["structure: app.extra (added)", "structure: app.loose (removed)",
                     "structure: app.tree (definition changed: column note added, index tree_note added",
                     "structure: app.orders (definition changed: column item dropped, constraint orders_item_fkey dropped)",
                     "structure: app.child (definition changed: rows replaced (no primary key))",
                     "verified: the target equals the snapshot"] {
            #expect(across.stdout.contains(line), "\(line) in \(across.stdout)")
        }
        #expect(try pgDump(migrated, "--schema-only") == pgDump(source, "--schema-only"))
        #expect(try pgDump(migrated, "--data-only") == pgDump(source, "--data-only"))

        // What it cannot carry over (a function's body) is named, and the database is left as it was.
        let second = try #require(amber.run(["snapshots", "--json", "--latest", "1"]).stdout.firstMatch(of: /"id":"([0-9a-f]{64})"/)?.1)
        try sql(source, "CREATE OR REPLACE FUNCTION app.twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT x * 2 + 0'; "
                + "ALTER TABLE app.tree ADD COLUMN more int")
        #expect(amber.run(["backup", source]).code == 0)
        let before = try pgDump(migrated, "--schema-only")
        let refused = amber.run(["restore", "latest", "--from", String(second), "--target", migrated])
        #expect(refused.code != 0 && refused.stderr.contains("FUNCTION app.twice(integer) (changed)"), "\(refused.stderr)")
        #expect(try pgDump(migrated, "--schema-only") == before)
        // A backup of some tables does not drop the others.
        #expect(amber.run(["backup", source, "--table", "app.tree"]).code == 0)
        let narrow = amber.run(["restore", "latest", "--from", String(second), "--target", migrated])
        #expect(narrow.code != 0 && narrow.stderr.contains("app.items (not in the newer snapshot"), "\(narrow.stderr)")
        #expect(try pgDump(migrated, "--schema-only") == before)
    }
}
