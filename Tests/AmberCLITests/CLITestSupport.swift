import Foundation
import Testing

#if canImport(Glibc)
import Glibc
import AmberTesting
#endif

/// The result of running the `amber` binary.
struct RunResult {
    let code: Int32
    let stdout: String
    let stderr: String
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/amber-cli-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: made!)
        chmod(path, 0o755)
    }

    func sub(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs the `amber` executable built beside the tests.
struct AmberRunner {
    var repository: String
    var password = "correct horse"
    var cacheDirectory: String
    var extraEnvironment: [String: String] = [:]
    /// Run as this uid/gid via setpriv (only possible as root).
    var runAsNobody = false
    /// The working directory (default: the test's), for sources given as relative paths.
    var currentDirectory: String?

    static var executable: String {
        let dir = Bundle.main.bundleURL.path
        for candidate in [dir + "/amber", dir + "/../amber"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return dir + "/amber"
    }

    @discardableResult
    func run(_ arguments: [String], password: String? = nil, stdin: Data? = nil) -> RunResult {
        let process = Process()
        var args = arguments
        if runAsNobody {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            args = ["--reuid=65534", "--regid=65534", "--clear-groups", Self.executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: Self.executable)
        }
        process.arguments = args
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        var env = ["PATH": "/usr/bin:/bin", "AMBER_REPOSITORY": repository, "AMBER_PASSWORD": password ?? self.password,
                   "AMBER_SCRYPT_TESTING": "1", "AMBER_CACHE_DIR": cacheDirectory, "HOME": "/nonexistent"]
        for (k, v) in extraEnvironment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        do { try process.run() } catch { return RunResult(code: -1, stdout: "", stderr: "cannot run \(Self.executable): \(error)") }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty process cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let reader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return RunResult(code: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: errBox.data, as: UTF8.self))
    }
}

/// Writes `bytes` to `path` and sets its mode and modification time.
func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, mtime: (Int, Int)? = nil) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    chmod(path, mode)
    if let (sec, nsec) = mtime { setTime(path, sec, nsec) }
}

func setTime(_ path: String, _ sec: Int, _ nsec: Int) {
    var times = [timespec(tv_sec: sec, tv_nsec: nsec), timespec(tv_sec: sec, tv_nsec: nsec)]
    _ = utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
}

/// Deterministic pseudo-random bytes (``AmberTesting/SplitMix64``).
func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    return generator.bytes(count)
}

/// Text-like bytes that compress well.
func textBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    let words = ["amber", "backup", "restore", "snapshot", "chunk", "pack", "index", "tree", "blob", "key", "\n"]
    var out = [UInt8]()
    var state = seed
    while out.count < count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        out.append(contentsOf: Array(words[Int(state >> 33) % words.count].utf8))
        out.append(32)
    }
    return Array(out.prefix(count))
}

/// Runs an outside tool (`sqlite3`, `gzip`: the oracles of several tests) through `env` with
/// `PATH=/usr/bin:/bin` and `LC_ALL=C`, feeding it `stdin`; returns its standard output and
/// fails the test unless it exits 0.
@discardableResult
func runTool(_ arguments: [String], stdin: Data? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin", "LC_ALL": "C"]
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    final class Box: @unchecked Sendable { var data = Data() }
    let errors = Box()
    let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let writer = Thread {
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished || !writer.isFinished { usleep(1000) }
    try #require(process.terminationStatus == 0,
                 "\(arguments.joined(separator: " ")): exit \(process.terminationStatus): \(String(decoding: errors.data, as: UTF8.self))")
    return String(decoding: output, as: UTF8.self)
}
