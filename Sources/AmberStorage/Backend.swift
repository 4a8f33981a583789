/// The kinds of file a repository holds. Each kind is a directory (or key prefix) of its own.
public enum FileKind: String, Sendable, CaseIterable {
    case config
    case keys
    case data
    case index
    case snapshots
    case locks
    /// Prune plans: packs and index files waiting for deletion (`docs/format.md` §Prune).
    case plans
    /// Byte-for-byte copies of the files without which nothing opens: `config` and each key
    /// file under its own name (`docs/format.md` §Copies). Absent in repositories written before.
    case copies
}

/// One file in a backend: its kind and its name (64 hex digits, or `config`; `copies` holds both).
public struct FileHandle: Hashable, Sendable, CustomStringConvertible {
    public let kind: FileKind
    public let name: String

    public init(_ kind: FileKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// The config file.
    public static let config = FileHandle(.config, "config")

    /// The relative path of the file in the layout of `docs/format.md`:
    /// `config`, `keys/NAME`, `data/NA/NAME` (two-digit fan-out), `index/NAME`, …
    public var path: String {
        switch kind {
        case .config: return "config"
        case .data: return "data/\(name.prefix(2))/\(name)"
        default: return "\(kind.rawValue)/\(name)"
        }
    }

    public var description: String { path }
}

/// Narrow storage for repository files: a local directory, S3, memory.
///
/// Every implementation MUST provide:
/// - atomic saves: a reader sees a file whole or not at all, never a partial file;
/// - durability: when `save` returns the file survives a crash (fsync for local disks);
/// - read-after-write: a saved file is immediately visible to `load`, `size` and `list`;
/// - `BackendError.notFound` for a missing file, so callers can tell absence from failure.
///
/// Files are write-once: callers never save different bytes under an existing name
/// (names are content hashes or random), except `config` at `init`.
public protocol Backend: Sendable {
    /// A human-readable location ("/srv/repo", "memory"), never containing credentials.
    var location: String { get }

    /// Creates whatever the layout needs (directories); succeeds if it already exists.
    func create() throws(BackendError)

    /// Saves `bytes` under `handle`, atomically and durably.
    func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError)

    /// Loads a whole file, or `length` bytes from `offset` (`length` nil: to the end).
    func load(_ handle: FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8]

    /// The size of a file in bytes.
    func size(_ handle: FileHandle) throws(BackendError) -> Int

    /// Every file of a kind, with its size.
    func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)]

    /// Removes a file; removing a missing file is not an error.
    func remove(_ handle: FileHandle) throws(BackendError)

    /// Removes the temporary files a save leaves when its process dies between writing and
    /// renaming (`.tmp-*` in a local repository), if last modified more than `age` seconds ago,
    /// so that a save still under way is never touched. Backends whose saves leave nothing
    /// (S3's PUT is atomic; memory) remove nothing. Wrappers forward the call.
    ///
    /// - Returns: how many files were removed and their bytes.
    func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int)

    /// Whether files are read from a disk of this machine, so that reading one twice costs no
    /// transfer (the second read comes from the page cache): a command that will read every
    /// pack may then read ahead while the repository is being unlocked (the key derivation
    /// leaves the disk idle for a quarter to half a second). False by default (S3,
    /// memory); wrappers forward it.
    var isLocal: Bool { get }

    /// Asks the storage to bring the files of `kind` into memory ahead of reading them, in name
    /// order, up to `budget` bytes: a hint for a command about to read them all. It reads
    /// nothing itself and may do nothing (the default; S3, memory); wrappers forward it.
    func prefetch(_ kind: FileKind, upTo budget: Int)
}

extension Backend {
    /// Not local: storage that is not a local directory (S3, memory) says so by default.
    public var isLocal: Bool { false }

    /// Does nothing: storage that cannot read ahead (S3, memory) ignores the hint.
    public func prefetch(_ kind: FileKind, upTo budget: Int) {}

    /// Loads a whole file.
    public func load(_ handle: FileHandle) throws(BackendError) -> [UInt8] {
        try load(handle, offset: 0, length: nil)
    }

    /// Whether a file exists.
    public func exists(_ handle: FileHandle) throws(BackendError) -> Bool {
        do {
            _ = try size(handle)
            return true
        } catch where error.code == .notFound {
            return false
        }
    }
}
