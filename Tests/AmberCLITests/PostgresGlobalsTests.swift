import AmberKit
import Foundation
import Testing

/// `backup --globals` keeps the server's roles and tablespaces as `pg_dumpall --globals-only`
/// writes them, and `restore --globals` recreates them before the database: with the roles
/// dropped after the backup, the restored database's objects find their owner again, and
/// `pg_dumpall --globals-only` itself (the oracle) prints the same lines for them as before.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] != nil))
struct PostgresGlobalsTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    let server = ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] ?? ""

    /// The lines of `pg_dumpall --globals-only` that mention `marker`.
    private func globals(mentioning marker: String) throws -> [String] {
        try runTool(["pg_dumpall", "--globals-only", "-d", server]).split(separator: "\n").map(String.init).filter { $0.contains(marker) }
    }

    @Test func rolesComeBackBeforeTheirObjects() throws {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let reader = "amber_reader_" + suffix, group = "amber_group_" + suffix
        let source = "globals_src_" + suffix, target = "globals_dst_" + suffix
        try TestPostgres.execute(server, """
            CREATE ROLE \(group) NOLOGIN;
            CREATE ROLE \(reader) LOGIN PASSWORD 'pw-\(suffix)' CONNECTION LIMIT 3 IN ROLE \(group);
            """)
        try TestPostgres.execute(server, "CREATE DATABASE \(source)")
        defer {
            try? TestPostgres.execute(server, "DROP DATABASE IF EXISTS \(source)")
            try? TestPostgres.execute(server, "DROP DATABASE IF EXISTS \(target)")
            try? TestPostgres.execute(server, "DROP ROLE IF EXISTS \(reader)")
            try? TestPostgres.execute(server, "DROP ROLE IF EXISTS \(group)")
        }
        try TestPostgres.execute(TestPostgres.database(source, on: server), """
            CREATE TABLE notes (id int PRIMARY KEY, body text);
            INSERT INTO notes VALUES (1, 'one'), (2, 'two');
            ALTER TABLE notes OWNER TO \(reader);
            GRANT SELECT ON notes TO \(group);
            """)
        let before = try globals(mentioning: suffix)
        #expect(before.count >= 3, "\(before)")  // two CREATE ROLE, an ALTER ROLE, the GRANT
        let sourceDump = try TestPostgres.dump(TestPostgres.database(source, on: server), "--schema-only")

        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", TestPostgres.database(source, on: server)]).code == 0)
        let backup = amber.run(["backup", "--globals", TestPostgres.database(source, on: server)])
        #expect(backup.code == 0, "\(backup.stderr)")

        // The roles go, with their database.
        for statement in ["DROP DATABASE \(source)", "DROP ROLE \(reader)", "DROP ROLE \(group)", "CREATE DATABASE \(target)"] {
            try TestPostgres.execute(server, statement)
        }
        #expect(try globals(mentioning: suffix).isEmpty)

        // A snapshot without globals refuses --globals, writing nothing.
        let without = amber.run(["restore", "--globals", try #require(snapshotIDs().first), "--target", TestPostgres.database(target, on: server)])
        #expect(without.code != 0 && without.stderr.contains("holds no roles"), "\(without.stderr)")
        #expect(try globals(mentioning: suffix).isEmpty)

        let restore = amber.run(["restore", "latest", "--globals", "--target", TestPostgres.database(target, on: server)])
        #expect(restore.code == 0 || restore.code == 3, "\(restore.stderr)")
        // The restoring user's own role exists already: psql says so, a warning.
        #expect(restore.stderr.contains("globals:") && restore.stderr.contains("already exists"), "\(restore.stderr)")
        #expect(try globals(mentioning: suffix) == before)
        #expect(try TestPostgres.dump(TestPostgres.database(target, on: server), "--schema-only") == sourceDump)
    }

    private func snapshotIDs() throws -> [String] {
        let json = amber.run(["snapshots", "--json"]).stdout
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return list.compactMap { $0["short_id"] as? String }
    }
}
