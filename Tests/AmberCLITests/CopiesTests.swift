import Foundation
import Testing

/// One damaged config or key file no longer loses the repository (issue 15): each has a copy in
/// `copies/`, read when the file is damaged (with a warning); `check` names the damaged file or
/// copy; `repair keys` rewrites it, and writes the copies of a repository made before them. The
/// oracle is the backed-up file itself (`cmp` of the restore).
@Suite(.serialized)
struct CopiesTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }
    var repo: String { temp.sub("repo") }

    private func flip(_ path: String, at offset: Int) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[offset] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    private func keyFile() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: repo + "/keys")
        try #require(names.count == 1)
        return names[0]
    }

    /// Backs up one file and returns its path; `restoresExactly` compares a restore with it.
    private func backUpAFile() throws -> String {
        #expect(amber.run(["init"]).code == 0)
        let source = temp.sub("data")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        writeFile(source + "/file.bin", pseudoRandomBytes(200_000, seed: 3))
        #expect(amber.run(["backup", source]).code == 0)
        return source
    }

    private func restoresExactly(_ source: String) throws {
        let out = temp.sub("out-\(UInt32.random(in: 0...UInt32.max))")
        let restore = amber.run(["restore", "latest", "--target", out])
        #expect(restore.code == 0, "\(restore.stderr)")
        _ = try runTool(["cmp", source + "/file.bin", out + "/data/file.bin"])
    }

    @Test(arguments: ["config", "key"])
    func aDamagedFileIsReadFromItsCopyNamedAndRepaired(_ which: String) throws {
        let source = try backUpAFile()
        let path = which == "config" ? repo + "/config" : repo + "/keys/" + (try keyFile())
        try flip(path, at: 40)

        let restore = amber.run(["restore", "latest", "--target", temp.sub("first")])
        #expect(restore.code == 0 && restore.stderr.contains("its copy in copies/ was used"), "\(restore.stderr)")
        try restoresExactly(source)
        let check = amber.run(["check"])
        #expect(check.code == 1, "check must fail on a damaged \(which)")
        #expect(check.stderr.contains(which == "config" ? "the config file is damaged" : "key file "), "\(check.stderr)")

        let repair = amber.run(["repair", "keys"])
        #expect(repair.code == 0 && repair.stdout.contains("from its copy"), "\(repair.stdout) \(repair.stderr)")
        let after = amber.run(["check"])
        #expect(after.code == 0 && !(after.stdout + after.stderr).contains("warning"), "\(after.stdout) \(after.stderr)")
        try restoresExactly(source)
    }

    @Test func aDamagedCopyIsNamedAndRewritten() throws {
        let source = try backUpAFile()
        try flip(repo + "/copies/config", at: 40)
        try flip(repo + "/copies/" + (try keyFile()), at: 10)
        let check = amber.run(["check"])
        #expect(check.code == 1 && check.stderr.contains("copies/config") && check.stderr.contains("the copy of key file"), "\(check.stderr)")
        #expect(amber.run(["repair", "keys"]).code == 0)
        #expect(amber.run(["check"]).code == 0)
        try restoresExactly(source)
    }

    /// A repository made before copies (no copies/): it opens and checks as before, with a
    /// warning; `repair keys` writes the copies, which then carry it past a damaged config.
    @Test func anOlderRepositoryGetsItsCopiesFromRepair() throws {
        let source = try backUpAFile()
        try FileManager.default.removeItem(atPath: repo + "/copies")
        let check = amber.run(["check"])
        #expect(check.code == 0 && check.stdout.contains("has no copy in copies/"), "\(check.stdout)")
        let repair = amber.run(["repair", "keys", "--json"])
        #expect(repair.code == 0 && repair.stdout.contains("copies/config"), "\(repair.stdout) \(repair.stderr)")
        let after = amber.run(["check"])
        #expect(after.code == 0 && !after.stdout.contains("warning"), "\(after.stdout)")
        try flip(repo + "/config", at: 40)
        try restoresExactly(source)
    }

    /// Both the config and its copy damaged: the repository does not open, and says why.
    @Test func aConfigAndItsCopyBothDamagedAreNamed() throws {
        _ = try backUpAFile()
        try flip(repo + "/config", at: 40)
        try flip(repo + "/copies/config", at: 40)
        let r = amber.run(["snapshots"])
        #expect(r.code == 1 && r.stderr.contains("config file"), "\(r.stderr)")
    }

    /// A key file removed without its copy (an interrupted removal, or one by a release without
    /// copies) leaves a copy that still opens with the revoked password: check says so, and
    /// repair keys removes it.
    @Test func theCopyOfARemovedKeyIsNamedAndRemoved() throws {
        _ = try backUpAFile()
        var adding = amber
        adding.extraEnvironment["AMBER_NEW_PASSWORD"] = "revoked"
        #expect(adding.run(["key", "add"]).code == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: repo + "/keys")
        try #require(names.count == 2)
        // Remove the key that opens with "revoked", as an older release would: its file only.
        var revoked = amber
        revoked.password = "revoked"
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(revoked.run(["key", "list", "--json"]).stdout.utf8)) as? [[String: Any]])
        let keyInUse = try #require(listed.first { $0["current"] as? Bool == true }?["id"] as? String)
        let file = try #require(names.first { $0.hasPrefix(keyInUse) })
        try FileManager.default.removeItem(atPath: repo + "/keys/" + file)
        #expect(revoked.run(["snapshots"]).code == 12, "the key file is gone")
        let check = amber.run(["check"])
        #expect(check.code == 0 && check.stdout.contains("revoked password"), "\(check.stdout)")
        let repair = amber.run(["repair", "keys"])
        #expect(repair.code == 0 && repair.stdout.contains("removed copies/\(file)"), "\(repair.stdout)")
        #expect(!FileManager.default.fileExists(atPath: repo + "/copies/" + file))
        #expect(!amber.run(["check"]).stdout.contains("warning"))
    }
}
