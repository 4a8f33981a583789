#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file operations a target needs around SQLite: existence, publishing by rename or link,
/// removal of a database's side files. Failures become ``SQLiteError/Code/io`` naming the path.
enum SQLiteFiles {
    /// The side files SQLite keeps beside a database, which belong to that database only.
    static let sideSuffixes = ["-journal", "-wal", "-shm"]

    /// Whether anything (a file, a directory, a dangling symlink) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Removes `path`; a missing file is not an error.
    static func remove(_ path: String) throws(SQLiteError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw failure("unlink", path) }
    }

    /// Removes a database file and its side files, ignoring failures (cleanup on error paths).
    static func removeDatabase(_ path: String) {
        for suffix in [""] + sideSuffixes { _ = unlink(path + suffix) }
    }

    /// Moves `source` to `destination`, replacing what is there (`rename(2)`, atomic).
    static func replace(_ destination: String, with source: String) throws(SQLiteError) {
        guard rename(source, destination) == 0 else { throw failure("rename", destination) }
    }

    /// Moves `source` to `destination` only if nothing is there (`link(2)` then `unlink(2)`), so
    /// a file created meanwhile is never overwritten.
    static func publish(_ source: String, at destination: String) throws(SQLiteError) {
        guard link(source, destination) == 0 else {
            if errno == EEXIST {
                throw SQLiteError(code: .targetExists, message: "a file appeared at the target path; use force to replace it",
                                  path: destination)
            }
            throw failure("link", destination)
        }
        try remove(source)
    }

    /// Makes a rename in `path`'s directory durable (`fsync` of the directory).
    static func syncDirectory(of path: String) {
        let directory = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let descriptor = open(directory, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    private static func failure(_ operation: String, _ path: String) -> SQLiteError {
        SQLiteError(code: .io, message: "\(operation): \(String(cString: strerror(errno)))", path: path)
    }
}
