#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AmberCore

/// A repository in a local directory, in the layout of ``FileHandle/path``:
/// `config`, `keys/NAME`, `data/NA/NAME` (256 fan-out directories `00`…`ff`), `index/NAME`, …
///
/// - Saves are atomic and durable: the bytes go to `.tmp-<random hex>` in the destination directory
///   (created with `O_CREAT | O_EXCL`, mode 0600), which is `fsync`ed, renamed into place, and then the
///   directory is `fsync`ed so the rename itself survives a crash.
/// - Names starting with `.` are never listed, so a temporary file left by a crash is invisible.
/// - `errno` is classified by ``BackendError/code(forErrno:)``: `ENOENT` is not-found, `EINTR`/`EAGAIN`
///   transient, everything else (including `EIO`) permanent. `EINTR` is retried inside each call.
/// - `load` with a range past the end of the file is a permanent error, never a short result.
/// - `list` of a kind whose directory is missing (repository not created) is ``BackendError/Code/notFound``.
/// - Pack files read are kept open for later loads (``OpenFileCache``), shared by copies of the
///   backend; a pack removed meanwhile still reads as it was, which is what it still holds.
///
/// Uses POSIX calls directly (`open`, `pread`, `write`, `fsync`, `rename`, `stat`, `opendir`, `readdir`).
public struct LocalBackend: Backend {
    /// The repository directory.
    public let path: String

    /// The permission bits of created directories and files: owner only.
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Pack files kept open between loads (only `data/…` files: see ``OpenFileCache``).
    let openPacks = OpenFileCache()

    public init(path: String) {
        self.path = path
    }

    public var location: String { path }

    /// The full path of a file.
    func fullPath(_ handle: FileHandle) -> String {
        join(path, handle.path)
    }

    /// Creates the repository directory (and its parents), the kind directories and `data/00`…`data/ff`;
    /// existing directories are fine. Then flushes the repository and data directories.
    public func create() throws(BackendError) {
        let directories = layoutDirectories
        try Self.makeDirectory(directories[0], parents: true)
        for directory in directories.dropFirst() {
            try Self.makeDirectory(directory)
        }
        try Self.syncDirectory(join(path, FileKind.data.rawValue))
        try Self.syncDirectory(path)
    }

    /// Every directory of the layout, parents first: the repository, one per kind but config, and
    /// the 256 fan-out directories of `data`.
    private var layoutDirectories: [String] {
        let data = join(path, FileKind.data.rawValue)
        return [path] + FileKind.allCases.filter { $0 != .config }.map { join(path, $0.rawValue) }
            + (0..<256).map { join(data, Self.fanOut($0)) }
    }

    public func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        try StorageChecks.validate(handle)
        let destination = fullPath(handle)
        let directory = Self.parent(of: destination)
        var attempt = 0
        while true {
            attempt += 1
            let temporary = join(directory, ".tmp-" + Self.randomHex())
            let descriptor: CInt
            switch FileDescriptor.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: Self.fileMode) {
            case .success(let opened):
                descriptor = opened
            case .failure(.fileExists) where attempt < 3:
                continue  // an unlikely clash of 64 random bits: pick another name
            case .failure(.noSuchFileOrDirectory):
                throw BackendError(.permanent, path: handle.path,
                                   message: "open: directory \(directory) missing; was the repository created?")
            case .failure(let number):
                throw BackendError(number, operation: "open", path: temporary)
            }
            let file = FileDescriptor(adopting: descriptor, path: temporary)
            do {
                try file.writeAll(bytes)
                try file.sync()
                try file.close()
                _ = try valueOrErrno("rename", destination) { rename(temporary, destination) }
            } catch {
                unlink(temporary)
                throw error
            }
            try Self.syncDirectory(directory)
            return
        }
    }

    public func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) {
        let cutoff = Int(time(nil)) - Int(age)
        var removed = (files: 0, bytes: 0)
        for directory in layoutDirectories {
            let stale: [(name: String, size: Int)]
            do {
                stale = try DirectoryStream(opening: directory).files(named: ".tmp-", modifiedBefore: cutoff)
            } catch where error.code == .notFound {
                continue
            }
            for file in stale where unlink(join(directory, file.name)) == 0 {
                removed.files += 1
                removed.bytes += file.size
            }
        }
        return removed
    }

    public func load(_ handle: FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try StorageChecks.validate(handle)
        let file = handle.kind == .data ? try openPacks.file(handle.path, fullPath: fullPath(handle))
                                        : try OpenFileCache.File(opening: fullPath(handle))
        let range = try StorageChecks.range(offset: offset, length: length, size: file.size, path: handle.path)
        let bytes = try file.read(offset: range.lowerBound, count: range.count)
        guard bytes.count == range.count else {
            throw BackendError(.permanent, path: handle.path,
                               message: "short read: \(bytes.count) of \(range.count) bytes at offset \(offset)")
        }
        return bytes
    }

    /// A directory on this machine.
    public var isLocal: Bool { true }

    /// `posix_fadvise(POSIX_FADV_WILLNEED)` on each file, in name order, until `budget` bytes:
    /// the kernel reads them into the page cache in the background.
    public func prefetch(_ kind: FileKind, upTo budget: Int) {
        guard let files = try? list(kind) else { return }
        var left = budget
        for file in files where left > 0 {
            let handle = FileHandle(kind, file.name)
            guard (try? StorageChecks.validate(handle)) != nil,
                  case .success(let fd) = FileDescriptor.open(fullPath(handle), flags: O_RDONLY) else { continue }
            _ = posix_fadvise(fd, 0, off_t(min(file.size, left)), POSIX_FADV_WILLNEED)
            _ = close(fd)
            left -= file.size
        }
    }

    public func size(_ handle: FileHandle) throws(BackendError) -> Int {
        try StorageChecks.validate(handle)
        let file = fullPath(handle)
        var info = stat()
        _ = try valueOrErrno("stat", file) { stat(file, &info) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw BackendError(.permanent, path: handle.path, message: "not a regular file")
        }
        return Int(info.st_size)
    }

    /// Every file of a kind with its size, sorted by name.
    public func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] {
        switch kind {
        case .config:
            do {
                return [("config", try size(.config))]
            } catch where error.code == .notFound {
                return []
            }
        case .data:
            let data = join(path, kind.rawValue)
            // A missing data directory means no repository; a missing fan-out directory is just empty.
            _ = try DirectoryStream(opening: data)
            var files: [(name: String, size: Int)] = []
            for prefix in 0..<256 {
                do {
                    files += try DirectoryStream(opening: join(data, Self.fanOut(prefix))).regularFiles()
                } catch where error.code == .notFound {
                    continue
                }
            }
            return files.sorted { $0.name < $1.name }
        default:
            return try DirectoryStream(opening: join(path, kind.rawValue)).regularFiles().sorted { $0.name < $1.name }
        }
    }

    /// Unlinks a file; a missing file is fine.
    public func remove(_ handle: FileHandle) throws(BackendError) {
        try StorageChecks.validate(handle)
        let file = fullPath(handle)
        do {
            _ = try valueOrErrno("unlink", file) { unlink(file) }
        } catch where error.code == .notFound {
            return
        }
    }
}
