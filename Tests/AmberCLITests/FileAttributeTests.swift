import AmberKit
import Foundation
import Testing

/// Files come back with what a restic or borg user expects beyond bytes and modes, judged by the
/// tools that set them: extended attributes and POSIX ACLs (`getfattr -d -m -` of the source and
/// of the restored tree are equal), and hard links (`stat`: one inode, two names, as before).
@Suite(.serialized)
struct FileAttributeTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// `getfattr -R -d -m -` of `tree`, run from its parent so paths are relative.
    private func attributes(_ parent: String, _ tree: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/getfattr")
        process.arguments = ["-R", "-d", "-m", "-", "--absolute-names", tree]
        process.currentDirectoryURL = URL(fileURLWithPath: parent)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Files come in directory order, which differs between trees: compare sorted blocks.
        return String(decoding: data, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }.sorted().joined(separator: "\n\n")
    }

    @Test func attributesACLsAndHardLinksComeBack() throws {
        let source = temp.sub("t")
        mkdir(source, 0o755)
        mkdir(source + "/d", 0o755)
        writeFile(source + "/a", Array("shared content\n".utf8))
        #expect(link(source + "/a", source + "/d/b") == 0)
        writeFile(source + "/c", Array("attributes\n".utf8))
        try runTool(["setfattr", "-n", "user.color", "-v", "blue", source + "/c"])
        try runTool(["setfattr", "-n", "user.empty", source + "/c"])
        try runTool(["setfattr", "-n", "user.binary", "-v", "0x00ff10", source + "/c"])
        try runTool(["setfattr", "-n", "user.dir", "-v", "yes", source + "/d"])
        try runTool(["setfacl", "-m", "u:nobody:r", source + "/a"])
        let before = try attributes(temp.path, "t")
        #expect(before.contains("user.color") && before.contains("system.posix_acl_access"), "\(before)")

        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", out, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(try attributes(out, "t") == before)
        let inodes = try runTool(["stat", "-c", "%i %h", out + "/t/a", out + "/t/d/b"]).split(separator: "\n")
        #expect(inodes.count == 2 && inodes[0] == inodes[1] && inodes[0].hasSuffix(" 2"), "\(inodes)")

        // Trees without any of these keep their version 1 bytes (and ids); the others are version 2.
        let plain = temp.sub("plain")
        mkdir(plain, 0o755)
        writeFile(plain + "/f", [1, 2, 3])
        #expect(amber.run(["backup", plain]).code == 0)
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        let records = try repository.listSnapshots()
        let withAttributes = try #require(try repository.node(at: "/t", root: records[0].snapshot.treeID!)?.subtree)
        let withoutAttributes = try #require(try repository.node(at: "/plain", root: records[1].snapshot.treeID!)?.subtree)
        #expect(try repository.loadBlob(withAttributes, type: .tree).first == 2)
        #expect(try repository.loadBlob(withoutAttributes, type: .tree).first == 1)

        // --no-xattrs: a restore sets none, and a backup stores none (its tree is version 1 again).
        let bare = temp.sub("bare")
        #expect(amber.run(["restore", records[0].id.hex, "--target", bare, "--no-xattrs"]).code == 0)
        let restoredBare = try attributes(bare, "t")
        #expect(!restoredBare.contains("user.") && !restoredBare.contains("system.posix_acl"), "\(restoredBare)")
        #expect(amber.run(["backup", source, "--no-xattrs", "--tag", "bare"]).code == 0)
        let skipped = temp.sub("skipped")
        #expect(amber.run(["restore", "latest", "--tag", "bare", "--target", skipped]).code == 0)
        let restoredSkipped = try attributes(skipped, "t")
        #expect(!restoredSkipped.contains("user.") && !restoredSkipped.contains("system.posix_acl"), "\(restoredSkipped)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: skipped + "/t/c")) == Data(contentsOf: URL(fileURLWithPath: source + "/c")))
    }
}
