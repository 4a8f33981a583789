import Foundation
import Testing

/// Runs the real `restic` binary on a repository in a temporary directory, in UTC.
struct ResticRunner {
    let executable: String
    let repository: String
    /// (major, minor) from `restic version`.
    let version: (Int, Int)
    /// More environment variables for restic.
    var environment: [String: String] = [:]

    /// Finds restic on the usual paths, or nil.
    static func locate() -> String? {
        ["/usr/bin/restic", "/usr/local/bin/restic", "/bin/restic"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(executable: String, repository: String, environment: [String: String] = [:]) throws {
        self.executable = executable
        self.repository = repository
        self.environment = environment
        version = try Self.version(executable)
    }

    /// `restic version` says "restic 0.14.0 compiled with go1.19.8 on linux/amd64".
    private static func version(_ executable: String) throws -> (Int, Int) {
        let text = try ResticRunner(executable: executable, repository: "", version: (0, 0)).run(["version"])
        let parts = text.split(separator: " ").dropFirst().first?.split(separator: ".").compactMap { Int($0) } ?? []
        return (parts.first ?? 0, parts.dropFirst().first ?? 0)
    }

    private init(executable: String, repository: String, version: (Int, Int)) {
        self.executable = executable
        self.repository = repository
        self.version = version
    }

    func atLeast(_ major: Int, _ minor: Int) -> Bool { version >= (major, minor) }

    /// Runs restic; returns standard output, or throws with standard error on failure.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--no-cache"] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "TZ": "UTC",
                               "RESTIC_REPOSITORY": repository, "RESTIC_PASSWORD": "restic-retention-test"]
            .merging(environment) { _, added in added }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let reader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        guard process.terminationStatus == 0 else {
            throw ResticFailure(arguments: arguments, status: process.terminationStatus,
                                stderr: String(decoding: errBox.data, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// Parses the JSON document on standard output (restic may print other lines around it).
    func json(_ arguments: [String]) throws -> Any {
        let text = try run(arguments + ["--json"])
        for line in text.split(separator: "\n") where line.hasPrefix("[") || line.hasPrefix("{") {
            if let value = try? JSONSerialization.jsonObject(with: Data(line.utf8)) { return value }
        }
        return try JSONSerialization.jsonObject(with: Data(text.utf8))
    }
}

struct ResticFailure: Error, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let stderr: String
    var description: String { "restic \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
}
