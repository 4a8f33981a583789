import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Exit codes and messages for the failures restic users script against, and repository
/// integrity as seen from the command line.
@Suite(.serialized)
struct ErrorExitTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func wrongPasswordExits12() {
        #expect(amber.run(["init"]).code == 0)
        let r = amber.run(["snapshots"], password: "not the password")
        #expect(r.code == 12)
        #expect(r.stderr.contains("wrong password"))
        #expect(!r.stderr.contains("not the password"))
    }

    /// `check --read-data` hashes the packs while the key is derived: a wrong password stops that
    /// hashing before exiting, so the exit is the usual 12, never a crash in the hashing thread.
    @Test func wrongPasswordDuringReadDataExits12() throws {
        #expect(amber.run(["init"]).code == 0)
        let source = temp.sub("data")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        for i in 0..<6 {
            try Data((0..<(3 << 20)).map { _ in UInt8.random(in: 0...255) }).write(to: URL(fileURLWithPath: source + "/f\(i)"))
        }
        #expect(amber.run(["backup", source]).code == 0)
        for _ in 0..<5 {
            let r = amber.run(["check", "--read-data"], password: "not the password")
            #expect(r.code == 12, "\(r.stderr)")
            #expect(r.stderr.contains("wrong password"))
        }
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }

    @Test func missingRepositoryExits10() {
        let r = amber.run(["snapshots"])
        #expect(r.code == 10)
        #expect(r.stderr.contains("no repository"))
    }

    @Test func noRepositoryGivenExits1() {
        var runner = amber
        runner.repository = ""
        #expect(runner.run(["snapshots"]).code == 1)
    }

    @Test func initTwiceFailsAndLeavesTheRepository() {
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["init"]).code == 1)
        #expect(amber.run(["snapshots"]).code == 0)
    }

    @Test func missingSourceExits1WithoutSnapshot() {
        #expect(amber.run(["init"]).code == 0)
        let r = amber.run(["backup", temp.sub("does-not-exist")])
        #expect(r.code == 1)
        #expect(r.stderr.contains("does-not-exist"))
        #expect(amber.run(["snapshots", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test func passwordFromFileAndCommand() {
        #expect(amber.run(["init"]).code == 0)
        let file = temp.sub("pw")
        writeFile(file, Array("correct horse\n".utf8), mode: 0o600)
        var runner = amber
        runner.extraEnvironment = ["AMBER_PASSWORD_FILE": file]
        #expect(runner.run(["snapshots"], password: "").code == 0)
        runner.extraEnvironment = ["AMBER_PASSWORD_COMMAND": "echo 'correct horse'"]
        #expect(runner.run(["snapshots"], password: "").code == 0)
        runner.extraEnvironment = ["AMBER_PASSWORD_COMMAND": "echo wrong"]
        #expect(runner.run(["snapshots"], password: "").code == 12)
        // As restic: an option wins over the variables; a file and a command from the variables exclude each other.
        writeFile(temp.sub("wrong"), Array("wrong\n".utf8), mode: 0o600)
        runner.extraEnvironment = ["AMBER_PASSWORD_FILE": temp.sub("wrong")]
        #expect(runner.run(["snapshots", "--password-command", "echo 'correct horse'"], password: "").code == 0)
        runner.extraEnvironment = ["AMBER_PASSWORD_FILE": file, "AMBER_PASSWORD_COMMAND": "echo 'correct horse'"]
        let both = runner.run(["snapshots"], password: "")
        #expect(both.code == 1 && both.stderr.contains("exclude each other"), "\(both.stderr)")
        // A file or command goes before AMBER_PASSWORD.
        runner.extraEnvironment = ["AMBER_PASSWORD_FILE": file]
        #expect(runner.run(["snapshots"], password: "wrong").code == 0)
    }

    @Test func unreadableFileIsSkippedWithExit3() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        writeFile(source + "/locked.txt", Array("secret".utf8), mode: 0o000)
        var runner = amber
        if geteuid() == 0 {
            // Root reads everything: run amber as nobody, with the tree and repository open to it.
            runner.runAsNobody = true
            #expect(shell("chmod -R a+rwX '\(temp.path)' && chmod 000 '\(source)/locked.txt'") == 0)
        }
        #expect(runner.run(["init"]).code == 0)
        let r = runner.run(["backup", source])
        #expect(r.code == 3, "\(r.stderr)")
        #expect(r.stderr.contains("locked.txt"))
        let ls = runner.run(["ls", "latest"])
        #expect(ls.stdout.contains("/data/readme.txt"))
        #expect(!ls.stdout.contains("locked.txt"))
    }

    @Test func noFileNameAppearsInAnyRepositoryByte() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let needles = ["SECRET-NAME-42", "readme.txt", "file7.json", "link-to-readme", "nonexistent/target"].map { Data($0.utf8) }
        let enumerator = FileManager.default.enumerator(atPath: temp.sub("repo"))!
        var scanned = 0
        while let rel = enumerator.nextObject() as? String {
            let path = temp.sub("repo") + "/" + rel
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let data = try #require(FileManager.default.contents(atPath: path))
            scanned += data.count
            for needle in needles { #expect(data.range(of: needle) == nil, "\(rel) contains \(String(decoding: needle, as: UTF8.self))") }
        }
        #expect(scanned > 1_000_000)
    }

    @Test func flippingAByteInAPackFailsCheckReadDataAndNamesTheDamage() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        #expect(amber.run(["check", "--read-data"]).code == 0)
        let packs = try allPacks()
        try #require(!packs.isEmpty)
        // Flip one byte at several places of each pack in turn: the start, the middle, the header, the trailer.
        for pack in packs {
            let original = try #require(FileManager.default.contents(atPath: pack))
            for offset in [0, original.count / 2, original.count - 60, original.count - 1] {
                var damaged = original
                damaged[offset] ^= 0x01
                try damaged.write(to: URL(fileURLWithPath: pack))
                let r = amber.run(["check", "--read-data"])
                #expect(r.code == 1, "flip at \(offset) of \(pack) not detected")
                #expect(r.stderr.contains("pack "), "\(r.stderr)")
                try original.write(to: URL(fileURLWithPath: pack))
            }
        }
        // A damaged data blob names the snapshot path that uses it.
        let dataPack = try #require(packs.max { (size($0)) < (size($1)) })
        var bytes = try #require(FileManager.default.contents(atPath: dataPack))
        bytes[100] ^= 0x80
        try bytes.write(to: URL(fileURLWithPath: dataPack))
        let r = amber.run(["check", "--read-data"])
        #expect(r.code == 1)
        #expect(r.stderr.contains("damage affects:"))
        #expect(r.stderr.contains("/data/"))
        // Structure-only check does not read data and still passes.
        #expect(amber.run(["check"]).code == 0)
        #expect(amber.run(["check", "--read-data-subset", "bogus"]).code == 1)
    }

    private func allPacks() throws -> [String] {
        let root = temp.sub("repo/data")
        return try FileManager.default.subpathsOfDirectory(atPath: root)
            .filter { $0.count == 67 }
            .map { root + "/" + $0 }
    }

    private func size(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
