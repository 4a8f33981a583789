import AmberKit
import Foundation

/// Writing to standard output and error.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Encodes a value as JSON (sorted keys) on one line of standard output; `snakeCase` turns
    /// the value's camelCase property names into the snake_case every `--json` output uses.
    static func json<T: Encodable>(_ value: T, snakeCase: Bool = false) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        if let data = try? encoder.encode(value) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    /// `1.50 MiB` (``ByteCount/text(_:)``).
    static func bytes(_ n: UInt64) -> String { ByteCount.text(n) }

    static func fixed(_ value: Double, _ digits: Int) -> String { ByteCount.fixed(value, digits) }

    /// `1:05` or `1:02:05`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
    }
}
