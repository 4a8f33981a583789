import AmberKit
import AmberStorage
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `amber forget` end to end: daily snapshots made with `backup --time`, a policy, the dry run,
/// the real run, and what is left restores.
@Suite(.serialized)
struct ForgetTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// What `--keep-daily 7 --keep-weekly 4` keeps of 2024-01-01 … 2024-01-30 at noon: the last
    /// seven days, and the newest of the ISO weeks ending on the 28th, 21st and 14th.
    static let expectedKept: Set<String> = Set(([14, 21] + Array(24...30)).map { day in
        "2024-01-\(day < 10 ? "0" : "")\(day)T12:00:00.000000Z"
    })

    /// A repository with one snapshot a day at noon UTC from 2024-01-01; the file `data/day`
    /// holds the day's number so a restore shows which snapshot it came from.
    private func makeDailySeries(days: Int) throws {
        let r = amber.run(["init"])
        try #require(r.code == 0, "\(r.stderr)")
        let source = temp.sub("data")
        mkdir(source, 0o755)
        for day in 1...days {
            writeFile(source + "/day", Array("day \(day)\n".utf8))
            let time = "2024-01-\(day < 10 ? "0" : "")\(day)T12:00:00Z"
            let backup = amber.run(["backup", source, "--host", "h", "--time", time, "--no-cache", "-q"])
            try #require(backup.code == 0, "\(backup.stderr)")
        }
    }

    private func snapshotList() throws -> [[String: Any]] {
        let r = amber.run(["snapshots", "--json"])
        try #require(r.code == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    }

    private func forgetJSON(_ arguments: [String]) throws -> [[String: Any]] {
        let r = amber.run(["forget", "--json"] + arguments)
        try #require(r.code == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], "\(r.stdout)")
    }

    private func times(_ snapshots: Any?) -> Set<String> {
        Set((snapshots as? [[String: Any]] ?? []).compactMap { $0["time"] as? String })
    }

    @Test func dryRunListsWhatThePolicyKeepsAndRemovesNothing() throws {
        try makeDailySeries(days: 30)
        let before = try snapshotList()
        let groups = try forgetJSON(["--keep-daily", "7", "--keep-weekly", "4", "--dry-run"])
        try #require(groups.count == 1)
        let group = groups[0]
        #expect(group["host"] as? String == "h")
        #expect(group["paths"] as? [String] == [temp.sub("data")])
        #expect(times(group["keep"]) == Self.expectedKept)
        #expect((group["remove"] as? [Any])?.count == 21)
        let reasons = group["reasons"] as? [[String: Any]] ?? []
        #expect(reasons.count == 9)
        #expect(reasons.first?["matches"] as? [String] == ["daily snapshot", "weekly snapshot"])
        #expect((reasons.first?["snapshot"] as? [String: Any])?["time"] as? String == "2024-01-30T12:00:00.000000Z")

        // RetentionPolicy on the listed snapshots agrees.
        let records = try before.map { s in
            let id = try #require(BlobID(hex: s["id"] as? String ?? ""))
            let snapshot = Snapshot(time: s["time"] as? String ?? "", host: s["host"] as? String ?? "", username: "",
                                    tags: s["tags"] as? [String] ?? [], sources: s["sources"] as? [String] ?? [], tree: id,
                                    parent: nil, program: "", stats: Snapshot.Statistics())
            return SnapshotRecord(snapshotID: id, snapshot: snapshot)
        }
        let decided = RetentionPolicy(keepDaily: 7, keepWeekly: 4).apply(to: records)
        #expect(Set(decided.filter(\.keep).map(\.record.snapshot.time)) == Self.expectedKept)
        #expect(Set(decided.filter(\.keep).map(\.record.id.hex)) == Set((group["keep"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }))

        #expect(try snapshotList().count == 30, "a dry run removes nothing")
        let text = amber.run(["forget", "--keep-daily", "7", "--keep-weekly", "4", "-n"])
        #expect(text.code == 0)
        #expect(text.stdout.contains("Applying Policy: keep 7 daily, 4 weekly snapshots"))
        #expect(text.stdout.contains("keep 9 snapshots:") && text.stdout.contains("would remove 21 snapshots:"))
        #expect(try snapshotList().count == 30)
    }

    @Test func forgetRemovesExactlyTheOthersAndTheKeptOnesRestore() throws {
        try makeDailySeries(days: 30)
        let planned = try forgetJSON(["--keep-daily", "7", "--keep-weekly", "4", "--dry-run"])[0]
        let keepIDs = Set((planned["keep"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        let removeIDs = Set((planned["remove"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
        #expect(keepIDs.count == 9 && removeIDs.count == 21)

        let groups = try forgetJSON(["--keep-daily", "7", "--keep-weekly", "4"])
        #expect(Set((groups[0]["keep"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }) == keepIDs)
        let left = try snapshotList()
        #expect(Set(left.compactMap { $0["id"] as? String }) == keepIDs)
        #expect(Set(left.compactMap { $0["time"] as? String }) == Self.expectedKept)
        let files = try FileManager.default.contentsOfDirectory(atPath: temp.sub("repo") + "/snapshots")
        #expect(Set(files) == keepIDs, "exactly the kept snapshot files remain")

        for snapshot in left {
            let id = try #require(snapshot["short_id"] as? String)
            let time = try #require(snapshot["time"] as? String)
            let target = temp.sub("restore-" + id)
            let r = amber.run(["restore", id, "--target", target])
            #expect(r.code == 0, "\(r.stderr)")
            let day = Int(time.dropFirst(8).prefix(2))!
            #expect(FileManager.default.contents(atPath: target + "/data/day") == Data("day \(day)\n".utf8), "snapshot \(time)")
        }
        let check = amber.run(["check"])
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")

        // Applying the same policy again removes nothing more.
        let again = try forgetJSON(["--keep-daily", "7", "--keep-weekly", "4"])
        #expect((again[0]["remove"] as? [Any])?.isEmpty == true)
    }

    @Test func refusesWithoutAPolicyAndRefusesToEmptyAGroup() throws {
        try makeDailySeries(days: 4)
        let bare = amber.run(["forget"])
        #expect(bare.code == 1 && bare.stderr.contains("no policy given"), "\(bare.stderr)")
        let mistyped = amber.run(["forget", "--keep-tag", "no-such-tag"])
        #expect(mistyped.code == 1 && mistyped.stderr.contains("refusing to remove every snapshot"), "\(mistyped.stderr)")
        let both = amber.run(["forget", "latest", "--keep-last", "1"])
        #expect(both.code == 1 && both.stderr.contains("not both"), "\(both.stderr)")
        #expect(amber.run(["forget", "--keep-daily", "-2"]).code != 0)
        #expect(amber.run(["forget", "--keep-within", "3w"]).stderr.contains("is not a duration"))
        #expect(try snapshotList().count == 4, "nothing was removed")
    }

    /// The issue's acceptance run: 30 daily snapshots, `forget --keep-daily 7 --keep-weekly 4 --prune`:
    /// the repository shrinks, `check --read-data` is clean and every kept snapshot restores.
    @Test func forgetWithPruneShrinksTheRepositoryAndKeepsWhatItShould() throws {
        #expect(amber.run(["init"]).code == 0)
        let source = temp.sub("data")
        mkdir(source, 0o755)
        writeFile(source + "/shared.bin", pseudoRandomBytes(300_000, seed: 999))
        for day in 1...30 {
            writeFile(source + "/day", Array("day \(day)\n".utf8) + pseudoRandomBytes(200_000, seed: UInt64(day)))
            let time = "2024-01-\(day < 10 ? "0" : "")\(day)T12:00:00Z"
            let backup = amber.run(["backup", source, "--host", "h", "--time", time, "--no-cache", "-q"])
            try #require(backup.code == 0, "\(backup.stderr)")
        }
        let before = repositorySize()
        let forget = amber.run(["forget", "--keep-daily", "7", "--keep-weekly", "4", "--prune"])
        #expect(forget.code == 0, "\(forget.stderr)")
        let after = repositorySize()
        // 21 forgotten days of 200 kB of random bytes each: at least 3 MB go.
        #expect(after < before - 3_000_000, "repository \(before) → \(after) bytes")
        let kept = try snapshotList()
        #expect(kept.count == 9)
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")
        for snapshot in kept {
            let id = try #require(snapshot["short_id"] as? String)
            let time = try #require(snapshot["time"] as? String)
            let day = Int(time.dropFirst(8).prefix(2))!
            let target = temp.sub("restore-\(id)")
            #expect(amber.run(["restore", id, "--target", target]).code == 0)
            #expect(FileManager.default.contents(atPath: target + "/data/day") == Data(Array("day \(day)\n".utf8) + pseudoRandomBytes(200_000, seed: UInt64(day))))
            #expect(FileManager.default.contents(atPath: target + "/data/shared.bin") == Data(pseudoRandomBytes(300_000, seed: 999)))
        }
    }

    private func repositorySize() -> Int {
        var total = 0
        let root = temp.sub("repo")
        for item in FileManager.default.enumerator(atPath: root)!.compactMap({ $0 as? String }) {
            total += (try? FileManager.default.attributesOfItem(atPath: root + "/" + item)[.size] as? Int) ?? 0
        }
        return total
    }

    @Test func forgetsByIDAndHonoursFilters() throws {
        try makeDailySeries(days: 4)
        let list = try snapshotList()
        let first = try #require(list.first?["short_id"] as? String)
        #expect(amber.run(["forget", "--host", "elsewhere", "--keep-last", "1"]).code == 0)
        #expect(try snapshotList().count == 4, "no snapshot of that host")
        let unlimited = try forgetJSON(["--keep-daily", "unlimited", "--dry-run"])
        #expect((unlimited[0]["keep"] as? [Any])?.count == 4)

        let r = amber.run(["forget", first])
        #expect(r.code == 0 && r.stdout.contains("removed snapshot \(first)"), "\(r.stderr)")
        let left = try snapshotList()
        #expect(left.count == 3 && !left.contains { $0["short_id"] as? String == first })
        #expect(amber.run(["forget", first]).code == 1, "an id that is gone")
    }

    /// `forget` only removes snapshot files, so it runs beside backups, restores and checks
    /// (shared locks: a host's nightly backup must not fail because another host forgets), and
    /// is kept apart from prunes, syncs and other forgets (maintenance locks) and from
    /// compactions (exclusive). The backup that held the shared lock then completes and checks.
    @Test func runsBesideBackupsButNotBesidePrunes() throws {
        try makeDailySeries(days: 3)
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        let backup = try RepositoryLock.acquire(repository, mode: .shared)
        let forgot = amber.run(["forget", "--keep-last", "2"])
        #expect(forgot.code == 0, "a running backup does not stop a forget: \(forgot.stderr)")
        #expect(try snapshotList().count == 2)
        backup.release()

        for mode in [LockMode.maintenance, .exclusive] {
            let held = try RepositoryLock.acquire(repository, mode: mode)
            let blocked = amber.run(["forget", "--keep-last", "1"])
            #expect(blocked.code == 11, "\(mode): \(blocked.stderr)")
            #expect(try snapshotList().count == 2, "\(mode): nothing removed")
            held.release()
        }
        #expect(amber.run(["forget", "--keep-last", "1"]).code == 0)
        #expect(try snapshotList().count == 1)
        let check = amber.run(["check"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")
    }

    /// What a backup, restore or check sees when a forget beside it removes a snapshot between
    /// its listing of `snapshots/` and its reading: the snapshot is left out, not an error.
    @Test func aSnapshotForgottenWhileListedIsLeftOut() throws {
        try makeDailySeries(days: 3)
        let local = LocalBackend(path: temp.sub("repo"))
        let stale = StaleSnapshotListing(base: local, snapshots: try local.list(.snapshots))
        let first = try #require(try snapshotList().first?["short_id"] as? String)
        #expect(amber.run(["forget", first]).code == 0)
        let repository = try Repository.open(backend: stale, password: Array(amber.password.utf8))
        try repository.loadIndex()
        #expect(try repository.listSnapshots().count == 2)
        #expect(try repository.reachableBlobs().snapshots == 2)
        let report = try Checker(repository: repository).run(readData: .all)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.snapshots == 2)
    }
}

/// A backend whose listing of `snapshots/` was taken before some were removed.
private struct StaleSnapshotListing: Backend {
    let base: LocalBackend
    let snapshots: [(name: String, size: Int)]
    var location: String { base.location }
    func create() throws(BackendError) { try base.create() }
    func save(_ handle: AmberStorage.FileHandle, _ bytes: [UInt8]) throws(BackendError) { try base.save(handle, bytes) }
    func load(_ handle: AmberStorage.FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try base.load(handle, offset: offset, length: length)
    }
    func size(_ handle: AmberStorage.FileHandle) throws(BackendError) -> Int { try base.size(handle) }
    func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] {
        kind == .snapshots ? snapshots : try base.list(kind)
    }
    func remove(_ handle: AmberStorage.FileHandle) throws(BackendError) { try base.remove(handle) }
    func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) {
        try base.removeAbandonedTemporaries(olderThan: age)
    }
}
