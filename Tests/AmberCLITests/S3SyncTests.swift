import Foundation
import Testing

/// `amber sync --to s3:…` and back, against the moto server of `scripts/moto-server`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_S3_ENDPOINT"] != nil))
struct S3SyncTests {
    let temp = TemporaryDirectory()
    let environment = ProcessInfo.processInfo.environment

    /// A runner on a local repository, with the test server's credentials.
    var amber: AmberRunner {
        var runner = AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache"))
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"] {
            runner.extraEnvironment[name] = environment[name]
        }
        return runner
    }

    /// `s3:ENDPOINT/BUCKET/repo` on a fresh bucket.
    func freshLocation() -> String {
        "s3:\(environment["AMBER_TEST_S3_ENDPOINT"] ?? "")/amber-sync-\(UInt32.random(in: 0...UInt32.max))/repo"
    }

    @Test func syncToS3AndRestoreFromThere() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        let first = amber.run(["backup", source])
        #expect(first.code == 0, "\(first.stderr)")
        writeFile(source + "/added.bin", pseudoRandomBytes(300_000, seed: 7))
        #expect(amber.run(["backup", source]).code == 0)

        let remote = freshLocation()
        let sync = amber.run(["sync", "--to", remote, "--verify", "--json"])
        #expect(sync.code == 0, "\(sync.stderr)")
        let report = try SyncJSON(sync)
        #expect(report.kinds["snapshots"]?.copiedFiles == 2)
        #expect(report.kinds["config"]?.copiedFiles == 1)

        let again = amber.run(["sync", "--to", remote, "--json"])
        #expect(again.code == 0, "\(again.stderr)")
        let second = try SyncJSON(again)
        #expect(second.copiedFiles == 0)
        #expect(second.copiedBytes == 0)

        try FileManager.default.removeItem(atPath: temp.sub("repo"))
        var fromS3 = amber
        fromS3.repository = remote
        let target = temp.sub("restore")
        let restore = fromS3.run(["restore", "latest", "--target", target])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(TreeFixture.differences(source, target + "/data") == [])
        let check = fromS3.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stderr)")

        // And back from S3 to a new directory.
        let local = temp.sub("back")
        let back = fromS3.run(["sync", "--to", local, "--json"])
        #expect(back.code == 0, "\(back.stderr)")
        var fromLocal = amber
        fromLocal.repository = local
        let restoreLocal = fromLocal.run(["restore", "latest", "--target", temp.sub("restore2")])
        #expect(restoreLocal.code == 0, "\(restoreLocal.stderr)")
        #expect(TreeFixture.differences(source, temp.sub("restore2") + "/data") == [])
    }
}
