import AmberKit
import Foundation
import Testing

/// `amber repair snapshots` (restic's): damaged snapshots are written anew without what was
/// lost, each loss named; the repaired snapshots restore everything else exactly, and once the
/// damaged ones are forgotten, `prune` leaves a repository that `check --read-data` finds clean.
@Suite(.serialized)
struct RepairSnapshotsTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func snapshots() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
    }

    /// The repository's files and their sizes.
    private func listing() throws -> [String: Int] {
        var out = [String: Int]()
        let enumerator = try #require(FileManager.default.enumerator(atPath: temp.sub("repo")))
        while let path = enumerator.nextObject() as? String {
            out[path] = (try? FileManager.default.attributesOfItem(atPath: temp.sub("repo/" + path))[.size] as? Int) ?? -1
        }
        return out
    }

    @Test func damagedSnapshotsAreWrittenAnewWithoutWhatWasLost() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        let users = temp.sub("users.ndjson"), orders = temp.sub("orders.ndjson")
        writeFile(users, Array((0..<300).map { "{\"_id\":\"u\($0)\",\"name\":\"user \($0)\"}\n" }.joined().utf8))
        writeFile(orders, Array((0..<200).map { "{\"_id\":\($0),\"total\":\($0 * 3)}\n" }.joined().utf8))
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + users, "ndjson:" + orders]).code == 0)

        // Damage a directory's tree, the second chunk of a large file, and the users collection's base.
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        let records = try repository.listSnapshots().sorted { $0.snapshot.time < $1.snapshot.time }
        let treeRoot = try #require(records.first?.snapshot.treeID)
        let sub = try #require(try repository.node(at: "/data/dir/sub", root: treeRoot)?.subtree)
        let big = try #require(try repository.node(at: "/data/big.bin", root: treeRoot))
        try #require(big.content.count >= 3)
        let lengths = big.content.map { Int(repository.index.lookup($0)!.entry.rawLength) }
        let collectionRoot = try #require(records.last?.snapshot.treeID)
        let usersManifest = try #require(try repository.collections(ofTree: collectionRoot).first { $0.name == "users" })
        try flipByte(inBlob: sub, of: repository, directory: temp.sub("repo"))
        try flipByte(inBlob: big.content[1], of: repository, directory: temp.sub("repo"))
        try flipByte(inBlob: usersManifest.manifest.base.id, of: repository, directory: temp.sub("repo"))
        #expect(amber.run(["check", "--read-data"]).code == 1)

        // A dry run names every loss and writes nothing.
        let before = try listing()
        let dry = amber.run(["repair", "snapshots", "--read-data", "--dry-run"])
        #expect(dry.code == 0, "\(dry.stderr)")
        for expected in ["/data/dir/sub: directory not readable", "/data/big.bin: file: removed missing content",
                         "/users/users: collection removed", "would modify 2 snapshots"] {
            #expect(dry.stdout.contains(expected), "\(expected) in \(dry.stdout)")
        }
        #expect(!dry.stdout.contains("orders"), "\(dry.stdout)")
        #expect(try listing() == before)

        // Without --read-data only what no index lists counts as lost: nothing here but the tree and the base.
        let indexOnly = amber.run(["repair", "snapshots", "--dry-run", "--json"])
        let outcomes = try #require(try JSONSerialization.jsonObject(with: Data(indexOnly.stdout.utf8)) as? [[String: Any]])
        let paths = outcomes.flatMap { ($0["losses"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String } }
        #expect(Set(paths) == ["/data/dir/sub", "/users/users"], "\(indexOnly.stdout)")

        let repair = amber.run(["repair", "snapshots", "--read-data", "--forget"])
        #expect(repair.code == 0, "\(repair.stderr)")
        let list = try snapshots()
        #expect(list.count == 2 && list.allSatisfy { ($0["tags"] as? [String] ?? []).contains("repaired") }, "\(list)")
        #expect(amber.run(["repair", "snapshots", "--read-data"]).stdout.contains("no snapshot needs repair"))

        // The repaired tree restores exactly but for the empty directory and the file without its chunk.
        let treeSnapshot = try #require(list.first { ($0["paths"] as? [String] ?? $0["sources"] as? [String] ?? []).contains(source) }?["short_id"] as? String)
        let out = temp.sub("out")
        let restore = amber.run(["restore", treeSnapshot, "--target", out])
        #expect(restore.code == 0, "\(restore.stderr)")
        let differences = TreeFixture.differences(source, out + "/data")
        #expect(differences.allSatisfy { $0.contains("/dir/sub") || $0.contains("big.bin") }, "\(differences)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out + "/data/dir/sub")) == [])
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: source + "/big.bin")))
        let restoredBig = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/data/big.bin")))
        #expect(restoredBig == Array(original[0..<lengths[0]] + original[(lengths[0] + lengths[1])...]))

        // The repaired collections snapshot has the orders, exactly, and no users.
        let collectionSnapshot = try #require(list.first { $0["short_id"] as? String != treeSnapshot }?["short_id"] as? String)
        let documents = temp.sub("documents")
        #expect(amber.run(["restore", collectionSnapshot, "--target", "ndjson:" + documents]).code == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: documents + "/orders.ndjson")).split(separator: 10).count == 200)
        #expect(!FileManager.default.fileExists(atPath: documents + "/users.ndjson"))

        // Nothing refers to the damaged blobs any more: prune drops them and check reads everything clean.
        #expect(amber.run(["prune", "--max-unused", "0"]).code == 0)  // repack every pack holding a blob now unused, the damaged ones too
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stderr)")
    }

    @Test func aSnapshotWhoseRootCannotBeReadIsRemovedOnlyWithForget() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        try flipByte(inBlob: try #require(try repository.listSnapshots().first?.snapshot.treeID), of: repository, directory: temp.sub("repo"))

        let kept = amber.run(["repair", "snapshots"])
        #expect(kept.code == 3 && kept.stdout.contains("root tree not readable"), "\(kept.stdout)")
        #expect(try snapshots().count == 1)
        let removed = amber.run(["repair", "snapshots", "--forget"])
        #expect(removed.code == 0 && removed.stdout.contains("removed"), "\(removed.stdout)")
        #expect(try snapshots().isEmpty)
    }
}
