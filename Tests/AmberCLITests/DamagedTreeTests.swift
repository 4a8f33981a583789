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
        let location = try #require(repository.index.lookup(sub))
        let pack = temp.sub("repo") + "/data/" + String(location.pack.hex.prefix(2)) + "/" + location.pack.hex
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pack)))
        bytes[Int(location.entry.offset) + Int(location.entry.length) / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: pack))

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
