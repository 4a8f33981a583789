#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A short-lived program's exit code and output: the password and environment commands, the
/// monitor's command, `systemctl` and `systemd-analyze`.
struct SystemTool {
    let code: Int32
    let output: String
    let errors: String

    /// The first line of what the tool wrote on standard error (or output).
    var errorLine: String {
        let text = errors.isEmpty ? output : errors
        return text.split(separator: "\n").first.map(String.init) ?? "exit status \(code)"
    }

    /// Runs `path` to its end with `input` on its standard input (none: /dev/null) and
    /// `environment` (nil: this process's), collecting both outputs.
    static func run(_ path: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) -> SystemTool {
        let out = ChildProcess.pipe(), err = ChildProcess.pipe()
        let stdin = input == nil ? nil : ChildProcess.pipe()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(path, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                                           input: stdin?.read, output: out.write, error: err.write)
        } catch {
            for fd in [out.read, out.write, err.read, err.write, stdin?.read ?? -1, stdin?.write ?? -1] where fd >= 0 { close(fd) }
            return SystemTool(code: 127, output: "", errors: error.description)
        }
        for fd in [out.write, err.write, stdin?.read ?? -1] where fd >= 0 { close(fd) }
        if let input, let stdin {
            // A writer of its own: a tool that reads nothing must not block us on a full pipe.
            Thread {
                input.withUnsafeBytes { bytes in _ = write(stdin.write, bytes.baseAddress, bytes.count) }
                close(stdin.write)
            }.start()
        }
        final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }
        let errors = Box()
        let reader = Thread { errors.bytes = Self.readAll(err.read) }
        reader.start()
        let output = readAll(out.read)
        let code = child.wait()
        while !reader.isFinished { usleep(1000) }
        return SystemTool(code: code, output: String(decoding: output, as: UTF8.self),
                          errors: String(decoding: errors.bytes, as: UTF8.self))
    }

    /// Reads `fd` to its end and closes it.
    static func readAll(_ fd: Int32) -> [UInt8] {
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result += buffer[..<count]
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }
}
