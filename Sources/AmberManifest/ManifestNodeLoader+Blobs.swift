import AmberCore
import AmberRepository

extension ManifestNodeLoader {
    /// Visits every blob a collection's stored layers reach (the base and each run, never the
    /// unstored nodes of a canonical tree that has runs).
    public func forEachBlob(_ manifest: CollectionManifest, visit: (BlobID, BlobType) -> Bool,
                            failed: (BlobID, ManifestError) -> Void) {
        for layer in manifest.layers { forEachBlob(layer, visit: visit, failed: failed) }
    }

    /// Visits every blob a manifest reaches: its nodes (tree blobs) and the chunks of its
    /// out-of-line values (data blobs). `visit` returns false to skip a node's subtree (already
    /// seen elsewhere); a failure to load a node is passed to `failed` and its subtree skipped.
    public func forEachBlob(_ root: ManifestRoot, visit: (BlobID, BlobType) -> Bool,
                            failed: (BlobID, ManifestError) -> Void) {
        var pending = [(root.id, UInt8?.none)]
        while let (id, level) = pending.popLast() {
            guard visit(id, .tree) else { continue }
            let node: ManifestNode
            do {
                node = try self.node(id, level: level)
            } catch {
                failed(id, error)
                continue
            }
            switch node.body {
            case .internal(let children):
                for child in children { pending.append((child.id, node.level - 1)) }
            case .leaf(let entries):
                for entry in entries {
                    if case .chunked(_, let chunks) = entry.value {
                        for chunk in chunks { _ = visit(chunk, .data) }
                    }
                }
            }
        }
    }

    /// Every key of the given trees (tombstones' included), tree by tree, each in key order.
    func keys(in trees: some Sequence<ManifestRoot>) throws(ManifestError) -> [[UInt8]] {
        var keys = [[UInt8]]()
        for tree in trees {
            var cursor = try TreeCursor(loader: self, root: tree, start: nil)
            while let entry = try cursor.next() { keys.append(entry.key) }
        }
        return keys
    }
}

extension ManifestNodeLoader {
    /// Rebuilds the canonical tree of a manifest's layers, hashing its nodes without storing
    /// them, and returns its root: `check --read-data` compares it with the recorded canonical
    /// root, which proves that the base and runs hold exactly the content the snapshot names.
    /// Values are taken in stored form, so chunks are not loaded.
    public func canonicalRoot(of manifest: CollectionManifest) throws(ManifestError) -> ManifestRoot {
        let builder = ManifestBuilder(repository: repository, writer: BlobWriter(repository: repository, workers: 1), storesNodes: false)
        var cursor = try ManifestCursor(loader: self, manifest: manifest, start: nil)
        while let entry = try cursor.next() { try builder.append(key: entry.key, stored: entry.value) }
        return try builder.finish()
    }
}
