#if canImport(Glibc)
import Glibc
#endif

/// File paths as raw bytes: names on Linux are bytes, not necessarily UTF-8, and a backup
/// must restore them exactly.
public struct PathBytes: Sendable, Hashable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { bytes = Array(string.utf8) }

    /// `self/name`.
    public func appending(_ name: [UInt8]) -> PathBytes {
        var b = bytes
        if b.last != UInt8(ascii: "/") { b.append(UInt8(ascii: "/")) }
        b.append(contentsOf: name)
        return PathBytes(b)
    }

    /// The last component, ignoring trailing slashes (`/` itself has none).
    public var lastComponent: [UInt8] {
        var b = bytes
        while b.count > 1, b.last == UInt8(ascii: "/") { b.removeLast() }
        if let slash = b.lastIndex(of: UInt8(ascii: "/")) { return Array(b[(slash + 1)...]) }
        return b
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The components of the absolute path, cleaned lexically (no `.`, `..` taken back, no
    /// symlink resolved), as restic makes the paths its exclude patterns match: a relative path
    /// is taken from the working directory.
    var absoluteComponents: [String] {
        var full = bytes
        if full.first != UInt8(ascii: "/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                full = Array(String(cString: buffer).utf8) + [UInt8(ascii: "/")] + full
            }
        }
        var components = [String]()
        for part in full.split(separator: UInt8(ascii: "/")) {
            switch part {
            case [UInt8(ascii: ".")]: continue
            case [UInt8(ascii: "."), UInt8(ascii: ".")]: _ = components.popLast()
            default: components.append(String(decoding: part, as: UTF8.self))
            }
        }
        return components
    }

    /// Calls `body` with a NUL-terminated C string of the path.
    public func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        var c = bytes
        c.append(0)
        return try c.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}

/// The text of `errno` (`strerror`).
func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// The target of the symlink at `path` (`readlink`, raw bytes); nil (with errno set) if it
/// cannot be read.
func symlinkTarget(_ path: PathBytes) -> [UInt8]? {
    var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = path.withCString { p in
        target.withUnsafeMutableBufferPointer { readlink(p, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) }
    }
    return n >= 0 ? Array(target[0..<n]) : nil
}

/// The names in a directory, without `.` and `..`; nil (with errno set) if it cannot be opened.
func directoryNames(_ path: PathBytes) -> [[UInt8]]? {
    guard let dir = path.withCString({ opendir($0) }) else { return nil }
    defer { closedir(dir) }
    var names = [[UInt8]]()
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
            Array(raw[0..<(raw.firstIndex(of: 0) ?? raw.count)])
        }
        if name != [46] && name != [46, 46] { names.append(name) }
    }
    return names
}
