import Synchronization

/// Counters a long operation updates and a progress display reads. Thread-safe.
public final class ProgressCounter: Sendable {
    /// A consistent copy of the counters.
    public struct Counts: Sendable {
        public var items: UInt64 = 0
        public var bytes: UInt64 = 0
        /// Totals, when known (a scanner may still be counting).
        public var totalItems: UInt64?
        public var totalBytes: UInt64?
    }

    private let counts = Mutex(Counts())

    public init() {}

    public func add(items: UInt64 = 0, bytes: UInt64 = 0) {
        counts.withLock { $0.items += items; $0.bytes += bytes }
    }

    /// Sets the counts done (for operations that report totals so far, not increments).
    public func set(items: UInt64, bytes: UInt64) {
        counts.withLock { $0.items = items; $0.bytes = bytes }
    }

    public func setTotal(items: UInt64, bytes: UInt64) {
        counts.withLock { $0.totalItems = items; $0.totalBytes = bytes }
    }

    public var current: Counts { counts.withLock { $0 } }
}
