#if canImport(Glibc)
import Glibc
#endif

/// A file or directory named on the command line, checked before a backup writes anything: its
/// path, the name of its entry in the snapshot's root tree, and its status.
public struct TreeRoot: Sendable {
    public let path: PathBytes
    /// The last component of the path; for `.`, `..` and `/`, that of the resolved path (`root` for `/`).
    public let name: [UInt8]
    let status: FileStatus

    /// Checks that `source` exists and names its entry.
    ///
    /// - Throws: ``FilesystemError`` when `source` cannot be `lstat`ed.
    public init(source: String) throws(FilesystemError) {
        path = PathBytes(source)
        switch FileStatus.lstat(path) {
        case .success(let s): status = s
        case .failure(let e): throw FilesystemError(path: source, message: "cannot back up: \(e.message)")
        }
        name = Self.entryName(path)
    }

    private static func entryName(_ path: PathBytes) -> [UInt8] {
        var name = path.lastComponent
        guard name.isEmpty || name == [46] || name == [46, 46] || name == [47] else { return name }
        if let resolved = path.withCString({ realpath($0, nil) }) {
            name = PathBytes(String(cString: resolved)).lastComponent
            free(resolved)
        }
        if name == [47] || name.isEmpty { name = Array("root".utf8) }
        return name
    }
}
