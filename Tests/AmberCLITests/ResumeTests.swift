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

    @Test func anInterruptedBackupIsResumed() throws {
        let source = temp.sub("data")
        mkdir(source, 0o755)
        try runTool(["dd", "if=/dev/urandom", "of=\(source)/random.bin", "bs=1M", "count=128", "status=none"])
        #expect(amber.run(["init"]).code == 0)

        // Start a backup and kill it once three packs are stored.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AmberRunner.executable)
        process.arguments = ["backup", source, "--no-cache"]
        process.environment = ["PATH": "/usr/bin:/bin", "AMBER_REPOSITORY": temp.sub("repo"), "AMBER_PASSWORD": amber.password,
                               "AMBER_SCRYPT_TESTING": "1", "HOME": "/nonexistent"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while packs().count < 3, process.isRunning, Date() < deadline { usleep(5_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let left = packs().count
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
}
