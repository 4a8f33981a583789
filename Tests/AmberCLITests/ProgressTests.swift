import Foundation
import Testing

/// Progress lines (issue 17): `sync`, `restore` and `check --read-data` show what they will copy or read, a
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

        let restore = try onTerminal(["restore", "latest", "--target", temp.sub("restored")])
        #expect(restore.components(separatedBy: "\r").contains { $0.contains("restored") && $0.contains("ETA") }, "\(restore)")

        let check = try onTerminal(["check", "--read-data"])
        #expect(check.components(separatedBy: "\r").contains { $0.contains("packs read") && $0.contains("ETA") }, "\(check)")
        #expect(check.contains("no errors were found"))

        // In a pipe: no progress at all.
        let piped = amber.run(["check", "--read-data"])
        #expect(piped.code == 0)
        #expect(!piped.stderr.contains("ETA") && !piped.stderr.contains("\r"))
    }

    /// `prune` shows the packs it repacks and deletes; with `--json` and `AMBER_PROGRESS_FPS`, a
    /// pipe gets restic-like `status` lines on standard output before the summary, and without
    /// the variable only the summary.
    @Test func pruneShowsProgressAndJSONStatusLinesReachAPipeWhenAskedFor() throws {
        try FileManager.default.createDirectory(atPath: temp.sub("data"), withIntermediateDirectories: true)
        #expect(amber.run(["init"]).code == 0)
        for round in 0..<2 {
            writeFile(temp.sub("data/random.bin"), pseudoRandomBytes(40 << 20, seed: UInt64(round)))
            #expect(amber.run(["backup", temp.sub("data")]).code == 0)
        }
        let json = try runTool(["AMBER_PASSWORD=\(amber.password)", "AMBER_SCRYPT_TESTING=1", "AMBER_PROGRESS_FPS=200",
                                "AMBER_CACHE_DIR=\(temp.sub("cache"))", "HOME=/nonexistent", AmberRunner.executable, "-r", temp.sub("repo"),
                                "check", "--read-data", "--json"])
        let messages = try json.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
        let statuses = messages.filter { $0["message_type"] as? String == "status" }
        #expect(!statuses.isEmpty && messages.last?["message_type"] as? String != "status", "\(json)")
        // Totals and the share done once the packs to read are known (the first lines may come before).
        #expect(statuses.contains { ($0["total_bytes"] as? Int ?? 0) > 40 << 20 && $0["percent_done"] is Double }, "\(json)")
        for status in statuses {
            #expect(status["action"] as? String == "packs read", "\(status)")
            if let done = status["percent_done"] as? Double { #expect(done >= 0 && done <= 1, "\(status)") }
        }
        let quiet = amber.run(["check", "--read-data", "--json"])
        #expect(quiet.stdout.split(separator: "\n").count == 1, "\(quiet.stdout)")

        #expect(amber.run(["forget", "--keep-last", "1"]).code == 0)
        let prune = try onTerminal(["prune"])
        #expect(prune.components(separatedBy: "\r").contains { $0.contains("packs repacked or deleted:") && $0.contains(" of ") }, "\(prune)")
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }
}
