import Foundation
import Testing

/// A backup killed after writing some packs, and before writing its index, is resumed by the next
/// one: the packs it left are indexed from their headers and reused, so the rerun stores only the
/// rest (the issue: 203 MB of a 300 MB backup written, then all 300 MB stored again).
@Suite(.serialized)
struct ResumeTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func packs() -> [String] {
        (FileManager.default.enumerator(atPath: temp.sub("repo/data"))?.allObjects as? [String] ?? [])
            .filter { $0.count == 67 && !$0.contains(".tmp") }
    }

    /// Starts `amber backup source`, kills it (SIGKILL) once `count` packs are stored, and returns
    /// how many packs it left. Its lock stays, stale (its process is gone).
    private func backupKilled(_ source: String, afterPacks count: Int) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AmberRunner.executable)
        process.arguments = ["backup", source, "--no-cache"]
        process.environment = ["PATH": "/usr/bin:/bin", "AMBER_REPOSITORY": temp.sub("repo"), "AMBER_PASSWORD": amber.password,
                               "AMBER_SCRYPT_TESTING": "1", "HOME": "/nonexistent"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while packs().count < count, process.isRunning, Date() < deadline { usleep(5_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return packs().count
    }

    @Test func anInterruptedBackupIsResumed() throws {
        let source = temp.sub("data")
        mkdir(source, 0o755)
        try runTool(["dd", "if=/dev/urandom", "of=\(source)/random.bin", "bs=1M", "count=128", "status=none"])
        #expect(amber.run(["init"]).code == 0)

        // Start a backup and kill it once three packs are stored.
        let left = try backupKilled(source, afterPacks: 3)
        try #require(left >= 3 && amber.run(["snapshots", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]",
                     "the backup was killed after writing packs and before its snapshot (\(left) packs)")
        let indexFiles = (try? FileManager.default.contentsOfDirectory(atPath: temp.sub("repo/index"))) ?? []
        #expect(indexFiles.isEmpty, "no index yet: the packs are unindexed")

        let resumed = amber.run(["backup", source, "--no-cache", "--json"])
        #expect(resumed.code == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming: \(left) packs an interrupted backup left are reused"), "\(resumed.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(resumed.stdout.split(separator: "\n").last!.utf8)) as? [String: Any])
        let added = try #require(summary["added_bytes"] as? Int)
        // At least the left packs' worth (16 MiB each, less a last partial one) is not stored again.
        #expect(added <= 128 << 20 - (left - 1) * (15 << 20), "added \(added) bytes with \(left) packs reused")
        #expect(amber.run(["check", "--read-data"]).code == 0)
        let out = temp.sub("out")
        #expect(amber.run(["restore", "latest", "--target", out]).code == 0)
        #expect(try runTool(["cmp", source + "/random.bin", out + "/data/random.bin"]) == "")
    }

    /// A backup that finds bad input while storing an NDJSON file removes the packs it saved,
    /// except when another backup may adopt them: with a stale lock in the repository (here a
    /// killed backup's) they stay unindexed, and `prune` removes them once the lock is gone.
    @Test func packsOfABadCollectionStayWhenAStaleLockExists() throws {
        let source = temp.sub("data")
        mkdir(source, 0o755)
        try runTool(["dd", "if=/dev/urandom", "of=\(source)/random.bin", "bs=1M", "count=64", "status=none"])
        #expect(amber.run(["init"]).code == 0)
        let killed = try backupKilled(source, afterPacks: 1)
        try #require(killed >= 1, "the backup was killed after writing a pack")

        let random = Array(try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: 4500 * 12000).base64EncodedString().utf8)
        var lines = (0..<12000).map { i in "{\"_id\":\(i),\"text\":\"\(String(decoding: random[(i * 6000)..<((i + 1) * 6000)], as: UTF8.self))\"}" }
        lines.append("{\"_id\":11999}")
        let ndjson = temp.sub("users.ndjson")
        FileManager.default.createFile(atPath: ndjson, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        let bad = amber.run(["backup", "ndjson:" + ndjson])
        #expect(bad.code == 1 && bad.stderr.contains("duplicate id"), "\(bad.stderr)")
        #expect(packs().count > killed, "the failed backup's packs are kept while a stale lock exists")

        #expect(amber.run(["unlock"]).code == 0)
        let prune = amber.run(["prune"])
        #expect(prune.code == 0, "\(prune.stderr)")
        #expect(packs().isEmpty, "prune removes what no snapshot uses: \(packs())")
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }
}
