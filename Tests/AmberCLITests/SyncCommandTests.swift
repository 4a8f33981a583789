import Foundation
import Testing

/// The `sync --json` report, as far as the tests read it.
struct SyncJSON: Decodable {
    struct Counts: Decodable {
        let copiedFiles: Int
        let presentFiles: Int
        let deletedFiles: Int
    }
    let kinds: [String: Counts]
    let copiedFiles: Int
    let copiedBytes: Int64
    let deletedFiles: Int
    let verifiedContents: Bool

    init(_ result: RunResult) throws {
        // snake_case on the wire, as every --json output.
        #expect(result.stdout.contains("\"copied_files\"") && !result.stdout.contains("copiedFiles"), "\(result.stdout)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        self = try decoder.decode(SyncJSON.self, from: Data(result.stdout.utf8))
    }
}

/// `amber sync --to DIR`: the copy is a complete repository that restores without the original.
@Suite(.serialized)
struct SyncCommandTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// After `key rotate`, `key passwd` and `key retire` the config is sealed anew: a sync with
    /// `--delete` into the earlier copy replaces it (the new config lists the old one's SHA-256;
    /// the copy's key file does not open with the new password) and leaves nothing of the old
    /// key generation there; without `--delete`
    /// (which would keep files the new key file cannot open) it is refused, changing nothing;
    /// a different repository's location is still refused.
    @Test func aRetiredRepositorySyncsIntoItsEarlierCopy() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let copy = temp.sub("copy")
        #expect(amber.run(["sync", "--to", copy]).code == 0)
        let configBefore = try Data(contentsOf: URL(fileURLWithPath: copy + "/config"))
        let stale = temp.sub("stale")
        try FileManager.default.copyItem(atPath: copy, toPath: stale)
        #expect(amber.run(["key", "rotate"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        // A new password too: the copy's key file no longer opens with it, which must not matter.
        var renamed = amber
        renamed.extraEnvironment["AMBER_NEW_PASSWORD"] = "new secret"
        #expect(renamed.run(["key", "passwd"]).code == 0)
        var user = amber
        user.password = "new secret"
        let retire = user.run(["key", "retire"])
        #expect(retire.code == 0, "\(retire.stdout) \(retire.stderr)")
        let keeping = user.run(["sync", "--to", copy])
        #expect(keeping.code == 1 && keeping.stderr.contains("--delete"), "\(keeping.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy + "/config")) == configBefore)
        let sync = user.run(["sync", "--to", copy, "--delete", "--json"])
        #expect(sync.code == 0, "\(sync.stderr)")
        #expect(try SyncJSON(sync).kinds["config"]?.copiedFiles == 1)
        let configAfter = try Data(contentsOf: URL(fileURLWithPath: copy + "/config"))
        #expect(configAfter != configBefore)
        #expect(configAfter == (try Data(contentsOf: URL(fileURLWithPath: copy + "/copies/config"))))
        #expect(configAfter == (try Data(contentsOf: URL(fileURLWithPath: temp.sub("repo") + "/config"))))
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy + "/keys")
                == FileManager.default.contentsOfDirectory(atPath: temp.sub("repo") + "/keys"))

        var fromCopy = user
        fromCopy.repository = copy
        let check = fromCopy.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")
        let target = temp.sub("restore")
        #expect(fromCopy.run(["restore", "latest", "--target", target]).code == 0)
        #expect(TreeFixture.differences(source, target + "/data") == [])

        // The other way round: the stale copy is not an earlier copy of the retired repository.
        var fromStale = amber
        fromStale.repository = stale
        let configNow = try Data(contentsOf: URL(fileURLWithPath: temp.sub("repo") + "/config"))
        let backwards = fromStale.run(["sync", "--to", temp.sub("repo"), "--delete"])
        #expect(backwards.code == 1 && backwards.stderr.contains("holds a different repository"), "\(backwards.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: temp.sub("repo") + "/config")) == configNow)

        // Another repository (same password) is still not a copy of this one.
        var other = amber
        other.repository = temp.sub("other")
        #expect(other.run(["init"]).code == 0)
        let refused = user.run(["sync", "--to", temp.sub("other")])
        #expect(refused.code == 1 && refused.stderr.contains("holds a different repository"), "\(refused.stderr)")
    }

    @Test func syncToADirectoryThenRestoreFromTheCopy() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        let backup = amber.run(["backup", source])
        #expect(backup.code == 0, "\(backup.stderr)")

        let copy = temp.sub("copy")
        let sync = amber.run(["sync", "--to", copy, "--verify", "--parallel", "3", "--json"])
        #expect(sync.code == 0, "\(sync.stderr)")
        let report = try SyncJSON(sync)
        #expect(report.verifiedContents)
        #expect(report.kinds["config"]?.copiedFiles == 1)
        #expect(report.kinds["snapshots"]?.copiedFiles == 1)
        #expect(report.copiedFiles > 3)

        let again = try SyncJSON(amber.run(["sync", "--to", copy, "--json"]))
        #expect(again.copiedFiles == 0)
        #expect(again.copiedBytes == 0)

        try FileManager.default.removeItem(atPath: temp.sub("repo"))
        var fromCopy = amber
        fromCopy.repository = copy
        let check = fromCopy.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stderr)")
        let target = temp.sub("restore")
        let restore = fromCopy.run(["restore", "latest", "--target", target])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(TreeFixture.differences(source, target + "/data") == [])
    }

    @Test func interruptedSyncResumes() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        // A directory where one pack belongs makes its save fail, midway through the packs.
        let packs = try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo/data")).filter { $0.count == 67 }.sorted()
        try #require(packs.count >= 2)
        let copy = temp.sub("copy")
        let blocker = copy + "/data/" + packs[packs.count / 2]
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)

        let failed = amber.run(["sync", "--to", copy, "--parallel", "1"])
        #expect(failed.code == 1)
        #expect(!FileManager.default.fileExists(atPath: copy + "/config"))
        var fromCopy = amber
        fromCopy.repository = copy
        #expect(fromCopy.run(["snapshots"]).code == 10)

        try FileManager.default.removeItem(atPath: blocker)
        let resumed = try SyncJSON(amber.run(["sync", "--to", copy, "--json"]))
        #expect(resumed.kinds["keys"]?.presentFiles == 1)
        #expect((resumed.kinds["data"]?.presentFiles ?? 0) >= 1)
        #expect(resumed.kinds["config"]?.copiedFiles == 1)
        let target = temp.sub("restore")
        #expect(fromCopy.run(["restore", "latest", "--target", target]).code == 0)
        #expect(TreeFixture.differences(source, target + "/data") == [])
    }

    @Test func deleteFollowsForget() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        #expect(amber.run(["backup", source, "--tag", "second"]).code == 0)
        let copy = temp.sub("copy")
        #expect(amber.run(["sync", "--to", copy]).code == 0)
        let forget = amber.run(["forget", "--keep-last", "1"])
        #expect(forget.code == 0, "\(forget.stderr)")

        let kept = try SyncJSON(amber.run(["sync", "--to", copy, "--json"]))
        #expect(kept.deletedFiles == 0)
        let deleted = try SyncJSON(amber.run(["sync", "--to", copy, "--delete", "--json"]))
        #expect(deleted.kinds["snapshots"]?.deletedFiles == 1)
        var fromCopy = amber
        fromCopy.repository = copy
        let snapshots = fromCopy.run(["snapshots", "--json"])
        #expect(snapshots.code == 0, "\(snapshots.stderr)")
        #expect(snapshots.stdout.contains("second"))
    }

    @Test func refusesItselfAndAWrongPassword() {
        #expect(amber.run(["init"]).code == 0)
        let itself = amber.run(["sync", "--to", temp.sub("repo")])
        #expect(itself.code == 1)
        #expect(itself.stderr.contains("the repository itself"), "\(itself.stderr)")
        let wrong = amber.run(["sync", "--to", temp.sub("copy")], password: "wrong")
        #expect(wrong.code == 12)
        #expect(!FileManager.default.fileExists(atPath: temp.sub("copy") + "/config"))
    }

    @Test func refusesADifferentRepository() {
        #expect(amber.run(["init"]).code == 0)
        var other = amber
        other.repository = temp.sub("other")
        #expect(other.run(["init"]).code == 0)
        let result = amber.run(["sync", "--to", temp.sub("other")])
        #expect(result.code == 1)
        #expect(result.stderr.contains("different repository"), "\(result.stderr)")
    }
}
