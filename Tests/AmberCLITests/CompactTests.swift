import AmberKit
import Foundation
import Testing

/// `amber compact`: backups add runs only; compact merges them in the latest snapshot, which is
/// replaced by one with the same contents, checked with `sqlite3 .dump` of restored databases.
@Suite(.serialized)
struct CompactTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func sqlite(_ path: String, _ sql: String) throws { try runTool(["sqlite3", path, sql]) }
    private func dump(_ path: String) throws -> String { try runTool(["sqlite3", path, ".dump"]) }

    private func snapshots() throws -> [[String: Any]] {
        let r = amber.run(["snapshots", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    }

    private func restoredDump(_ snapshot: String, _ name: String) throws -> String {
        let target = temp.sub(name)
        let r = amber.run(["restore", snapshot, "--target", "sqlite:" + target])
        try #require(r.code == 0, "\(r.stderr)")
        return try dump(target)
    }

    private func compact(_ arguments: [String] = []) throws -> [String: Any] {
        let r = amber.run(["compact", "--json"] + arguments)
        try #require(r.code == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func compactMergesTheLatestSnapshotsRunsAndKeepsEverySnapshotRestorable() throws {
        let db = temp.sub("app.db")
        try sqlite(db, """
            CREATE TABLE items(id INTEGER PRIMARY KEY, n INTEGER, label TEXT);
            WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2000)
            INSERT INTO items SELECT i, i * 7, 'item ' || i FROM s;
            """)
        #expect(amber.run(["init"]).code == 0)
        var dumps = [String]()
        for day in 1...10 {
            if day > 1 {
                try sqlite(db, "UPDATE items SET n = n + \(day) WHERE id % 50 = \(day); DELETE FROM items WHERE id = \(day * 3); INSERT INTO items VALUES (\(5000 + day), \(day), 'new');")
            }
            #expect(amber.run(["backup", "sqlite:" + db]).code == 0)
            dumps.append(try dump(db))
        }
        let before = try snapshots().compactMap { $0["id"] as? String }
        try #require(before.count == 10)

        // Nine runs of tier 0 on the base: one merge is due; a dry run changes nothing.
        let dry = try compact(["--dry-run"])
        let planned = try #require((dry["replaced"] as? [[String: Any]])?.first?["collections"] as? [[String: Any]])
        #expect(planned.first?["action"] as? String == "merge" && planned.first?["runs_before"] as? Int == 9 && planned.first?["runs_after"] as? Int == 1, "\(dry)")
        #expect(try snapshots().compactMap { $0["id"] as? String } == before)

        let done = try compact()
        let replaced = try #require((done["replaced"] as? [[String: Any]])?.first)
        #expect(replaced["original"] as? String == before[9])
        let after = try snapshots()
        #expect(after.count == 10)
        #expect(after.compactMap { $0["id"] as? String }.prefix(9) == before.prefix(9))
        #expect(after.last?["id"] as? String == replaced["replacement"] as? String && after.last?["original"] as? String == before[9])
        #expect(after.last?["time"] as? String != nil)

        // Every snapshot restores as it was backed up, the replacement as the one it replaced.
        #expect(try restoredDump("latest", "latest.db") == dumps[9])
        #expect(try restoredDump(before[0], "first.db") == dumps[0])
        #expect(try restoredDump(before[4], "fifth.db") == dumps[4])
        #expect(amber.run(["check", "--read-data"]).code == 0)
        #expect(try compact()["replaced"] as? [Any] == nil || (try compact()["replaced"] as? [Any])?.isEmpty == true, "nothing is due any more")

        // The next backup builds on the compacted layers; prune drops the merged-away run.
        try sqlite(db, "UPDATE items SET label = 'changed' WHERE id = 7;")
        #expect(amber.run(["backup", "sqlite:" + db]).code == 0)
        #expect(amber.run(["prune"]).code == 0)
        #expect(try restoredDump("latest", "eleventh.db") == (try dump(db)))
        #expect(try restoredDump(before[8], "ninth.db") == dumps[8])
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }

    @Test func pruneCompactsFirstUnlessToldNotToOrLockedOut() throws {
        let db = temp.sub("prune.db")
        try sqlite(db, """
            CREATE TABLE items(id INTEGER PRIMARY KEY, n INTEGER);
            WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 500)
            INSERT INTO items SELECT i, i FROM s;
            """)
        #expect(amber.run(["init"]).code == 0)
        var dumps = [String]()
        for day in 1...9 {
            if day > 1 { try sqlite(db, "UPDATE items SET n = n + 1 WHERE id % 40 = \(day);") }
            #expect(amber.run(["backup", "sqlite:" + db]).code == 0)
            dumps.append(try dump(db))
        }
        let before = try snapshots().compactMap { $0["id"] as? String }
        func prune(_ arguments: [String]) throws -> [String: Any] {
            let r = amber.run(["prune", "--json"] + arguments)
            try #require(r.code == 0, "\(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        }

        // A backup's (shared) lock lets prune run but not compaction: it is named, not failed.
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        let lock = try RepositoryLock.acquire(repository, exclusive: false)
        let locked = try prune([])
        lock.release()
        #expect(locked["compaction"] == nil && (locked["compaction_deferred"] as? String)?.contains("lock") == true, "\(locked)")
        #expect(locked["packs_total"] as? Int != nil, "the prune's own members stay")
        let skipped = try prune(["--no-compact"])
        #expect(skipped["compaction"] == nil && skipped["compaction_deferred"] == nil)
        #expect(try snapshots().compactMap { $0["id"] as? String } == before)

        let done = try prune([])
        let compaction = try #require(done["compaction"] as? [String: Any], "\(done)")
        let replaced = try #require((compaction["replaced"] as? [[String: Any]])?.first)
        #expect(replaced["original"] as? String == before[8])
        #expect((replaced["collections"] as? [[String: Any]])?.first?["action"] as? String == "merge")
        #expect(try restoredDump("latest", "pruned-latest.db") == dumps[8])
        #expect(try restoredDump(before[0], "pruned-first.db") == dumps[0])
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }
}
