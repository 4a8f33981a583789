import AmberCore

/// Walks a collection's entries in key order, values not resolved: the layers of its
/// ``CollectionManifest`` (the base and its runs) merged, each key taking its value from the
/// newest layer that has it, keys whose newest value is a tombstone left out. A compact
/// manifest is walked as its single tree.
public struct ManifestCursor: Sendable {
    private var layers: [TreeCursor]
    /// The next entry of each layer, once more than one layer is merged.
    private var heads: [ManifestEntry?] = []

    init(loader: ManifestNodeLoader, manifest: CollectionManifest, start: [UInt8]?) throws(ManifestError) {
        var layers = [TreeCursor]()
        for root in manifest.layers { layers.append(try TreeCursor(loader: loader, root: root, start: start)) }
        self.layers = layers
        if layers.count > 1 {
            for i in layers.indices { heads.append(try self.layers[i].next()) }
        }
    }

    /// The next entry, or `nil` past the last one.
    public mutating func next() throws(ManifestError) -> ManifestEntry? {
        if heads.isEmpty {
            while let entry = try layers[0].next() {
                if case .tombstone = entry.value { continue }
                return entry
            }
            return nil
        }
        while true {
            // The smallest key; on a tie the later (newer) layer wins.
            var best = -1
            for i in heads.indices {
                guard let head = heads[i] else { continue }
                if best < 0 || !heads[best]!.key.lexicographicallyPrecedes(head.key) { best = i }
            }
            guard best >= 0, let winner = heads[best] else { return nil }
            for i in heads.indices where heads[i]?.key == winner.key { heads[i] = try layers[i].next() }
            if case .tombstone = winner.value { continue }
            return winner
        }
    }
}
