import AmberDocuments
import Foundation
import Testing

/// `amber copy` (restic's `copy`) between repositories with other keys and passwords: what the
/// target restores equals the source (every entry of the tree, and the NDJSON documents), `check --read-data`
/// passes on it, and copying again copies only what is new.
@Suite(.serialized)
struct CopyTests {
    let temp = TemporaryDirectory()
    var source: AmberRunner { AmberRunner(repository: temp.sub("a"), cacheDirectory: temp.sub("cache-a")) }
    var target: AmberRunner {
        var runner = AmberRunner(repository: temp.sub("b"), password: "another password", cacheDirectory: temp.sub("cache-b"))
        runner.extraEnvironment = ["AMBER_FROM_REPOSITORY": temp.sub("a"), "AMBER_FROM_PASSWORD": "correct horse"]
        return runner
    }

    private func documents(_ path: String) throws -> Set<[UInt8]> {
        let text = try #require(FileManager.default.contents(atPath: path))
        return Set(try [UInt8](text).split(separator: 10).map { try JSONParser.parse(Array($0)).canonicalBytes })
    }

    @Test func snapshotsComeAcrossWithTheTargetsKeys() throws {
        let tree = temp.sub("tree"), users = temp.sub("users.ndjson")
        TreeFixture.make(at: tree)
        writeFile(users, Array((0..<500).map { "{\"_id\":\"u\($0)\",\"n\":\($0)}" }.joined(separator: "\n").utf8))
        #expect(source.run(["init"]).code == 0)
        #expect(target.run(["init"]).code == 0)
        #expect(source.run(["backup", tree, "ndjson:" + users]).code == 0)
        writeFile(tree + "/added.txt", textBytes(70_000, seed: 9))
        writeFile(users, Array((0..<520).map { "{\"_id\":\"u\($0)\",\"n\":\($0 * 2)}" }.joined(separator: "\n").utf8))
        #expect(source.run(["backup", tree, "ndjson:" + users]).code == 0)

        let copy = target.run(["copy", "--json"])
        #expect(copy.code == 0, "\(copy.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(copy.stdout.utf8)) as? [String: Any])
        #expect((report["copied"] as? [Any])?.count == 2, "\(copy.stdout)")
        let restored = temp.sub("restored")
        // Exit 3: the NDJSON collection does not go into a directory (a warning says so).
        let restore = target.run(["restore", "latest", "--target", restored])
        #expect(restore.code == 3 && restore.stderr.contains("users: a collection source"), "\(restore.stderr)")
        // Contents, modes, times, links, the FIFO and the non-UTF-8 name (TreeFixture's comparison).
        #expect(TreeFixture.differences(tree, restored + "/tree") == [])
        let out = temp.sub("out")
        #expect(target.run(["restore", "latest", "--target", "ndjson:" + out]).code == 0)
        #expect(try documents(out + "/users.ndjson") == documents(users))
        let check = target.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stderr)")
        // The target's password is its own; the source's does not open it.
        #expect(target.run(["snapshots"], password: "correct horse").code == 12)

        // Again: nothing new; after one more backup, that one alone.
        let again = target.run(["copy"])
        #expect(again.code == 0 && again.stdout.contains("copied 0 snapshots") && again.stdout.contains("skipped 2"), "\(again.stdout)")
        #expect(source.run(["backup", tree]).code == 0)
        let third = target.run(["copy", "--json"])
        let thirdReport = try #require(try JSONSerialization.jsonObject(with: Data(third.stdout.utf8)) as? [String: Any])
        #expect((thirdReport["copied"] as? [Any])?.count == 1 && (thirdReport["skipped"] as? [Any])?.count == 2, "\(third.stdout)")
        // A wrong source password is refused (exit 12), and nothing is copied.
        var wrong = target
        wrong.extraEnvironment["AMBER_FROM_PASSWORD"] = "wrong"
        #expect(wrong.run(["copy"]).code == 12)
    }
}
