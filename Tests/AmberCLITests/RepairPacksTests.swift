import AmberKit
import Foundation
import Testing

/// `amber repair packs` (restic's): the readable blobs of a damaged pack are salvaged into new
/// packs and the pack is removed; only the damaged blob is lost, and `repair snapshots` then
/// drops it from the snapshot, which restores every other file exactly; in the end `check
/// --read-data` is clean.
@Suite(.serialized)
struct RepairPacksTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func aDamagedPackGivesUpOnlyItsDamagedBlob() throws {
        let source = temp.sub("data")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        for i in 0..<12 { writeFile(source + "/f\(i).txt", textBytes(30_000 + i, seed: UInt64(50 + i))) }
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)

        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        let root = try #require(try repository.listSnapshots().first?.snapshot.treeID)
        let victim = try #require(try repository.node(at: "/data/f3.txt", root: root)?.content.first)
        let pack = try #require(repository.index.lookup(victim)?.pack)
        let neighbours = repository.index.allBlobs.values.filter { $0.pack == pack && $0.entry.id != victim }.count
        try #require(neighbours >= 1, "the pack holds other blobs too")
        try flipByte(inBlob: victim, of: repository, directory: temp.sub("repo"))
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 1 && check.stderr.contains(pack.shortHex), "\(check.stderr)")

        #expect(amber.run(["repair", "packs"]).code != 0, "no pack named")
        let repair = amber.run(["repair", "packs", String(pack.hex.prefix(10)), "--json"])
        #expect(repair.code == 0, "\(repair.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(repair.stdout.utf8)) as? [String: Any])
        let outcome = try #require((report["packs"] as? [[String: Any]])?.first)
        #expect(outcome["salvaged"] as? Int == neighbours, "\(repair.stdout)")
        #expect(outcome["lost"] as? [String] == [victim.hex], "\(repair.stdout)")
        #expect(!FileManager.default.fileExists(atPath: temp.sub("repo") + "/data/" + String(pack.hex.prefix(2)) + "/" + pack.hex))

        // Only f3.txt's blob is missing now; repair snapshots drops it, and the rest restores exactly.
        let missing = amber.run(["check"])
        #expect(missing.code == 1 && missing.stderr.contains(victim.shortHex), "\(missing.stderr)")
        #expect(amber.run(["repair", "snapshots", "--forget"]).code == 0)
        let out = temp.sub("out")
        #expect(amber.run(["restore", "latest", "--target", out]).code == 0)
        for i in 0..<12 where i != 3 {
            let restored = try? Data(contentsOf: URL(fileURLWithPath: out + "/data/f\(i).txt"))
            #expect(restored == (try? Data(contentsOf: URL(fileURLWithPath: source + "/f\(i).txt"))), "f\(i).txt")
        }
        #expect(amber.run(["prune", "--max-unused", "0"]).code == 0)
        let clean = amber.run(["check", "--read-data"])
        #expect(clean.code == 0, "\(clean.stdout)\(clean.stderr)")
    }
}
