/// A ``ManifestBuilder`` or ``CollectionBuilder`` fed from another thread: ``append(key:value:)`` queues entries in
/// batches (through a ``BatchPipe``: at most 1,024 entries or 1 MiB each, at most 8 waiting) and
/// returns, while a thread of the builder's own encodes nodes, hashes boundaries and ids, and
/// hands blobs to the writer. A source that parses and encodes rows (COPY text, SQLite
/// statements) thereby overlaps with the tree building, on two cores instead of one.
///
/// Entries must still arrive in increasing key order; the builder's error (keys out of order, a
/// storage failure) is rethrown by a later ``append(key:value:)`` or by ``finish()``. Call
/// ``finish()`` or ``cancel()``; ``cancel()`` after a failure is harmless.
public final class PipelinedBuilder<Builder: EntrySink>: @unchecked Sendable {
    /// An entry as it travels: its key, value, and the key's leaf boundary hash if computed
    /// (``LeafHasher``), else nil.
    public typealias Entry = (key: [UInt8], value: [UInt8], leafHash: UInt32?)

    private let builder: Builder
    private let pipe = BatchPipe<Entry>(batchEntries: 1024, batchBytes: 1 << 20, depth: 8)
    /// Hashes each key's leaf boundary on the producer's thread, when asked to.
    private let leafHasher: LeafHasher?

    /// - Parameter hashesLeaves: true to compute each key's leaf boundary hash in
    ///   ``append(key:value:)``, on the producer's thread (``LeafHasher``), rather than on the
    ///   builder's: for a producer with time to spare (one that forwards rows read ahead), as
    ///   the builder's thread is then the slowest step. The tree is the same either way.
    public init(_ builder: Builder, hashesLeaves: Bool = false) {
        self.builder = builder
        leafHasher = hashesLeaves ? builder.makeLeafHasher() : nil
        // The builder is used by the worker only, until finish() has waited for it.
        pipe.startWorker { [self] in
            do throws(ManifestError) {
                while let batch = try pipe.next() {
                    for (key, value, leafHash) in batch { try self.builder.append(key: key, value: value, leafHash: leafHash) }
                }
            } catch {
                pipe.stop(error)  // the builder failed, or the producer abandoned the manifest
            }
        }
    }

    /// Queues an entry for the builder.
    public func append(key: [UInt8], value: [UInt8]) throws(ManifestError) {
        try pipe.append((key, value, leafHasher?.hash(key)), bytes: key.count + value.count)
    }

    /// Queues a batch of entries as it is (no entry copied, no boundary hashed here: each
    /// entry's `leafHash`, if nil, is computed by the builder). For a producer that holds its
    /// entries in batches of about a thousand (``BatchPipe/append(batch:)``).
    public func append(entries: [Entry]) throws(ManifestError) {
        try pipe.append(batch: entries)
    }

    /// Waits for the builder to take every entry and returns what it built.
    public func finish() throws(ManifestError) -> Builder.Result {
        do {
            try pipe.flush()
        } catch {
            cancel()
            throw error
        }
        pipe.end(nil)
        pipe.waitForWorker()
        if let failure = pipe.consumerError { throw failure }
        return try builder.finish()
    }

    /// Abandons the manifest (the source failed): stops the builder's thread and waits for it.
    public func cancel() {
        pipe.end(ManifestError(.invalidArgument, "the manifest was abandoned"), discardingQueued: true)
        pipe.waitForWorker()
    }
}
