import AmberKit
import Foundation
import Testing

/// restic's conventions for scripts: every failure exits with a documented code (a command line
/// that cannot be parsed exits 1, not 64), and under `--json` the error is one `exit_error` JSON
/// line on standard error; `version --json` is JSON too.
@Suite struct ConventionTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func exitError(_ result: RunResult) throws -> [String: Any] {
        let line = try #require(result.stderr.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func usageErrorsExitOne() throws {
        let unknown = amber.run(["snapshots", "--no-such-option"])
        #expect(unknown.code == 1 && unknown.stderr.contains("Unknown option '--no-such-option'"), "\(unknown.stderr)")
        #expect(amber.run(["backup", "--bogus", "x"]).code == 1)
        let json = amber.run(["--json", "dump"])
        #expect(json.code == 1)
        let error = try exitError(json)
        #expect(error["message_type"] as? String == "exit_error" && error["code"] as? Int == 1)
        #expect((error["message"] as? String)?.contains("Missing expected argument") == true)
        #expect(amber.run(["--help"]).code == 0)
    }

    @Test func failuresUnderJSONAreExitErrorLines() throws {
        let missing = amber.run(["snapshots", "--json"])
        #expect(missing.code == 10)
        let error = try exitError(missing)
        #expect(error["code"] as? Int == 10 && (error["message"] as? String)?.contains("no repository") == true, "\(missing.stderr)")
        // Without --json the same failure is text.
        #expect(amber.run(["snapshots"]).stderr.hasPrefix("amber: "))
    }

    @Test func versionAsJSON() throws {
        let result = amber.run(["version", "--json"])
        #expect(result.code == 0)
        let version = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(version["message_type"] as? String == "version" && (version["version"] as? String)?.isEmpty == false)
        #expect((version["libraries"] as? [String: String])?["zstd"] != nil)
    }
}

/// `--retry-lock`: a command waits for a conflicting lock to go instead of failing at once.
@Suite(.serialized)
struct RetryLockTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func aCommandWaitsForALockToGo() throws {
        let source = temp.sub("d")
        mkdir(source, 0o755)
        writeFile(source + "/f", [1, 2, 3])
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let repository = try Repository.open(backend: LocalBackend(path: temp.sub("repo")), password: Array(amber.password.utf8))
        let held = try RepositoryLock.acquire(repository, exclusive: true)
        #expect(amber.run(["restore", "latest", "--target", temp.sub("a")]).code == 11)
        final class Holder: @unchecked Sendable { let lock: RepositoryLock; init(_ lock: RepositoryLock) { self.lock = lock } }
        let holder = Holder(held)
        let releaser = Thread {
            Thread.sleep(forTimeInterval: 1.5)
            holder.lock.release()
        }
        releaser.start()
        let waited = amber.run(["--retry-lock", "20s", "restore", "latest", "--target", temp.sub("b")])
        #expect(waited.code == 0, "\(waited.stderr)")
        #expect(amber.run(["restore", "latest", "--target", temp.sub("c"), "--retry-lock", "soon"]).code == 1)

        // compact too (it took the lock without retrying).
        let again = try RepositoryLock.acquire(repository, exclusive: true)
        #expect(amber.run(["compact"]).code == 11)
        let second = Holder(again)
        let later = Thread {
            Thread.sleep(forTimeInterval: 1.5)
            second.lock.release()
        }
        later.start()
        let compacted = amber.run(["compact", "--retry-lock", "20s"])
        #expect(compacted.code == 0, "\(compacted.stderr)")
    }
}
