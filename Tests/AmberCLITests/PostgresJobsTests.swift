import AmberKit
import Foundation
import Testing

/// `backup --jobs`: a PostgreSQL database's tables read by several connections in one exported
/// snapshot. Judged by `pg_dump` (the restored database equals the source, structure and rows)
/// and by amber's own diff against a backup read by one connection (no document differs).
/// Runs when the test server is up.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] != nil))
struct PostgresJobsTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    let server = ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] ?? ""

    private func sql(_ uri: String, _ text: String) throws { try TestPostgres.execute(uri, text) }

    private func snapshotIDs() throws -> [String] {
        let output = amber.run(["snapshots", "--json"]).stdout
        let list = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
        return list.compactMap { $0["id"] as? String }
    }

    @Test func tablesReadInParallelComeBackAsPgDumpSeesThem() throws {
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let names = ["amber_jobs_src_\(suffix)", "amber_jobs_dst_\(suffix)"]
        for name in names { try sql(server, "CREATE DATABASE \(name)") }
        defer { for name in names { try? sql(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let source = TestPostgres.database(names[0], on: server), target = TestPostgres.database(names[1], on: server)
        // The structure test's database, and a few larger tables so that every reader has rows.
        try sql(source, PostgresStructureTests.structure + """
            ;
            CREATE TABLE public.big1 AS SELECT i AS id, md5(i::text) AS v FROM generate_series(1, 20000) i;
            ALTER TABLE public.big1 ADD PRIMARY KEY (id);
            CREATE TABLE public.big2 (k text PRIMARY KEY, n numeric);
            INSERT INTO public.big2 SELECT 'k' || i, i / 7.0 FROM generate_series(1, 15000) i;
            CREATE TABLE public.nokey AS SELECT i % 100 AS a FROM generate_series(1, 3000) i;
            """)

        #expect(amber.run(["init"]).code == 0)
        let parallel = amber.run(["backup", source, "--jobs", "3"])
        #expect(parallel.code == 0, "\(parallel.stderr)")
        // Warnings of every reader reach the user.
        #expect(parallel.stderr.contains("app.loose has no primary key") && parallel.stderr.contains("public.nokey has no primary key"),
                "\(parallel.stderr)")
        let restore = amber.run(["restore", "latest", "--target", target, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(try TestPostgres.dump(target, "--schema-only") == TestPostgres.dump(source, "--schema-only"))
        #expect(try TestPostgres.dump(target, "--data-only") == TestPostgres.dump(source, "--data-only"))

        // One connection reads the same documents: the collections' canonical trees are equal.
        let single = amber.run(["backup", source, "--jobs", "1", "--force"])
        #expect(single.code == 0, "\(single.stderr)")
        let ids = try snapshotIDs()
        #expect(ids.count == 2)
        let diff = amber.run(["diff", ids[0], ids[1], "--json"])
        #expect(diff.code == 0 && !diff.stdout.contains("\"added\":[\"") && !diff.stdout.contains("\"changed\":[\"")
                && !diff.stdout.contains("\"removed\":[\""), "\(diff.stdout)")
        #expect(amber.run(["backup", source, "--jobs", "0"]).code == 1)

        // A role allowed two connections (the first and pg_dump's): the readers the server
        // refuses leave their tables to the others, with a note, and the backup is whole.
        let role = "amber_jobs_\(suffix)"
        try sql(server, "CREATE ROLE \(role) LOGIN PASSWORD 'pw' CONNECTION LIMIT 2; GRANT pg_read_all_data TO \(role)")
        defer { try? sql(server, "DROP ROLE IF EXISTS \(role)") }
        let start = source.range(of: "://")!.upperBound, at = source[start...].firstIndex(of: "@")!
        let limited = String(source[..<start]) + "\(role):pw" + String(source[at...])
        let refused = amber.run(["backup", limited, "--jobs", "3", "--force"])
        #expect(refused.code == 0 && refused.stderr.contains("instead of --jobs 3"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("pw@"), "\(refused.stderr)")
        let last = try #require(try snapshotIDs().last)
        let same = amber.run(["diff", ids[1], last, "--json"])
        #expect(same.code == 0 && !same.stdout.contains("\"added\":[\"") && !same.stdout.contains("\"changed\":[\"")
                && !same.stdout.contains("\"removed\":[\""), "\(same.stdout)")
    }
}
