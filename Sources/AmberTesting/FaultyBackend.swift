import AmberStorage
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fault injection for tests: wraps a backend and makes chosen calls fail, lose their
/// acknowledgement, return corrupted bytes, leave torn or short files, run out of space, fail
/// to read chosen files (EIO) or take their time. Thread-safe; every setting counts down per call.
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
        /// Saves that store only a prefix of their bytes under the final name: then throw (a torn
        /// write: the rename reached the disk before the data) or report success (a short write
        /// the storage hid).
        var tornSaves = 0
        var shortSaves = 0
        /// Bytes that saves may still store before every save fails with ENOSPC (nil: no limit).
        var spaceLeft: Int?
        /// Files every load of which fails with EIO (a bad sector), by path.
        var unreadable: Set<String> = []
        /// Seconds each save waits before reaching the base backend.
        var saveDelay = 0.0
        /// Called with every save's handle before its faults are decided (``onEverySave(_:)``).
        var saveHook: (@Sendable (FileHandle) -> Void)?
        /// Calls of an operation that may still succeed before the process dies
        /// (``dieAfter(_:count:)``), and whether it has died.
        var death: (operation: Operation, remaining: Int)?
        var dead = false
        var calls: [Operation: Int] = [:]
    }

    /// The backend that does the work.
    public let base: any Backend
    private let state = Mutex(State())

    public init(base: any Backend) {
        self.base = base
    }

    public var location: String { base.location }

    public var isLocal: Bool { base.isLocal }

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

    /// Makes the next `count` saves store only the first half of their bytes under the final
    /// name and then throw ``BackendError/Code/permanent``: a crash that tore the file (its
    /// rename, or an S3 upload's end, reached the storage before all of the data).
    public func tearNextSaves(_ count: Int = 1) {
        state.withLock { $0.tornSaves = max(0, count) }
    }

    /// Makes the next `count` saves store only the first half of their bytes and report
    /// success: a short write the storage hid, found only by reading the file back.
    public func shortenNextSaves(_ count: Int = 1) {
        state.withLock { $0.shortSaves = max(0, count) }
    }

    /// Lets saves store `bytes` more bytes; from then on every save fails as a full disk does
    /// (``BackendError/Code/permanent``, "No space left on device"), writing nothing, until
    /// ``freeSpace()``. Removing files frees nothing (the space is the test's to give).
    public func fillDisk(afterBytes bytes: Int) {
        state.withLock { $0.spaceLeft = max(0, bytes) }
    }

    /// Ends ``fillDisk(afterBytes:)``.
    public func freeSpace() {
        state.withLock { $0.spaceLeft = nil }
    }

    /// Makes every load of `handle` fail with EIO (``BackendError/Code/permanent``), as a file on
    /// a bad sector does; its size and listing still answer.
    public func makeUnreadable(_ handle: FileHandle) {
        _ = state.withLock { $0.unreadable.insert(handle.path) }
    }

    /// Makes every save wait `seconds` before it starts (a slow disk or link).
    public func slowSaves(by seconds: Double) {
        state.withLock { $0.saveDelay = max(0, seconds) }
    }

    /// Calls `hook` with the handle of every save, before the save's faults are decided: a test
    /// arms a fault there for the save it wants (the third pack, the first index file, …). The
    /// hook may call this backend's settings. Survives ``reset()``.
    public func onEverySave(_ hook: (@Sendable (FileHandle) -> Void)?) {
        state.withLock { $0.saveHook = hook }
    }

    /// Simulates the process dying at a chosen call: after `count` more calls of `operation`
    /// succeed, that call and every later create, save or remove fail without reaching the base
    /// backend (a dead process changes nothing), until ``reset()``. Reads still answer, as the
    /// storage does for whoever opens it next.
    public func dieAfter(_ operation: Operation, count: Int) {
        state.withLock { $0.death = (operation, max(0, count)); $0.dead = false }
    }

    /// Whether the death armed by ``dieAfter(_:count:)`` has come.
    public var hasDied: Bool { state.withLock { $0.dead } }

    /// How many calls of `operation` this backend has received, failed ones included.
    public func calls(_ operation: Operation) -> Int {
        state.withLock { $0.calls[operation, default: 0] }
    }

    /// Clears every injected fault and every counter.
    public func reset() {
        state.withLock { $0 = State(saveHook: $0.saveHook) }
    }

    // MARK: Backend

    public func create() throws(BackendError) {
        try enter(.create, path: base.location)
        try base.create()
    }

    public func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        state.withLock { $0.saveHook }?(handle)
        try enter(.save, path: handle.path)
        let (delay, torn, short, full) = state.withLock { state -> (Double, Bool, Bool, Bool) in
            var full = false
            if let left = state.spaceLeft {
                if bytes.count > left { full = true } else { state.spaceLeft = left - bytes.count }
            }
            let torn = !full && state.tornSaves > 0
            if torn { state.tornSaves -= 1 }
            let short = !full && !torn && state.shortSaves > 0
            if short { state.shortSaves -= 1 }
            return (state.saveDelay, torn, short, full)
        }
        if delay > 0 { usleep(useconds_t(delay * 1_000_000)) }
        if full { throw BackendError(.permanent, path: handle.path, message: "No space left on device (injected ENOSPC)") }
        if torn || short {
            try base.save(handle, Array(bytes.prefix(bytes.count / 2)))
            if torn {
                throw BackendError(.permanent, path: handle.path, message: "simulated crash: torn write (\(bytes.count / 2) of \(bytes.count) bytes)")
            }
            return
        }
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
        if state.withLock({ $0.unreadable.contains(handle.path) }) {
            throw BackendError(.permanent, path: handle.path, message: "Input/output error (injected EIO)")
        }
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
            if let death = state.death, death.operation == operation {
                if death.remaining == 0 { state.dead = true } else { state.death = (operation, death.remaining - 1) }
            }
            if state.dead, [.create, .save, .remove].contains(operation) {
                return Fault(remaining: 0, code: .permanent, message: "simulated crash: the process is gone")
            }
            guard var fault = state.failures[operation], fault.remaining > 0 else { return nil }
            fault.remaining -= 1
            state.failures[operation] = fault
            return fault
        }
        if let due { throw BackendError(due.code, path: path, message: due.message) }
    }
}
