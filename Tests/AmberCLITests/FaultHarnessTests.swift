import Foundation
import Testing

/// The fault harnesses of `Benchmarks/faults/` at a small size, so that CI runs them on every
/// change; by hand they run large (see each script's header). Needs python3 and sqlite3.
@Suite(.serialized)
struct FaultHarnessTests {
    let temp = TemporaryDirectory()

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Benchmarks/faults").path

    /// SIGKILL at random instants of backups, forget --prune, prune, compact, sync and password
    /// changes: after each, `check` is clean and the snapshots restore what their sources held.
    @Test func killedOperationsLeaveEverySnapshotRestorable() throws {
        let result = try runScript("crash.sh", ["--rounds", "8", "--size", "small", "--seed", "\(UInt16.random(in: 1...9999))"])
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains(", 0 failures"), "\(result.output)")
    }

    /// Three hosts back up into one repository at once while a fourth process forgets and
    /// prunes: every process exits 0, and every snapshot restores. On the test S3 server (moto)
    /// when scripts/test started one, else in a directory.
    @Test func hostsBackUpBesideAForgetInOneRepository() throws {
        let s3 = ProcessInfo.processInfo.environment["AMBER_TEST_S3_ENDPOINT"] != nil
        let result = try runScript("many-hosts.sh", ["--rounds", "3", "--hosts", "3", "--seed", "\(UInt16.random(in: 1...9999))"] + (s3 ? [] : ["--local"]))
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains(", 0 failures"), "\(result.output)")
    }

    /// Flips and truncations in a sample of the repository's files: `check --read-data` detects
    /// and names each, and no restore of a damaged repository exits 0 with other contents.
    @Test func damageIsDetectedNamedAndNeverRestoredSilently() throws {
        let result = try runScript("corrupt.sh", ["--max-cases", "4", "--seed", "\(UInt16.random(in: 1...9999))"])
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains(", 0 failures"), "\(result.output)")
    }

    /// The libFuzzer targets (JSON parser and transcoder, document keys, database rows, columnar leaves,
    /// repository files, manifest nodes, snapshot files, COPY text, S3 XML) for a few seconds each: no
    /// crash, no sanitizer report, no broken property.
    @Test func fuzzTargetsRunWithoutAFailure() throws {
        let result = try runScript("fuzz.sh", ["--seconds", "10"], passesAmber: false)
        #expect(result.code == 0, "\(result.output)")
        #expect(result.output.contains(", 0 failed"), "\(result.output)")
    }

    private func runScript(_ name: String, _ arguments: [String], passesAmber: Bool = true) throws -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.scripts + "/" + name] + arguments + (passesAmber ? ["--amber", AmberRunner.executable] : []) + ["--work", temp.sub("work")]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/usr/bin:/bin:" + (environment["PATH"] ?? "")  // swiftc for fuzz.sh
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
