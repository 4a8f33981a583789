/// The layers a ``CollectionBuilder`` writes besides the canonical tree (a new packed base, or a
/// run against the parent), fed on a thread of their own: ``append(key:stored:)`` queues entries
/// in batches (a ``BatchPipe``: at most 1,024 entries or 1 MiB each, at most 8 waiting) while the
/// thread encodes columnar leaves, reads and compares the parent's layers, and hands blobs to the
/// writer. The canonical tree (hashing every entry) and the layers (encoding or comparing every
/// entry) then take a core each instead of sharing one.
///
/// Call ``finish(canonical:)``, or ``cancel()`` to abandon the layers; a thread left running
/// is ended when the object is released.
final class LayerThread: @unchecked Sendable {
    /// Where the entries go besides the canonical tree. Used by one thread at a time: the
    /// layer thread, then, after it ended, ``finish(canonical:)``.
    enum Layers: @unchecked Sendable {
        /// Every entry, into a new packed base.
        case rebase(ManifestBuilder)
        /// What differs from the parent, into a run.
        case run(RunBuilder)

        func append(key: [UInt8], stored: ManifestValue) throws(ManifestError) {
            switch self {
            case .rebase(let base): try base.append(key: key, stored: stored)
            case .run(let run): try run.append(key: key, stored: stored)
            }
        }

        func finish(canonical root: ManifestRoot) throws(ManifestError) -> CollectionManifest {
            switch self {
            case .rebase(let base): return CollectionManifest(canonical: root, base: try base.finish(), runs: [], hasPackedBase: true)
            case .run(let run): return try run.finish(canonical: root)
            }
        }
    }

    private let layers: Layers
    private let pipe = BatchPipe<(key: [UInt8], stored: ManifestValue)>(batchEntries: 1024, batchBytes: 1 << 20, depth: 8)
    private var done = false

    init(_ layers: Layers) {
        self.layers = layers
        // The layers are used by the thread only, until finish() has waited for it.
        let pipe = self.pipe
        pipe.startWorker {
            do throws(ManifestError) {
                while let batch = try pipe.next() {
                    for (key, stored) in batch { try layers.append(key: key, stored: stored) }
                }
            } catch {
                pipe.stop(error)
            }
        }
    }

    deinit {
        if !done { cancel() }
    }

    /// Queues an entry, its value as the canonical tree stores it.
    func append(key: [UInt8], stored: ManifestValue) throws(ManifestError) {
        let inline = if case .inline(let bytes) = stored { bytes.count } else { 64 }
        try pipe.append((key, stored), bytes: key.count + inline)
    }

    /// Waits for the thread to take every entry and ends the layers.
    func finish(canonical root: ManifestRoot) throws(ManifestError) -> CollectionManifest {
        do {
            try pipe.flush()
        } catch {
            cancel()
            throw error
        }
        done = true
        pipe.end(nil)
        pipe.waitForWorker()
        if let failure = pipe.consumerError { throw failure }
        return try layers.finish(canonical: root)
    }

    /// Abandons the layers: stops the thread and waits for it.
    func cancel() {
        done = true
        pipe.end(ManifestError(.invalidArgument, "the collection's layers were abandoned"), discardingQueued: true)
        pipe.waitForWorker()
    }
}
