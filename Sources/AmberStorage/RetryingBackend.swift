#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Retries ``BackendError/Code/transient`` failures of another backend with exponential backoff:
/// after the first failure it waits `initialDelay` seconds, then twice that, and so on (each wait
/// capped at ``maximumDelay``), for at most `attempts` calls in all.
///
/// ``BackendError/Code/notFound`` and ``BackendError/Code/permanent`` are thrown at once: retrying
/// cannot change them. Retrying a save is safe because files are write-once and saves atomic.
public struct RetryingBackend: Backend {
    /// The backend whose calls are retried.
    public let base: any Backend
    /// The most calls made for one operation (at least 1).
    public let attempts: Int
    /// The wait after the first failure, in seconds.
    public let initialDelay: Double
    /// The longest single wait, in seconds.
    public static let maximumDelay: Double = 60

    public init(base: any Backend, attempts: Int = 5, initialDelay: Double = 0.1) {
        self.base = base
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay.isFinite ? max(0, initialDelay) : 0
    }

    public var location: String { base.location }

    public func create() throws(BackendError) {
        try retrying { () throws(BackendError) in try base.create() }
    }

    public func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        try retrying { () throws(BackendError) in try base.save(handle, bytes) }
    }

    public func load(_ handle: FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try retrying { () throws(BackendError) in try base.load(handle, offset: offset, length: length) }
    }

    public func size(_ handle: FileHandle) throws(BackendError) -> Int {
        try retrying { () throws(BackendError) in try base.size(handle) }
    }

    public var isLocal: Bool { base.isLocal }

    public func prefetch(_ kind: FileKind, upTo budget: Int) {
        base.prefetch(kind, upTo: budget)
    }

    public func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] {
        try retrying { () throws(BackendError) in try base.list(kind) }
    }

    public func remove(_ handle: FileHandle) throws(BackendError) {
        try retrying { () throws(BackendError) in try base.remove(handle) }
    }

    public func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) {
        try retrying { () throws(BackendError) in try base.removeAbandonedTemporaries(olderThan: age) }
    }

    /// Calls `operation` until it succeeds, fails other than transiently, or `attempts` are used up;
    /// then rethrows the last failure.
    private func retrying<T>(_ operation: () throws(BackendError) -> T) throws(BackendError) -> T {
        var delay = initialDelay
        var attempt = 1
        while true {
            do {
                return try operation()
            } catch where error.code == .transient && attempt < attempts {
                Self.sleep(seconds: min(delay, Self.maximumDelay))
                delay *= 2
                attempt += 1
            }
        }
    }

    /// Sleeps the calling thread, resuming after signals. The corresponding C function is `nanosleep`.
    private static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        let whole = seconds.rounded(.down)
        var request = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR {
            request = remaining
        }
    }
}
