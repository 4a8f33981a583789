import Foundation
import Testing

/// `amber diff` of two directory snapshots lists what `restic diff` lists for the same two
/// states of a tree: the real restic backs up the same tree at the same moments, and both lists
/// of `+`, `-`, `M`, `T` lines (paths taken from the tree's root) are equal.
@Suite(.serialized)
struct TreeDiffTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func changes(_ output: String, under root: String) -> [String] {
        output.split(separator: "\n").compactMap { line -> String? in
            guard let marker = line.first, "+-MTU".contains(marker), line.dropFirst().hasPrefix("    ") else { return nil }
            let path = line.dropFirst(5)
            return path.hasPrefix(root) ? "\(marker) \(path.dropFirst(root.count))" : nil
        }
    }

    @Test func theSameChangesAsResticDiff() throws {
        let executable = try #require(ResticRunner.locate(), """
            restic is not installed: this test compares diff with the real restic binary. \
            Install it with scripts/install-deps (Debian package "restic").
            """)
        let root = temp.sub("t")
        for directory in ["a/deep/er", "b", "keep"] {
            try FileManager.default.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        writeFile(root + "/a/x", Array("one\n".utf8))
        writeFile(root + "/a/deep/er/y", textBytes(50_000, seed: 1))
        writeFile(root + "/b/gone", Array("gone\n".utf8))
        writeFile(root + "/keep/same", textBytes(30_000, seed: 2))
        _ = symlink("x", root + "/a/link")
        let restic = try ResticRunner(executable: executable, repository: temp.sub("restic-repo"))
        try restic.run(["init"])
        #expect(amber.run(["init"]).code == 0)
        try restic.run(["backup", root])
        #expect(amber.run(["backup", root]).code == 0)

        writeFile(root + "/a/x", Array("two\n".utf8))
        writeFile(root + "/a/deep/er/y", textBytes(50_000, seed: 3))
        try FileManager.default.removeItem(atPath: root + "/b")
        try FileManager.default.createDirectory(atPath: root + "/c/d", withIntermediateDirectories: true)
        writeFile(root + "/c/d/new", Array("new\n".utf8))
        try FileManager.default.removeItem(atPath: root + "/a/link")
        try FileManager.default.createDirectory(atPath: root + "/a/link", withIntermediateDirectories: true)
        try restic.run(["backup", root])
        #expect(amber.run(["backup", root]).code == 0)

        let resticIDs = try #require(try restic.json(["snapshots"]) as? [[String: Any]]).compactMap { $0["short_id"] as? String }
        let resticChanges = changes(try restic.run(["diff", resticIDs[0], resticIDs[1]]), under: (root as NSString).deletingLastPathComponent)
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
            .compactMap { $0["short_id"] as? String }
        let diff = amber.run(["diff", ids[0], ids[1]])
        #expect(diff.code == 0)
        let amberChanges = changes(diff.stdout, under: "")
        #expect(amberChanges == resticChanges)
        #expect(amberChanges.contains("M /t/a/x") && amberChanges.contains("T /t/a/link/") && amberChanges.contains("- /t/b/gone")
                && amberChanges.contains("+ /t/c/d/new") && !amberChanges.contains { $0.contains("/keep") }, "\(amberChanges)")
        // --json carries the same list.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["diff", ids[0], ids[1], "--json"]).stdout.utf8)) as? [String: Any])
        let files = try #require(json["files"] as? [[String: String]])
        #expect(files.map { "\($0["modifier"]!) \($0["path"]!)" } == amberChanges)
    }
}
