import AmberKit
import Foundation
import Testing

/// PostgreSQL through the CLI: backup a database, restore it into a fresh one (verified), change
/// the source, back up again, apply only the changes with --from. Runs when the test server is up
/// (`scripts/test` starts one: `AMBER_TEST_PG_URI`).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] != nil))
struct PostgresCollectionTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    let server = ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] ?? ""

    private func database(_ name: String) -> String { TestPostgres.database(name, on: server) }

    private func sql(_ uri: String, _ text: String) throws { try TestPostgres.execute(uri, text) }

    @Test func backupRestoreAndIncrementalRestoreThroughTheCLI() throws {
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let names = ["amber_cli_src_\(suffix)", "amber_cli_dst_\(suffix)"]
        for name in names { try sql(server, "CREATE DATABASE \(name)") }
        defer { for name in names { try? sql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let source = database(names[0]), target = database(names[1])
        try sql(source, """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TABLE accounts(id bigserial PRIMARY KEY, owner text NOT NULL, balance numeric(20,4) DEFAULT 0,
                                  opened timestamptz, feeling mood, data jsonb, tags text[], photo bytea);
            CREATE TABLE entries(account bigint REFERENCES accounts(id), seq int, amount numeric, PRIMARY KEY(account, seq));
            CREATE INDEX accounts_owner ON accounts(owner);
            INSERT INTO accounts(owner, balance, opened, feeling, data, tags, photo) VALUES
              ('ann', 12345678901234.5678, '2024-02-29 12:00:00+01', 'happy', '{"b":1,"a":[1,2]}', '{x,"y z"}', '\\x00ff'),
              ('bob', NULL, NULL, NULL, NULL, NULL, NULL);
            INSERT INTO entries VALUES (1, 1, 10.5), (1, 2, -3), (2, 1, 0.000001);
            """)
        #expect(amber.run(["init"]).code == 0)
        let first = amber.run(["backup", source])
        #expect(first.code == 0, "\(first.stderr)")
        #expect(!first.stdout.contains(server))
        // The snapshot records the source without the URI's password.
        let password = server.split(separator: "@").first.flatMap { $0.split(separator: ":").last }.map(String.init) ?? ""
        let listing = amber.run(["snapshots", "--json"]).stdout
        #expect(password.count > 3 && !listing.contains(password) && listing.contains(names[0]), "\(listing)")
        let restore = amber.run(["restore", "latest", "--target", target, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")

        try sql(source, "UPDATE accounts SET balance = 1 WHERE owner = 'bob'; DELETE FROM entries WHERE seq = 2; INSERT INTO entries VALUES (2, 2, 7);")
        #expect(amber.run(["backup", source]).code == 0)
        let r = amber.run(["snapshots", "--json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]).compactMap { $0["short_id"] as? String }
        let incremental = amber.run(["restore", ids[1], "--target", target, "--from", ids[0], "--verify", "--json"])
        #expect(incremental.code == 0, "\(incremental.stderr)")
        #expect(incremental.stdout.contains("\"inserted\":1") && incremental.stdout.contains("\"updated\":1") && incremental.stdout.contains("\"deleted\":1"), "\(incremental.stdout)")
        let diff = amber.run(["diff", ids[0], ids[1], "--json"])
        #expect(diff.stdout.contains("\"name\":\"public.entries\""), "\(diff.stdout)")
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }

    /// The source is opened while the repository is unlocked: a wrong repository password still
    /// exits 12 with nothing written, and a table of 300,000 rows then backs up and restores
    /// equal by `pg_dump`.
    @Test func wrongRepositoryPasswordWithADatabaseSourceWritesNothing() throws {
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let names = ["amber_pre_src_\(suffix)", "amber_pre_dst_\(suffix)"]
        for name in names { try sql(server, "CREATE DATABASE \(name)") }
        defer { for name in names { try? sql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let source = database(names[0]), target = database(names[1])
        try sql(source, """
            CREATE TABLE big(id int PRIMARY KEY, body text NOT NULL);
            INSERT INTO big SELECT i, repeat(md5(i::text), 8) FROM generate_series(1, 300000) i;
            CREATE TABLE small(id int PRIMARY KEY, note text);
            INSERT INTO small VALUES (1, 'one'), (2, NULL);
            """)
        #expect(amber.run(["init"]).code == 0)
        let wrong = amber.run(["backup", source], password: "not the password")
        #expect(wrong.code == 12, "\(wrong.stderr)")
        #expect(amber.run(["snapshots", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let backup = amber.run(["backup", source])
        #expect(backup.code == 0, "\(backup.stderr)")
        #expect(amber.run(["restore", "latest", "--target", target]).code == 0)
        #expect(try TestPostgres.dump(target, "--schema-only") == TestPostgres.dump(source, "--schema-only"))
        #expect(try TestPostgres.dump(target, "--data-only") == TestPostgres.dump(source, "--data-only"))
    }

    /// A wrong password, an unreachable server and a missing table: exit 1, a message naming the
    /// problem (and never the password), and no snapshot.
    /// Scattered updates, then a range of rows deleted: the second and third backups are runs
    /// stored column by column (the third only deletion markers of consecutive keys, 2 bytes
    /// each before compression), and both restore fully and incrementally, verified.
    @Test func columnarRunsOfUpdatesAndDeletionsRestore() throws {
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let names = ["amber_cols_src_\(suffix)", "amber_cols_dst_\(suffix)", "amber_cols_full_\(suffix)"]
        for name in names { try sql(server, "CREATE DATABASE \(name)") }
        defer { for name in names { try? sql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let source = database(names[0])
        try sql(source, """
            CREATE TABLE events(id int PRIMARY KEY, at timestamp NOT NULL, amount numeric(12,2), note text);
            INSERT INTO events SELECT i, timestamp '2026-01-01' + i * interval '1.5 second', (i % 1000) / 7.0,
                                      CASE WHEN i % 3 = 0 THEN NULL ELSE 'event ' || i END
              FROM generate_series(1, 30000) AS i;
            """)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        #expect(amber.run(["restore", "latest", "--target", database(names[1])]).code == 0)
        try sql(source, """
            UPDATE events SET amount = -amount, at = at + interval '0.000125 second' WHERE id % 97 = 0;
            INSERT INTO events VALUES (40001, '2026-11-25 17:41:33.82764', 1.5, 'new');
            """)
        #expect(amber.run(["backup", source]).code == 0)
        try sql(source, "DELETE FROM events WHERE id BETWEEN 10001 AND 12000")
        #expect(amber.run(["backup", source]).code == 0)
        let r = amber.run(["snapshots", "--json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]).compactMap { $0["short_id"] as? String }
        try #require(ids.count == 3)
        for (from, to) in [(0, 1), (1, 2)] {
            let step = amber.run(["restore", ids[to], "--target", database(names[1]), "--from", ids[from], "--verify", "--json"])
            #expect(step.code == 0, "\(step.stderr)")
        }
        let full = amber.run(["restore", ids[2], "--target", database(names[2]), "--verify"])
        #expect(full.code == 0, "\(full.stderr)")
        let diff = amber.run(["diff", ids[1], ids[2], "--json"])
        #expect(diff.code == 0 && diff.stdout.contains("\"removed\""), "\(diff.stdout)")
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }

    @Test func connectionAndTableErrorsExitOneAndWriteNoSnapshot() throws {
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let name = "amber_cli_err_\(suffix)"
        try sql(server, "CREATE DATABASE \(name)")
        defer { try? sql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let source = database(name)
        try sql(source, "CREATE TABLE t(id int PRIMARY KEY)")
        #expect(amber.run(["init"]).code == 0)

        let password = server.split(separator: "@").first.flatMap { $0.split(separator: ":").last }.map(String.init) ?? ""
        let wrong = source.replacingOccurrences(of: ":\(password)@", with: ":not-the-\(password.count)-char-password@")
        #expect(wrong != source)
        let badPassword = amber.run(["backup", wrong])
        #expect(badPassword.code == 1, "\(badPassword.stderr)")
        #expect(badPassword.stderr.contains("password authentication failed"), "\(badPassword.stderr)")
        #expect(!badPassword.stderr.contains("not-the-") && !badPassword.stderr.contains(password), "\(badPassword.stderr)")

        // A port nothing listens on: bind one, note it, close it.
        let closedPort = try freePort()
        let unreachable = amber.run(["backup", "postgresql://amber@127.0.0.1:\(closedPort)/\(name)?connect_timeout=5"])
        #expect(unreachable.code == 1, "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("127.0.0.1") && unreachable.stderr.lowercased().contains("connect"), "\(unreachable.stderr)")

        let missing = amber.run(["backup", source, "--table", "no_such_table"])
        #expect(missing.code == 1, "\(missing.stderr)")
        #expect(missing.stderr.contains("no_such_table"), "\(missing.stderr)")
        #expect(!missing.stderr.contains(password), "\(missing.stderr)")

        let listing = amber.run(["snapshots", "--json"])
        #expect(listing.code == 0 && listing.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(listing.stdout)")
    }

    /// A loopback TCP port with nothing listening on it (bound, then closed).
    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
