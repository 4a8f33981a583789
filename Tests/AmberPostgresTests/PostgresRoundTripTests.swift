import AmberDocuments
import AmberPostgres
import Testing

@Suite("PostgreSQL round trip", .enabled(if: TestServer.isAvailable), .serialized)
struct PostgresRoundTripTests {
    static let zoo = #"""
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        COMMENT ON TYPE mood IS 'feelings';
        CREATE TABLE zoo (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n numeric(60, 20), ts timestamptz, d date, iv interval,
            j json, jb jsonb, b bytea, ia int[], ta text[], m mood, u uuid, t text, f float8, flag boolean,
            total numeric GENERATED ALWAYS AS (n * 2) STORED);
        CREATE TABLE ser (id serial PRIMARY KEY, name text UNIQUE NOT NULL DEFAULT 'x', CHECK (length(name) < 100));
        CREATE TABLE comp (a text, b int, v text, PRIMARY KEY (a, b)) WITH (fillfactor = 90, autovacuum_enabled = false);
        CREATE TABLE nopk (x int, y text);
        CREATE TABLE child (id int PRIMARY KEY, zoo_id bigint REFERENCES zoo(id) ON DELETE CASCADE, note text);
        CREATE INDEX child_note ON child (lower(note)) WHERE note IS NOT NULL;
        CREATE VIEW happy AS SELECT id, t FROM zoo WHERE m = 'happy';
        COMMENT ON TABLE zoo IS 'animals'; COMMENT ON COLUMN zoo.t IS 'it''s text'; COMMENT ON VIEW happy IS 'view';
        CREATE SCHEMA other; CREATE TABLE other.things (k uuid PRIMARY KEY, v text);
        CREATE SEQUENCE other.counter INCREMENT BY 5 START WITH 100;
        SELECT nextval('other.counter'); SELECT nextval('other.counter');
        INSERT INTO zoo (n, ts, d, iv, j, jb, b, ia, ta, m, u, t, f, flag) VALUES
          (12345678901234567890123456789012345678.12345678901234567890, '2024-02-29 23:59:59.123456+05:30', '0044-03-15 BC',
           '1 year 2 mons 3 days 04:05:06.789', '{"b": 1,  "a": [1, 2.50]}', '{"b": 1, "a": [1, 2.50]}', '\x00ff5c0a09',
           '{1,NULL,-3}', '{"a b","c\"d","e\\f",NULL,"tab\there"}', 'happy', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
           E'line\nnew\ttab\\back \u00e9 \U0001F600', 1e-310, true),
          (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
          (-0.5, 'infinity', 'infinity', '-1 days', 'null', '[]', '\x', '{}', '{}', 'sad', NULL, '', 'NaN', false);
        INSERT INTO ser (name) VALUES ('one'), ('two'), ('three'); DELETE FROM ser WHERE name = 'two';
        INSERT INTO comp VALUES ('b', 2, 'x'), ('B', 10, 'y'), ('b', 10, 'z'), ('ä', 1, NULL), ('a b', -5, 'w'), ('a', 1, '\N');
        INSERT INTO nopk VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, 'x');
        INSERT INTO child VALUES (1, 1, 'Hello'), (2, NULL, NULL), (3, 3, 'x');
        INSERT INTO other.things VALUES ('00000000-0000-0000-0000-000000000001', 'one');
        """#

    @Test("the type zoo round-trips into a fresh database: schema and every row", .timeLimit(.minutes(2)))
    func typeZoo() throws {
        try TestServer.withDatabase { source in
            try TestServer.execute(source, Self.zoo)
            try TestServer.withDatabase { target in
                try TestServer.copy(from: source, to: target)
                let before = try TestServer.snapshot(source)
                let after = try TestServer.snapshot(target)
                #expect(before.0 == after.0)
                #expect(TestServer.equal(before, after))
                let zoo = try #require(before.1["public.zoo"])
                #expect(zoo.count == 3)
                let first = zoo[0].1.columns
                #expect(first.first { $0.name == Array("n".utf8) }?.value
                        == .text("12345678901234567890123456789012345678.12345678901234567890"))
                #expect(first.first { $0.name == Array("b".utf8) }?.value == .text(#"\x00ff5c0a09"#))
                #expect(first.first { $0.name == Array("ts".utf8) }?.value == .text("2024-02-29 18:29:59.123456+00"))
                #expect(first.first { $0.name == Array("ta".utf8) }?.value == .text(#"{"a b","c\"d","e\\f",NULL,tabthere}"#))
                #expect(!first.contains { $0.name == Array("total".utf8) })
                #expect(zoo[1].1.columns.dropFirst().allSatisfy { $0.value == .null })
                let comp = try #require(before.1["public.comp"]).map(\.0)
                #expect(comp == comp.sorted())
                #expect(comp.first == .composite([.text("B"), .integer(10)]))
                #expect(try #require(before.1["public.nopk"]).count == 4)
                #expect(before.0.table(named: "public.comp")?.storageParameters == ["fillfactor=90", "autovacuum_enabled=false"])
                let counter = try #require(after.0.sequences.first { $0.name == "counter" })
                #expect(counter.lastValue == 105 && counter.isCalled)
                // Identity and serial sequences continue where the source stopped.
                try TestServer.execute(target, "INSERT INTO zoo (t) VALUES ('new'); INSERT INTO ser (name) VALUES ('four')")
                let check = try PGConnection(uri: target)
                defer { check.close() }
                #expect(try check.query("SELECT max(id) FROM zoo") == [["4"]])
                #expect(try check.query("SELECT id FROM ser WHERE name = 'four'") == [["4"]])
            }
        }
    }

    @Test("a non-empty target is refused without force and replaced with it", .timeLimit(.minutes(2)))
    func nonEmptyTarget() throws {
        try TestServer.withDatabase { source in
            try TestServer.execute(source, Self.zoo)
            try TestServer.withDatabase { target in
                try TestServer.execute(target, "CREATE TABLE zoo (x int)")
                #expect { try PostgresTarget(uri: target, force: false) } throws: { error in
                    (error as? PGError)?.code == .targetNotEmpty
                }
                try TestServer.copy(from: source, to: target, force: true)
                #expect(TestServer.equal(try TestServer.snapshot(source), try TestServer.snapshot(target)))
            }
        }
    }
}
