#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AmberCore

extension LocalBackend {
    /// `directory/name`, without doubling a trailing slash.
    func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Everything before the last `/` ("." if there is none, "/" for a file in the root).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `value` (0...255) as two lowercase hex digits: the fan-out directory names `00`…`ff`.
    static func fanOut(_ value: Int) -> String {
        Hex.encode([UInt8(truncatingIfNeeded: value)])
    }

    /// 16 random lowercase hex digits for temporary file names.
    static func randomHex() -> String {
        var rng = SystemRandomNumberGenerator()
        return Hex.encode(withUnsafeBytes(of: rng.next() as UInt64) { Array($0) })
    }

    /// Creates a directory; an existing one is fine. With `parents`, creates missing ancestors first.
    /// The corresponding C function is `mkdir`.
    static func makeDirectory(_ path: String, parents: Bool = false) throws(BackendError) {
        switch valueOrErrno({ mkdir(path, directoryMode) }) {
        case .success:
            return
        case .failure(.fileExists):
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                throw BackendError(.permanent, path: path, message: "mkdir: exists and is not a directory")
            }
        case .failure(.noSuchFileOrDirectory) where parents && parent(of: path) != path:
            try makeDirectory(parent(of: path), parents: true)
            try makeDirectory(path)
        case .failure(let number):
            throw BackendError(number, operation: "mkdir", path: path)
        }
    }

    /// Flushes a directory, making renames and new entries in it durable.
    static func syncDirectory(_ path: String) throws(BackendError) {
        let directory = try FileDescriptor(opening: path, flags: O_RDONLY | O_DIRECTORY)
        try directory.sync()
        try directory.close()
    }
}
