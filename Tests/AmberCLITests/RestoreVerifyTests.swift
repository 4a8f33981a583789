import AmberKit
import Foundation
import Testing

/// `restore --verify` into a directory reads every restored file back and compares it with the
/// snapshot (it used to be accepted and ignored): a faithful restore verifies, and a changed byte,
/// a truncated file, a changed link or a path of another kind is named.
@Suite(.serialized)
struct RestoreVerifyTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func verifyComparesEveryRestoredFile() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        _ = symlink("readme.txt", source + "/link")
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)

        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", out, "--verify", "--json"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("\"verified\":true"), "\(restore.stdout)")

        // The verifier itself, on a restored tree changed afterwards.
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        try repository.loadIndex()
        let root = try #require(try repository.listSnapshots().first?.snapshot.treeID)
        var big = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out + "/data/big.bin")))
        big[5_000_000] ^= 1
        try Data(big).write(to: URL(fileURLWithPath: out + "/data/big.bin"))
        truncate(out + "/data/big.txt", 1000)
        _ = unlink(out + "/data/link")
        _ = symlink("elsewhere", out + "/data/link")
        _ = unlink(out + "/data/empty")
        mkdir(out + "/data/empty", 0o755)
        let differences = try RestoreVerifier(repository: repository).verify(root, at: out)
        #expect(differences.count == 4, "\(differences)")
        #expect(differences.contains { $0.hasPrefix("/data/big.bin: content differs from byte") })
        #expect(differences.contains("/data/big.txt: content ends early, at byte 0") || differences.contains { $0.hasPrefix("/data/big.txt: content") })
        #expect(differences.contains("/data/link: link target differs"))
        #expect(differences.contains("/data/empty: a directory where the snapshot has a file"), "\(differences)")

        // Through the CLI: a path the restore could not write is a mismatch, exit 1.
        let blocked = temp.sub("blocked")
        mkdir(blocked, 0o755)
        mkdir(blocked + "/data", 0o755)
        mkdir(blocked + "/data/readme.txt", 0o755)
        writeFile(blocked + "/data/readme.txt/inside", [1])
        let partial = amber.run(["restore", "latest", "--target", blocked, "--verify"])
        #expect(partial.code == 1, "\(partial.stderr)")
        #expect(partial.stderr.contains("mismatch: /data/readme.txt: a directory where the snapshot has a file"), "\(partial.stderr)")
    }
}
