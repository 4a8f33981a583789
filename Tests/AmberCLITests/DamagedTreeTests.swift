import AmberKit
import Foundation
import Testing

/// A damaged directory listing (tree blob) costs only what lies beneath it: the restore writes
/// every other file exactly, names the directory it could not list, and exits 3.
@Suite(.serialized)
struct DamagedTreeTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func aDamagedTreeCostsOnlyItsDirectory() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)

        // Flip one byte inside the sealed tree blob of /data/dir/sub, in its pack.
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        let root = try #require(try repository.listSnapshots().first?.snapshot.treeID)
        let sub = try #require(try repository.node(at: "/data/dir/sub", root: root)?.subtree)
        try flipByte(inBlob: sub, of: repository, directory: temp.sub("repo"))

        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", out])
        #expect(restore.code == 3, "\(restore.stderr)")
        #expect(restore.stderr.contains("/data/dir/sub: its listing cannot be read"), "\(restore.stderr)")
        // Everything else is there and exact; below the damaged directory nothing is.
        let differences = TreeFixture.differences(source, out + "/data")
        #expect(!differences.isEmpty && differences.allSatisfy { $0.contains("/dir/sub") }, "\(differences)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out + "/data/dir/sub")) == [])
        // check names the damage and the snapshot it affects.
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 1 && check.stderr.contains("/data/dir/sub: blob \(sub.shortHex)"), "\(check.stderr)")
    }
}

/// A damaged collection costs only that collection: an NDJSON restore writes the others whole,
/// names the damaged one and how many documents it kept, and exits 3.
@Suite(.serialized)
struct DamagedCollectionTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func aDamagedCollectionCostsOnlyItself() throws {
        let users = temp.sub("users.ndjson"), orders = temp.sub("orders.ndjson")
        writeFile(users, Array((0..<300).map { "{\"_id\":\"u\($0)\",\"name\":\"user \($0)\"}\n" }.joined().utf8))
        let orderLines = (0..<200).map { "{\"_id\":\($0),\"total\":\($0 * 3)}" }
        writeFile(orders, Array(orderLines.map { $0 + "\n" }.joined().utf8))
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + users, "ndjson:" + orders]).code == 0)

        // Flip a byte in the stored base of the users collection.
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        let root = try #require(try repository.listSnapshots().first?.snapshot.treeID)
        let collection = try #require(try repository.collections(ofTree: root).first { $0.name == "users" })
        try flipByte(inBlob: collection.manifest.base.id, of: repository, directory: temp.sub("repo"))

        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", "ndjson:" + out])
        #expect(restore.code == 3, "\(restore.stderr)")
        #expect(restore.stderr.contains("damaged: users: the documents from its first document could not be read"), "\(restore.stderr)")
        let restored = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/orders.ndjson")), as: UTF8.self)
            .split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary }
        let source = orderLines.map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary }
        #expect(restored.count == 200 && Set(restored.compactMap { $0 }) == Set(source.compactMap { $0 }))
    }
}
