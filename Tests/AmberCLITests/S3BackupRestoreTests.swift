import Foundation
import Testing

/// `amber init/backup/check/restore` with `-r s3:…` against the moto server of `scripts/moto-server`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["AMBER_TEST_S3_ENDPOINT"] != nil))
struct S3BackupRestoreTests {
    let temp = TemporaryDirectory()
    let environment = ProcessInfo.processInfo.environment

    /// A runner on a fresh bucket, with the test server's credentials.
    func amber(credentials: Bool = true) -> AmberRunner {
        let endpoint = environment["AMBER_TEST_S3_ENDPOINT"] ?? ""
        var runner = AmberRunner(repository: "s3:\(endpoint)/amber-cli-\(UInt32.random(in: 0...UInt32.max))/repo",
                                 cacheDirectory: temp.sub("cache"))
        if credentials {
            for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"] {
                runner.extraEnvironment[name] = environment[name]
            }
        }
        return runner
    }

    @Test func initBackupRestoreOverS3() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        let amber = amber()
        let initialized = amber.run(["init"])
        #expect(initialized.code == 0, "\(initialized.stderr)")
        let backup = amber.run(["backup", source])
        #expect(backup.code == 0, "\(backup.stderr)")
        let check = amber.run(["check"])
        #expect(check.code == 0, "\(check.stderr)")
        let target = temp.sub("restore")
        let restore = amber.run(["restore", "latest", "--target", target])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(TreeFixture.differences(source, target + "/data") == [])
    }

    @Test func missingCredentialsAreAClearError() {
        let result = amber(credentials: false).run(["init"])
        #expect(result.code != 0)
        #expect(result.stderr.contains("AWS_ACCESS_KEY_ID"), "\(result.stderr)")
    }

    @Test func malformedLocationIsAClearError() {
        var runner = amber()
        runner.repository = "s3:http://127.0.0.1:1"
        let result = runner.run(["init"])
        #expect(result.code != 0)
        #expect(result.stderr.contains("malformed S3 location"), "\(result.stderr)")
    }
}
