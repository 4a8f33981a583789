import AmberStorage
import Synchronization

/// Fault injection for tests: wraps a backend and makes chosen calls fail, lose their
/// acknowledgement, or return corrupted bytes. Thread-safe; every setting counts down per call.
///
/// ```swift
/// let faulty = FaultyBackend(base: MemoryBackend())
/// faulty.failNext(.save, count: 3, with: .transient)
/// let backend = RetryingBackend(base: faulty, initialDelay: 0.001)
/// try backend.save(handle, bytes)          // succeeds on the fourth call
/// #expect(faulty.calls(.save) == 4)
/// ```
public final class FaultyBackend: Backend {
    /// The operations of ``Backend``, for counting and failing calls.
    public enum Operation: Sendable, Hashable, CaseIterable {
        case create, save, load, size, list, remove
    }

    private struct Fault {
        var remaining: Int
        var code: BackendError.Code
        var message: String
    }

    private struct State {
        /// Calls that fail before reaching the base backend (nothing written, nothing read).
        var failures: [Operation: Fault] = [:]
        /// Saves that reach the base backend and then report a failure (a lost acknowledgement).
        var failuresAfterWriting: Fault?
        /// Loads whose bytes are corrupted, and which byte to flip (nil: the middle one).
        var corruptions = 0
        var corruptedOffset: Int?
        var calls: [Operation: Int] = [:]
    }

    /// The backend that does the work.
    public let base: any Backend
    private let state = Mutex(State())

    public init(base: any Backend) {
        self.base = base
    }

    public var location: String { base.location }

    // MARK: Configuration

    /// Makes the next `count` calls of `operation` throw `code` without reaching the base backend.
    public func failNext(_ operation: Operation, count: Int = 1, with code: BackendError.Code) {
        let fault = Fault(remaining: max(0, count), code: code, message: "injected \(code) failure")
        state.withLock { $0.failures[operation] = fault }
    }

    /// Makes the next `count` saves throw `code`, writing nothing.
    public func failNextSaves(_ count: Int, with code: BackendError.Code) {
        failNext(.save, count: count, with: code)
    }

    /// Makes the next `count` loads throw `code`.
    public func failNextLoads(_ count: Int, with code: BackendError.Code) {
        failNext(.load, count: count, with: code)
    }

    /// Simulates a crash before the rename: the next `count` saves write nothing and throw
    /// ``BackendError/Code/permanent`` ("simulated crash before rename").
    public func crashNextSavesBeforeRename(_ count: Int = 1) {
        let fault = Fault(remaining: max(0, count), code: .permanent, message: "simulated crash before rename")
        state.withLock { $0.failures[.save] = fault }
    }

    /// Makes the next `count` saves store their bytes and then throw `code`, like a request whose
    /// answer was lost after the server committed it.
    public func failNextSavesAfterWriting(_ count: Int, with code: BackendError.Code) {
        let fault = Fault(remaining: max(0, count), code: code, message: "injected \(code) failure after writing")
        state.withLock { $0.failuresAfterWriting = fault }
    }

    /// Flips every bit of one byte (at `offset` of the loaded bytes, or the middle one) in the results
    /// of the next `count` non-empty loads.
    public func corruptNextLoads(_ count: Int = 1, atOffset offset: Int? = nil) {
        state.withLock {
            $0.corruptions = max(0, count)
            $0.corruptedOffset = offset
        }
    }

    /// How many calls of `operation` this backend has received, failed ones included.
    public func calls(_ operation: Operation) -> Int {
        state.withLock { $0.calls[operation, default: 0] }
    }

    /// Clears every injected fault and every counter.
    public func reset() {
        state.withLock { $0 = State() }
    }

    // MARK: Backend

    public func create() throws(BackendError) {
        try enter(.create, path: base.location)
        try base.create()
    }

    public func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        try enter(.save, path: handle.path)
        try base.save(handle, bytes)
        let lost: Fault? = state.withLock { state in
            guard var fault = state.failuresAfterWriting, fault.remaining > 0 else { return nil }
            fault.remaining -= 1
            state.failuresAfterWriting = fault
            return fault
        }
        if let lost { throw BackendError(lost.code, path: handle.path, message: lost.message) }
    }

    public func load(_ handle: FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try enter(.load, path: handle.path)
        var bytes = try base.load(handle, offset: offset, length: length)
        guard !bytes.isEmpty else { return bytes }
        let flip: Int? = state.withLock { state in
            guard state.corruptions > 0 else { return nil }
            state.corruptions -= 1
            return state.corruptedOffset ?? bytes.count / 2
        }
        if let flip, bytes.indices.contains(flip) { bytes[flip] ^= 0xff }
        return bytes
    }

    public func size(_ handle: FileHandle) throws(BackendError) -> Int {
        try enter(.size, path: handle.path)
        return try base.size(handle)
    }

    public func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] {
        try enter(.list, path: kind.rawValue)
        return try base.list(kind)
    }

    public func remove(_ handle: FileHandle) throws(BackendError) {
        try enter(.remove, path: handle.path)
        try base.remove(handle)
    }

    public func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) {
        try base.removeAbandonedTemporaries(olderThan: age)
    }

    /// Counts a call and throws the injected failure, if one is due.
    private func enter(_ operation: Operation, path: String) throws(BackendError) {
        let due: Fault? = state.withLock { state in
            state.calls[operation, default: 0] += 1
            guard var fault = state.failures[operation], fault.remaining > 0 else { return nil }
            fault.remaining -= 1
            state.failures[operation] = fault
            return fault
        }
        if let due { throw BackendError(due.code, path: path, message: due.message) }
    }
}
