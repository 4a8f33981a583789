import AmberCore
import AmberRepository

extension Repository {
    /// The collection set a source saved in its latest earlier backup from `host`: the parent a
    /// backup of that source builds its collections' runs on (`docs/manifest-format.md` §Runs).
    ///
    /// Snapshots are searched newest first among those from `host` whose sources include
    /// `source` (as recorded, redacted); the first whose root tree has a database entry named
    /// `entry` wins. `nil` when there is none: the backup stores every collection compact.
    public func parentCollectionSet(entry: [UInt8], host: String, source: String) throws(RepositoryError) -> (snapshot: BlobID, set: CollectionSet)? {
        let candidates = try listSnapshots().filter { $0.snapshot.host == host && $0.snapshot.sources.contains(source) }
        for record in candidates.reversed() {
            guard let root = record.snapshot.treeID else { continue }
            let tree = try loadTree(root)
            guard let node = tree.nodes.first(where: { $0.name == entry }), node.kind == .database, let set = node.subtree else { continue }
            return (record.id, try loadCollectionSet(set))
        }
        return nil
    }
}
