import Foundation
import Testing

/// Damage to one snapshot file stays local (issue 15: "damage spreads"): with a byte flipped in
/// the newest snapshot's file, `snapshots` lists the others with a warning naming it, `restore
/// latest` restores the newest readable snapshot (compared with its source), a backup still
/// works, `check` names the file, `prune` refuses (the blobs it needs are unknown) and deletes
/// nothing, `forget ID` removes it, and then prune runs and `check --read-data` is clean.
@Suite(.serialized)
struct SnapshotFileDamageTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func listed() throws -> [String] {
        let json = amber.run(["snapshots", "--json"]).stdout
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return list.compactMap { $0["id"] as? String }
    }

    @Test func aDamagedSnapshotFileHidesNothingElse() throws {
        let sources = [temp.sub("one"), temp.sub("two")]
        TreeFixture.make(at: sources[0])
        try FileManager.default.createDirectory(atPath: sources[1], withIntermediateDirectories: true)
        for i in 0..<10 { writeFile(sources[1] + "/f\(i).txt", textBytes(5_000 + i, seed: UInt64(7 + i))) }
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", sources[0]]).code == 0)
        let first = try listed()
        #expect(amber.run(["backup", sources[1]]).code == 0)
        let damaged = try #require(try listed().first { !first.contains($0) })
        let path = temp.sub("repo") + "/snapshots/" + damaged
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let packsBefore = try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo") + "/data").count

        let snapshots = amber.run(["snapshots"])
        #expect(snapshots.code == 0, "\(snapshots.stderr)")
        #expect(snapshots.stderr.contains("warning: snapshot \(damaged.prefix(8)) cannot be read and is left out"), "\(snapshots.stderr)")
        #expect(try listed() == first)

        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", out])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(restore.stderr.contains("cannot be read and is left out"), "\(restore.stderr)")
        #expect(TreeFixture.differences(sources[0], out + "/" + (sources[0] as NSString).lastPathComponent) == [])

        let backup = amber.run(["backup", sources[1]])
        #expect(backup.code == 0, "\(backup.stderr)")
        let check = amber.run(["check"])
        #expect(check.code == 1 && check.stderr.contains(String(damaged.prefix(8))), "\(check.stderr)")

        let prune = amber.run(["prune", "--max-unused", "0"])
        #expect(prune.code != 0 && prune.stderr.contains("cannot be read") && prune.stderr.contains("nothing is removed"), "\(prune.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo") + "/data").count == packsBefore)

        let forget = amber.run(["forget", String(damaged.prefix(8))])
        #expect(forget.code == 0 && forget.stderr.contains("cannot be read (damaged)"), "\(forget.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
        let pruned = amber.run(["prune", "--max-unused", "0"])
        #expect(pruned.code == 0, "\(pruned.stderr)")
        let clean = amber.run(["check", "--read-data"])
        #expect(clean.code == 0, "\(clean.stdout)\(clean.stderr)")
    }
}
