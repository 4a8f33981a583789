import AmberCore

/// Writes a run: the changes a backup found, in key order, merged with older runs it absorbs
/// (``LayerPolicy``): a key in both takes the new entry, tombstones are kept (a base below may
/// hold the key).
final class RunWriter {
    private let builder: ManifestBuilder
    private var absorbed: ManifestCursor?
    private var head: ManifestEntry?

    /// - Parameter absorbing: runs merged into this one, oldest first (all stored already).
    init(builder: ManifestBuilder, loader: ManifestNodeLoader, absorbing: [ManifestRoot]) throws(ManifestError) {
        self.builder = builder
        if let first = absorbing.first {
            var cursor = try ManifestCursor(loader: loader, base: first, runs: Array(absorbing.dropFirst()), start: nil,
                                            keepsTombstones: true)
            head = try cursor.next()
            absorbed = cursor
        }
    }

    /// Appends a change; keys strictly increasing.
    func append(key: [UInt8], value: ManifestValue) throws(ManifestError) {
        while let h = head, h.key.bytesPrecede(key) {
            try builder.append(key: h.key, stored: h.value)
            head = try absorbed?.next()
        }
        if head?.key == key { head = try absorbed?.next() }
        try builder.append(key: key, stored: value)
    }

    /// Appends what remains of the absorbed runs and returns the run's root.
    func finish() throws(ManifestError) -> ManifestRoot {
        while let h = head {
            try builder.append(key: h.key, stored: h.value)
            head = try absorbed?.next()
        }
        return try builder.finish()
    }
}
