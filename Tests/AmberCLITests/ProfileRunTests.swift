import AmberKit
import Foundation
import Testing

/// `amber run` and `amber schedule` (issue 18) through the binary: a profile backs up a
/// directory, an NDJSON file and a PostgreSQL database and syncs to S3; a failing hook stops a
/// run and the monitor hears of it; the units pass `systemd-analyze verify`.
@Suite(.serialized)
struct ProfileRunTests {
    let temp = TemporaryDirectory()
    let environment = ProcessInfo.processInfo.environment

    /// A runner whose own password is wrong: every step must use the profile's.
    var amber: AmberRunner {
        var runner = AmberRunner(repository: temp.sub("unused"), password: "not the password", cacheDirectory: temp.sub("cache"))
        runner.extraEnvironment["XDG_STATE_HOME"] = temp.sub("state")
        runner.extraEnvironment["XDG_CONFIG_HOME"] = temp.sub("config")
        return runner
    }

    /// A runner on the profile's repository with its password, for checking what a run did.
    var owner: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    func writeProfile(_ body: String) throws -> String {
        let path = temp.sub("amber.yaml")
        try ("profiles:\n  nightly:\n    repository: \(temp.sub("repo"))\n    password-command: cat \(temp.sub("password"))\n" + body)
            .write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        try "correct horse\n".write(toFile: temp.sub("password"), atomically: true, encoding: .utf8)
        return path
    }

