import Foundation
import Testing

/// Progress lines (issue 17): `sync` and `check --read-data` show what they will copy or read, a
/// rate and an ETA on a terminal (a pseudo-terminal made by util-linux's `script`), and nothing
/// in a pipe.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
struct ProgressTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// Runs `arguments` on a pseudo-terminal with a redraw every 5 ms; returns what it printed.
    func onTerminal(_ arguments: [String]) throws -> String {
        let command = ([AmberRunner.executable, "-r", temp.sub("repo")] + arguments).joined(separator: " ")
        return try runTool(["AMBER_PASSWORD=\(amber.password)", "AMBER_SCRYPT_TESTING=1", "AMBER_PROGRESS_FPS=200",
                            "AMBER_CACHE_DIR=\(temp.sub("cache"))", "HOME=/nonexistent", "script", "-qec", command, "/dev/null"])
    }

    @Test func syncAndCheckShowATotalARateAndAnETAOnATerminalOnly() throws {
        try FileManager.default.createDirectory(atPath: temp.sub("data"), withIntermediateDirectories: true)
        writeFile(temp.sub("data/random.bin"), pseudoRandomBytes(48 << 20, seed: 17))
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", temp.sub("data")]).code == 0)

        let sync = try onTerminal(["sync", "--to", temp.sub("copy")])
        let syncLines = sync.components(separatedBy: "\r").filter { $0.contains("copied") && $0.contains("ETA") }
        #expect(!syncLines.isEmpty, "\(sync)")
        #expect(syncLines.first?.contains(" of ") == true)

        let check = try onTerminal(["check", "--read-data"])
        #expect(check.components(separatedBy: "\r").contains { $0.contains("packs read") && $0.contains("ETA") }, "\(check)")
        #expect(check.contains("no errors were found"))

        // In a pipe: no progress at all.
        let piped = amber.run(["check", "--read-data"])
        #expect(piped.code == 0)
        #expect(!piped.stderr.contains("ETA") && !piped.stderr.contains("\r"))
    }
}
