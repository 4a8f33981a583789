import AmberStorage
import Synchronization

/// A thread-safe in-memory backend for tests: atomic, read-after-write, and as strict as
/// ``LocalBackend`` about names and ranges (both use the same checks).
public final class MemoryBackend: Backend {
    private let files = Mutex<[FileHandle: [UInt8]]>([:])

    public init() {}

    public var location: String { "memory" }

    /// Nothing to create.
    public func create() throws(BackendError) {}

    public func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        try StorageChecks.validate(handle)
        files.withLock { $0[Self.key(handle)] = bytes }
    }

    public func load(_ handle: FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try StorageChecks.validate(handle)
        guard let bytes = files.withLock({ $0[Self.key(handle)] }) else { throw Self.notFound(handle) }
        let range = try StorageChecks.range(offset: offset, length: length, size: bytes.count, path: handle.path)
        return Array(bytes[range])
    }

    public func size(_ handle: FileHandle) throws(BackendError) -> Int {
        try StorageChecks.validate(handle)
        guard let count = files.withLock({ $0[Self.key(handle)]?.count }) else { throw Self.notFound(handle) }
        return count
    }

    /// Every file of a kind with its size, sorted by name.
    public func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] {
        files.withLock { files in
            files.compactMap { handle, bytes in handle.kind == kind ? (handle.name, bytes.count) : nil }
        }.sorted { $0.name < $1.name }
    }

    public func remove(_ handle: FileHandle) throws(BackendError) {
        try StorageChecks.validate(handle)
        _ = files.withLock { $0.removeValue(forKey: Self.key(handle)) }
    }

    /// Saves are atomic in memory: nothing is ever left behind.
    public func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) { (0, 0) }

    /// The config file has one name whatever the handle says, as in the on-disk layout.
    private static func key(_ handle: FileHandle) -> FileHandle {
        handle.kind == .config ? .config : handle
    }

    private static func notFound(_ handle: FileHandle) -> BackendError {
        BackendError(.notFound, path: handle.path, message: "no such file")
    }
}