    func record() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: temp.sub("state") + "/amber/profiles/nightly.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func snapshotCount() throws -> Int {
        let list = owner.run(["snapshots", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any]).count
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_PG_URI"] != nil
                   && ProcessInfo.processInfo.environment["AMBER_TEST_S3_ENDPOINT"] != nil))
    func aProfileBacksUpFilesDocumentsAndADatabaseAndSyncsToS3() throws {
        let server = environment["AMBER_TEST_PG_URI"] ?? ""
        let suffix = UInt64.random(in: 0...UInt64.max) % 1_000_000_000
        let names = ["amber_profile_src_\(suffix)", "amber_profile_dst_\(suffix)"]
        for name in names { try TestPostgres.execute(server, "CREATE DATABASE \(name)") }
        defer { for name in names { try? TestPostgres.execute(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let database = TestPostgres.database(names[0], on: server)
        try TestPostgres.execute(database, """
            CREATE TABLE items(id int PRIMARY KEY, name text, price numeric(10,2));
            INSERT INTO items SELECT g, 'item ' || g, g * 1.25 FROM generate_series(1, 500) g;
            """)
        try FileManager.default.createDirectory(atPath: temp.sub("files/deep/er"), withIntermediateDirectories: true)
        writeFile(temp.sub("files/notes.txt"), textBytes(40_000, seed: 3), mode: 0o640)
        writeFile(temp.sub("files/deep/er/blob.bin"), pseudoRandomBytes(300_000, seed: 4))
        symlink("../notes.txt", temp.sub("files/deep/link"))
        let documents = (1...200).map { "{\"_id\":\"u\(1000 + $0)\",\"n\":\($0).0,\"name\":\"user \($0)\"}" }.joined(separator: "\n") + "\n"
        try documents.write(toFile: temp.sub("users.ndjson"), atomically: true, encoding: .utf8)
        try (environment["AWS_SECRET_ACCESS_KEY"] ?? "").write(toFile: temp.sub("aws-secret"), atomically: true, encoding: .utf8)
        let remote = "s3:\(environment["AMBER_TEST_S3_ENDPOINT"] ?? "")/amber-profile-\(suffix)/repo"
        let monitor = try MonitorServer(directory: temp.path)
        #expect(owner.run(["init"]).code == 0)
        let config = try writeProfile("""
                env: {AWS_ACCESS_KEY_ID: "\(environment["AWS_ACCESS_KEY_ID"] ?? "")", AWS_DEFAULT_REGION: "\(environment["AWS_DEFAULT_REGION"] ?? "us-east-1")"}
                env-commands: {AWS_SECRET_ACCESS_KEY: "cat \(temp.sub("aws-secret"))"}
                sources: ["\(temp.sub("files"))", "ndjson:\(temp.sub("users.ndjson"))", "\(database)"]
                forget: {keep-last: 3}
                check: {read-data-subset: 100%}
                sync: ["\(remote)"]
                hooks: {after: "touch \(temp.sub("after-ran"))"}
                monitor: {url: "\(monitor.url)/ping/abc"}
            """)
        let run = amber.run(["run", "nightly", "--config", config, "--json"])
        #expect(run.code == 0, "\(run.stderr)")
        // Standard output is the record alone (the steps' own output went to standard error).
        let printed = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(printed["result"] as? String == "success")
        #expect(!run.stderr.contains("correct horse"))
        #expect(FileManager.default.fileExists(atPath: temp.sub("after-ran")))
        #expect(try record()["result"] as? String == "success")
        #expect(try record()["last_check"] != nil)
        let requests = monitor.requests
        #expect(requests.map(\.0) == ["POST /ping/abc/start", "POST /ping/abc"])
        #expect(requests.last?.1.contains("snapshot") == true)

        // Everything comes back from the S3 copy: the oracles are diff, the source file's bytes and pg_dump.
        var fromS3 = owner
        fromS3.repository = remote
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"] { fromS3.extraEnvironment[name] = environment[name] }
        // The database's URI holds a password, so it was backed up alone: the latest snapshot.
        let files = fromS3.run(["restore", "latest", "--path", temp.sub("files"), "--target", temp.sub("back")])
        #expect(files.code == 0 || files.code == 3, "\(files.stderr)")
        try runTool(["diff", "-r", "--no-dereference", temp.sub("files"), temp.sub("back/files")])
        let users = fromS3.run(["restore", "latest", "--path", temp.sub("files"), "--target", "ndjson:" + temp.sub("back-ndjson")])
        #expect(users.code == 0, "\(users.stderr)")
        #expect(try String(contentsOfFile: temp.sub("back-ndjson/users.ndjson"), encoding: .utf8) == documents)
        let target = TestPostgres.database(names[1], on: server)
        let rows = fromS3.run(["restore", "latest", "--target", target])
        #expect(rows.code == 0 || rows.code == 3, "\(rows.stderr)")
        #expect(try TestPostgres.dump(target, "--data-only") == TestPostgres.dump(database, "--data-only"))
    }

    @Test func aFailingBeforeHookStopsTheRunAndTheMonitorHearsOfIt() throws {
        TreeFixture.make(at: temp.sub("files"))
        let monitor = try MonitorServer(directory: temp.path)
        #expect(owner.run(["init"]).code == 0)
        let config = try writeProfile("""
                sources: ["\(temp.sub("files"))"]
                hooks:
                  before: ["echo stopping the app; env > \(temp.sub("hook-env")); yes | head -1", "exit 9", "touch \(temp.sub("second-before-ran"))"]
                  after: "touch \(temp.sub("after-ran"))"
                  on-failure: "echo $AMBER_FAILED_STEP $AMBER_EXIT_CODE > \(temp.sub("on-failure"))"
                monitor:
                  url: "\(monitor.url)/ping/abc"
                  command: "cat > \(temp.sub("monitor-log")); echo $AMBER_RUN_RESULT >> \(temp.sub("monitor-log"))"
            """)
        let run = amber.run(["run", "--config", config])
        #expect(run.code == 1)
        #expect(run.stderr.contains("before hook 2 failed with exit code 9"), "\(run.stderr)")
        // Hooks start with SIGPIPE at its default and never see a password, the caller's or the profile's.
        #expect(!run.stderr.contains("Broken pipe"), "\(run.stderr)")
        let hookEnvironment = try String(contentsOfFile: temp.sub("hook-env"), encoding: .utf8)
        #expect(!hookEnvironment.contains("correct horse") && !hookEnvironment.contains("not the password"))
        #expect(hookEnvironment.contains("AMBER_PROFILE=nightly"))
        #expect(try snapshotCount() == 0)
        #expect(!FileManager.default.fileExists(atPath: temp.sub("second-before-ran")))
        #expect(!FileManager.default.fileExists(atPath: temp.sub("after-ran")))
        #expect(try String(contentsOfFile: temp.sub("on-failure"), encoding: .utf8) == "before hook 2 1\n")
        #expect(monitor.requests.map(\.0) == ["POST /ping/abc/start", "POST /ping/abc/fail"])
        #expect(monitor.requests.last?.1.contains("before hook 2 failed") == true)
        let log = try String(contentsOfFile: temp.sub("monitor-log"), encoding: .utf8)
        #expect(log.contains("stopping the app") && log.hasSuffix("failure\n"))
        #expect(try record()["failed_step"] as? String == "before hook 2")

        // Mended, the same profile runs; a step's failure (a wrong password) stops it with the step's code.
        _ = try writeProfile("    sources: [\"\(temp.sub("files"))\"]\n")
        #expect(amber.run(["run", "--config", config]).code == 0)
        #expect(try snapshotCount() == 1)
        try "wrong\n".write(toFile: temp.sub("password"), atomically: true, encoding: .utf8)
        let wrong = amber.run(["run", "--config", config])
        #expect(wrong.code == 12, "\(wrong.stderr)")
        #expect(try record()["failed_step"] as? String == "backup")
    }

    @Test func aProcessAHookLeavesBehindDoesNotHoldTheRunUp() throws {
        try FileManager.default.createDirectory(atPath: temp.sub("files"), withIntermediateDirectories: true)
        writeFile(temp.sub("files/a.txt"), textBytes(1000, seed: 1))
        #expect(owner.run(["init"]).code == 0)
        let config = try writeProfile("""
                sources: ["\(temp.sub("files"))"]
                hooks: {before: "sleep 40 & echo started a daemon"}
            """)
        let started = Date()
        let run = amber.run(["run", "--config", config])
        #expect(run.code == 0, "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 25)
        #expect(try snapshotCount() == 1)
    }

    @Test func anInterruptedRunStopsAfterTheStepRunningAndSaysSo() throws {
        TreeFixture.make(at: temp.sub("files"))
        #expect(owner.run(["init"]).code == 0)
        let config = try writeProfile("""
                sources: ["\(temp.sub("files"))"]
                hooks:
                  before: "touch \(temp.sub("started")) && exec sleep 60"
                  on-failure: "echo $AMBER_FAILED_STEP > \(temp.sub("on-failure"))"
            """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AmberRunner.executable)
        process.arguments = ["run", "--config", config]
        process.environment = ["PATH": "/usr/bin:/bin", "XDG_STATE_HOME": temp.sub("state"), "AMBER_SCRYPT_TESTING": "1",
                               "AMBER_CACHE_DIR": temp.sub("cache"), "HOME": "/nonexistent"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: temp.sub("started")), Date() < deadline { usleep(20_000) }
        let started = Date()
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(try record()["result"] as? String == "interrupted")
        #expect(try String(contentsOfFile: temp.sub("on-failure"), encoding: .utf8) == "before hook 1\n")
        #expect(try snapshotCount() == 0)
    }

    @Test func scheduleInstallWritesUnitsSystemdAcceptsAndRemoveTakesThemAway() throws {
        let config = try writeProfile("    sources: [\"\(temp.sub("files"))\"]\n")
        let install = amber.run(["schedule", "install", "nightly", "--config", config, "--every", "Mon..Fri 22:30", "--no-enable"])
        #expect(install.code == 0, "\(install.stderr)")
        let directory = temp.sub("config") + "/systemd/user"
        let units = [directory + "/amber-nightly.service", directory + "/amber-nightly.timer"]
        #expect(units.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") {
            let verify = try runTool(["systemd-analyze", "verify"] + units)
            #expect(!verify.contains("amber-nightly"), "\(verify)")
            let status = amber.run(["schedule", "status", "--config", config, "--json"])
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
            #expect(entries.first?["schedule"] as? String == "Mon..Fri 22:30")
            #expect((entries.first?["next_run"] as? String)?.contains("22:30:00") == true)
        }
        let executable = URL(fileURLWithPath: AmberRunner.executable).resolvingSymlinksInPath().path
        #expect(try String(contentsOfFile: units[0], encoding: .utf8).contains("ExecStart=\(executable) run nightly --config \(config)\n"))
        #expect(amber.run(["schedule", "install", "nobody", "--config", config, "--every", "daily", "--no-enable"]).code != 0)
        #expect(amber.run(["schedule", "install", "nightly", "--config", config, "--every", "whenever", "--no-enable"]).code == 1)
        let remove = amber.run(["schedule", "remove", "nightly", "--config", config])
        #expect(remove.code == 0, "\(remove.stderr)")
        #expect(!units.contains { FileManager.default.fileExists(atPath: $0) })
        #expect(amber.run(["schedule", "remove", "nightly", "--config", config]).code == 1)
    }
}
