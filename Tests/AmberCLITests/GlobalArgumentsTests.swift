import Foundation
import Testing

/// Global options before the subcommand, as restic takes them: `amber -r REPO init`.
@Suite(.serialized)
struct GlobalArgumentsTests {
    let temp = TemporaryDirectory()

    /// A runner with no AMBER_REPOSITORY, so only `-r`/`--repo` can name the repository.
    var amber: AmberRunner {
        var runner = AmberRunner(repository: "", cacheDirectory: temp.sub("cache"))
        runner.extraEnvironment = ["AMBER_REPOSITORY": ""]
        return runner
    }

    @Test func globalOptionsBeforeTheSubcommandAreTheSameAsAfterIt() throws {
        let repo = temp.sub("repo")
        let initialized = amber.run(["-r", repo, "init"])
        #expect(initialized.code == 0, "\(initialized.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo + "/config"))

        let source = temp.sub("data")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: source + "/a.txt"))
        let backup = amber.run(["--json", "--repo=\(repo)", "backup", source])
        #expect(backup.code == 0, "\(backup.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(backup.stdout.utf8)) as? [String: Any])
        #expect(summary["message_type"] as? String == "summary")

        // Before, after, and on both sides of the subcommand: the same listing.
        let before = amber.run(["-r", repo, "--json", "snapshots"])
        let after = amber.run(["snapshots", "--json", "-r", repo])
        #expect(before.code == 0 && after.code == 0, "\(before.stderr) \(after.stderr)")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(before.stdout == after.stdout)

        // Nested subcommands keep working.
        let keys = amber.run(["-r", repo, "key", "list"])
        #expect(keys.code == 0, "\(keys.stderr)")

        // After `--` everything is an argument: the global options go before it.
        try Data("dash\n".utf8).write(to: URL(fileURLWithPath: source + "/-x.txt"))
        var inSource = amber
        inSource.currentDirectory = source
        let dashed = inSource.run(["-q", "-r", repo, "backup", "--", "-x.txt"])
        #expect(dashed.code == 0, "\(dashed.stderr)")
        let listing = amber.run(["-r", repo, "ls", "latest"])
        #expect(listing.stdout.split(separator: "\n").contains("/-x.txt"), "\(listing.stdout)")

        // A leading option without its value is still a usage error, not a crash.
        let missing = amber.run(["-r"])
        #expect(missing.code != 0)
        // Without -r the repository is missing, and the error says how to give it.
        let none = amber.run(["snapshots"])
        #expect(none.code != 0)
        #expect(none.stderr.contains("-r/--repo"))
    }
}
