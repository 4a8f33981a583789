import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// End-to-end runs of the `amber` binary: init → backup → modify → backup → restore both →
/// compare trees byte for byte and metadata.
@Suite(.serialized)
struct BackupRestoreTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func backupModifyBackupRestoreBoth() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        let first = amber.run(["backup", source, "--tag", "first", "--json"])
        #expect(first.code == 0, "\(first.stderr)")
        let copy = temp.sub("copy-at-first")
        mkdir(copy, 0o755)
        #expect(shell("cp -a '\(source)' '\(copy)/data'") == 0)

        // Modify: change contents, append, delete, add, change a mode and a link.
        writeFile(source + "/readme.txt", textBytes(6_000, seed: 99), mtime: (1_610_000_000, 1))
        let big = source + "/big.bin"
        var bytes = Array(FileManager.default.contents(atPath: big)!)
        bytes[6_000_000] ^= 0xFF
        writeFile(big, bytes)
        unlink(source + "/dir/sub/file3.json")
        writeFile(source + "/dir/sub/new.json", Array("{\"new\":true}".utf8))
        chmod(source + "/script.sh", 0o700)
        unlink(source + "/dangling")
        symlink("readme.txt", source + "/dangling")
        let second = amber.run(["backup", source, "--json"])
        #expect(second.code == 0, "\(second.stderr)")

        let summaries = try snapshotList()
        try #require(summaries.count == 2)
        let firstID = try #require(summaries[0]["short_id"] as? String)
        // The second backup stored only what changed: the chunk of big.bin (12 MiB of random bytes)
        // holding the flipped byte, at most 8 MiB, and the small files; not big.bin again.
        let added = summaries.map { (($0["stats"] as? [String: Any])?["added_bytes"] as? Int) ?? -1 }
        #expect(added[1] > 0 && added[1] < added[0] * 7 / 10, "added bytes \(added)")

        let out1 = temp.sub("restore1"), out2 = temp.sub("restore2")
        #expect(amber.run(["restore", firstID, "--target", out1]).code == 0)
        #expect(amber.run(["restore", "latest", "--target", out2]).code == 0)
        #expect(TreeFixture.differences(copy + "/data", out1 + "/data") == [])
        #expect(TreeFixture.differences(source, out2 + "/data") == [])
        // And the two restores do differ where the source changed.
        #expect(!TreeFixture.differences(out1 + "/data", out2 + "/data").isEmpty)
    }

    @Test func unchangedRebackupReadsNoFileAndAddsAlmostNothing() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        // Files changed within a second of the backup are not cached (they could change again
        // unnoticed within the timestamp's resolution): let a second pass.
        Thread.sleep(forTimeInterval: 1.2)
        #expect(amber.run(["backup", source]).code == 0)
        let again = amber.run(["backup", source, "--json"])
        #expect(again.code == 0)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(summary["files_read"] as? Int == 0)
        #expect(summary["blobs_added"] as? Int == 0)
        // Touching one file makes exactly that file be read again.
        writeFile(source + "/readme.txt", textBytes(5_000, seed: 1), mtime: (1_000_000_000, 0))
        let third = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["backup", source, "--json"]).stdout.utf8)) as? [String: Any])
        #expect(third["files_read"] as? Int == 1)
    }

    @Test func snapshotsJSONHasTheDocumentedFields() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source, "--tag", "a", "--tag", "b", "--host", "h1", "--time", "2024-02-29T12:34:56.5Z"]).code == 0)
        let list = try snapshotList()
        let s = try #require(list.first)
        #expect((s["id"] as? String)?.count == 64)
        #expect((s["short_id"] as? String)?.count == 8)
        #expect(s["time"] as? String == "2024-02-29T12:34:56.500000Z")
        #expect(s["host"] as? String == "h1")
        #expect(s["tags"] as? [String] == ["a", "b"])
        #expect(s["sources"] as? [String] == [source])
        let stats = try #require(s["stats"] as? [String: Any])
        #expect(stats["documents"] as? Int == 48)
        #expect((stats["bytes"] as? Int ?? 0) > 7_000_000)
        #expect((stats["added_bytes"] as? Int ?? 0) > 0)
    }

    @Test func includeRestoresOnlyMatchingPaths() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let out = temp.sub("partial")
        #expect(amber.run(["restore", "latest", "--target", out, "--include", "/data/dir/sub", "--include", "*.sh"]).code == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/data/dir/sub/file7.json"))
        #expect(FileManager.default.fileExists(atPath: out + "/data/script.sh"))
        #expect(!FileManager.default.fileExists(atPath: out + "/data/big.bin"))
        #expect(!FileManager.default.fileExists(atPath: out + "/data/dir/SECRET-NAME-42.txt"))
    }

    @Test func lsListsPathsOfASnapshot() {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let ls = amber.run(["ls", "latest", "/data/dir"])
        #expect(ls.code == 0)
        #expect(ls.stdout.contains("/data/dir/sub/file0.json\n"))
        #expect(!ls.stdout.contains("/data/big.bin"))
        #expect(amber.run(["ls", "latest", "/data/nope"]).code == 1)
    }

    @Test func twoBackupsAtTheSameTimeBothSucceed() throws {
        let a = temp.sub("a"), b = temp.sub("b")
        TreeFixture.make(at: a)
        mkdir(b, 0o755)
        writeFile(b + "/other.bin", pseudoRandomBytes(6 << 20, seed: 77))
        #expect(amber.run(["init"]).code == 0)
        let runner = amber
        let results = [a, b].map { path in
            let box = ResultBox()
            let thread = Thread { box.result = runner.run(["backup", path, "--no-cache"]) }
            thread.start()
            return (thread, box)
        }
        for (thread, _) in results { while !thread.isFinished { usleep(2000) } }
        for (_, box) in results { #expect(box.result?.code == 0, "\(box.result?.stderr ?? "")") }
        #expect(try snapshotList().count == 2)
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")
    }

    private func snapshotList() throws -> [[String: Any]] {
        let result = amber.run(["snapshots", "--json"])
        #expect(result.code == 0)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }
}

final class ResultBox: @unchecked Sendable {
    var result: RunResult?
}

/// Runs a shell command; returns its exit status.
@discardableResult
func shell(_ command: String) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    try? p.run()
    p.waitUntilExit()
    return p.terminationStatus
}
