import Foundation
import Testing

/// Damage to an index file stays local (issue: "a bad index file costs only the blobs it alone
/// describes"): with one byte flipped in each index file in turn, every snapshot still restores
/// exactly (every file's bytes, mode and times compared with the source), with a warning; a backup still works; `check` names the file;
/// `repair index` rewrites the index from the packs' headers, after which `check --read-data` is
/// clean and nothing warns.
@Suite(.serialized)
struct IndexDamageTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func snapshotIDs() throws -> [String] {
        let json = amber.run(["snapshots", "--json"]).stdout
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return list.compactMap { $0["short_id"] as? String }
    }

    private func flipByte(in path: String) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func aDamagedIndexFileCostsNothingButAWarning() throws {
        let sources = [temp.sub("one"), temp.sub("two")]
        TreeFixture.make(at: sources[0])
        try FileManager.default.createDirectory(atPath: sources[1], withIntermediateDirectories: true)
        for i in 0..<30 { writeFile(sources[1] + "/f\(i).txt", textBytes(20_000 + i, seed: UInt64(100 + i))) }
        #expect(amber.run(["init"]).code == 0)
        for source in sources { #expect(amber.run(["backup", source]).code == 0) }
        let ids = try snapshotIDs()
        let indexDirectory = temp.sub("repo") + "/index"
        let indexFiles = try FileManager.default.contentsOfDirectory(atPath: indexDirectory).sorted()
        #expect(indexFiles.count == 2)

        for damaged in indexFiles {
            let saved = try Data(contentsOf: URL(fileURLWithPath: indexDirectory + "/" + damaged))
            try flipByte(in: indexDirectory + "/" + damaged)
            for (id, source) in zip(ids, sources) {
                let out = temp.sub("out-\(damaged.prefix(8))-\(id)")
                let restore = amber.run(["restore", id, "--target", out])
                #expect(restore.code == 0, "\(restore.stderr)")
                #expect(restore.stderr.contains("1 damaged index file (\(damaged.prefix(8)))"), "\(restore.stderr)")
                let name = (source as NSString).lastPathComponent
                #expect(TreeFixture.differences(source, out + "/" + name) == [], "\(source)")
            }
            let check = amber.run(["check"])
            #expect(check.code == 1 && check.stderr.contains("index file \(damaged.prefix(8))"), "\(check.stderr)")
            #expect(!check.stderr.contains("damage affects"), "only the index file is damaged: \(check.stderr)")
            try saved.write(to: URL(fileURLWithPath: indexDirectory + "/" + damaged))
        }

        // Damaged again, a backup still works; then repair.
        try flipByte(in: indexDirectory + "/" + indexFiles[0])
        let backup = amber.run(["backup", sources[1]])
        #expect(backup.code == 0 && backup.stderr.contains("damaged index file"), "\(backup.stderr)")
        // Prune decides what to delete from the index: it refuses until the index is repaired.
        let prune = amber.run(["prune"])
        #expect(prune.code != 0 && prune.stderr.contains("run `amber repair index` before pruning"), "\(prune.stderr)")
        let repair = amber.run(["repair", "index", "--json"])
        #expect(repair.code == 0, "\(repair.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(repair.stdout.utf8)) as? [String: Any])
        #expect((report["removed_index_files"] as? [String]) == [indexFiles[0]])
        #expect(((report["indexed_packs"] as? Int) ?? 0) >= 1)
        let clean = amber.run(["check", "--read-data"])
        #expect(clean.code == 0, "\(clean.stderr)")
        let after = amber.run(["restore", ids[0], "--target", temp.sub("after")])
        #expect(after.code == 0 && !after.stderr.contains("warning"), "\(after.stderr)")
    }
}

/// A damaged key or config file is named as what it is, not reported as a wrong password (exit 12)
/// nor blamed on the other file.
@Suite(.serialized)
struct KeyAndConfigDamageTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func flip(_ path: String) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A key file or config damaged together with its copy in copies/ (one alone is read from
    /// the other: CopiesTests) is named, not taken for a wrong password.
    @Test func damageIsNamed() throws {
        #expect(amber.run(["init"]).code == 0)
        let keys = try FileManager.default.contentsOfDirectory(atPath: temp.sub("repo/keys"))
        let key = temp.sub("repo/keys/") + keys[0]
        let saved = try Data(contentsOf: URL(fileURLWithPath: key))
        try flip(key)
        try flip(temp.sub("repo/copies/") + keys[0])
        let damagedKey = amber.run(["snapshots"])
        #expect(damagedKey.code == 1 && damagedKey.stderr.contains("key file \(keys[0].prefix(8)) is damaged"), "\(damagedKey.stderr)")
        #expect(!damagedKey.stderr.contains("wrong password"))
        // With the right key file back, a wrong password is still a wrong password (12).
        try saved.write(to: URL(fileURLWithPath: key))
        #expect(amber.run(["snapshots"], password: "not it").code == 12)

        try flip(temp.sub("repo/config"))
        try flip(temp.sub("repo/copies/config"))
        let damagedConfig = amber.run(["snapshots"])
        #expect(damagedConfig.code == 1 && damagedConfig.stderr.contains("the config file") && damagedConfig.stderr.contains("damaged"),
                "\(damagedConfig.stderr)")
    }
}
