import Foundation

/// A ``ManifestBuilder`` fed from another thread: ``append(key:value:)`` queues entries in
/// batches and returns, while a thread of the builder's own encodes nodes, hashes boundaries and
/// ids, and hands blobs to the writer. A source that parses and encodes rows (COPY text, SQLite
/// statements) thereby overlaps with the tree building, on two cores instead of one.
///
/// Entries must still arrive in increasing key order; the builder's error (keys out of order, a
/// storage failure) is rethrown by the next ``append(key:value:)`` or by ``finish()``. Call
/// ``finish()`` or ``cancel()`` exactly once.
public final class PipelinedBuilder: @unchecked Sendable {
    public typealias Batch = [(key: [UInt8], value: [UInt8])]

    static let batchEntries = 1024
    static let batchBytes = 1 << 20
    static let depth = 8

    private let builder: ManifestBuilder
    private var batch = Batch()
    private var batchBytes = 0

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue = [Batch]()
    private var closed = false
    private var failure: ManifestError?
    private var consumerDone = false

    public init(_ builder: ManifestBuilder) {
        self.builder = builder
        let thread = Thread { [self] in consume() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues an entry for the builder.
    public func append(key: [UInt8], value: [UInt8]) throws(ManifestError) {
        batch.append((key, value))
        batchBytes += key.count + value.count
        if batch.count >= Self.batchEntries || batchBytes >= Self.batchBytes { try hand() }
    }

    /// Waits for the builder to take every entry and returns the manifest's root.
    public func finish() throws(ManifestError) -> ManifestRoot {
        try hand()
        condition.lock()
        closed = true
        condition.broadcast()
        while !consumerDone { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
        return try builder.finish()
    }

    /// Abandons the manifest (the source failed): stops the builder's thread and waits for it.
    public func cancel() {
        condition.lock()
        closed = true
        queue.removeAll()
        if failure == nil { failure = ManifestError(.invalidArgument, "the manifest was abandoned") }
        condition.broadcast()
        while !consumerDone { condition.wait() }
        condition.unlock()
    }

    private func hand() throws(ManifestError) {
        guard !batch.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.depth && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(batch)
        condition.broadcast()
        batch = Batch()
        batch.reserveCapacity(Self.batchEntries)
        batchBytes = 0
    }

    private func consume() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            guard !queue.isEmpty, failure == nil else {
                consumerDone = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let next = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do throws(ManifestError) {
                for (key, value) in next { try builder.append(key: key, value: value) }
            } catch {
                condition.lock()
                failure = error
                queue.removeAll()
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
