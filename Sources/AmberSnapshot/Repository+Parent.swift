import AmberCore
import AmberRepository

extension Repository {
    /// The collection set a source saved in its latest earlier backup from `host`: the parent a
    /// backup of that source builds its collections' runs on (`docs/manifest-format.md` §Runs).
    ///
    /// Snapshots are searched newest first among `snapshots` from `host` whose sources include
    /// `source` (as recorded, redacted); the first whose root tree has a database entry named
    /// `entry` wins. `nil` when there is none: the backup stores every collection compact.
    ///
    /// `snapshots` MUST have been listed before the index was loaded: every blob they reach is
    /// then in the loaded index (a snapshot is saved after its index files), and a snapshot that
    /// a concurrent backup saves later, whose blobs may be in index files not loaded, is never
    /// chosen.
    public func parentCollectionSet(among snapshots: [SnapshotRecord], entry: [UInt8], host: String, source: String) throws(RepositoryError) -> (snapshot: BlobID, set: CollectionSet)? {
        let candidates = snapshots.filter { $0.snapshot.host == host && $0.snapshot.sources.contains(source) }
        for record in candidates.reversed() {
            guard let root = record.snapshot.treeID else { continue }
            let tree = try loadTree(root)
            guard let node = tree.nodes.first(where: { $0.name == entry }), node.kind == .database, let set = node.subtree else { continue }
            return (record.id, try loadCollectionSet(set))
        }
        return nil
    }
}
