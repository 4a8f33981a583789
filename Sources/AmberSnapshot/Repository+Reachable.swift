import AmberCore
import AmberManifest
import AmberRepository
import AmberStorage

extension Repository {
    /// The ids of every snapshot file.
    public func listSnapshotIDs() throws(RepositoryError) -> [BlobID] {
        try RepositoryError.catching { () throws(BackendError) in try backend.list(.snapshots) }.compactMap { BlobID(hex: $0.name) }
    }

    /// Every blob the snapshots reach: their trees and the data blobs of their files. Each tree
    /// is loaded once, however many snapshots share it. Returns the set and the number of snapshots.
    ///
    /// - Parameter snapshots: the snapshots to start from (default: all). List them *before*
    ///   loading the index: a snapshot is saved after its index files, so every blob it needs is
    ///   then in the index read. A snapshot removed meanwhile (by `forget`) is skipped.
    public func reachableBlobs(from snapshots: [BlobID]? = nil) throws(RepositoryError) -> (blobs: Set<BlobID>, snapshots: Int) {
        let ids: [BlobID]
        if let snapshots { ids = snapshots } else { ids = try listSnapshotIDs() }
        var reached = Set<BlobID>()
        var pending = [BlobID]()
        var count = 0
        for id in ids {
            let loaded: Snapshot?
            do {
                loaded = try loadListedSnapshot(id)
            } catch where error.code == .damaged {
                // Its blobs are unknown, so every blob might be one of them: nothing may go.
                throw RepositoryError(.damaged, "snapshot \(id.shortHex) cannot be read (\(error.message)), so the blobs it needs are unknown "
                                      + "and nothing is removed: `amber forget \(id.shortHex)` removes the damaged snapshot file, then prune again")
            }
            guard let snapshot = loaded else { continue }
            count += 1
            guard let root = snapshot.treeID else {
                throw RepositoryError(.damaged, "snapshot \(id.shortHex) has no valid root tree id")
            }
            if reached.insert(root).inserted { pending.append(root) }
        }
        while let tree = pending.popLast() {
            for node in try loadTree(tree).nodes {
                if node.kind == .database, let set = node.subtree {
                    if reached.insert(set).inserted { try reachCollections(set, into: &reached) }
                    continue
                }
                if let sub = node.subtree, reached.insert(sub).inserted { pending.append(sub) }
                for blob in node.content { reached.insert(blob) }
            }
        }
        return (reached, count)
    }

    /// Adds the blobs of a collection set's manifests (nodes and value chunks) to `reached`.
    private func reachCollections(_ set: BlobID, into reached: inout Set<BlobID>) throws(RepositoryError) {
        let loader = ManifestNodeLoader(repository: self)
        var failure: ManifestError?
        for collection in try loadCollectionSet(set).collections {
            loader.forEachBlob(collection.manifest, visit: { id, _ in reached.insert(id).inserted },
                               failed: { _, error in failure = failure ?? error })
        }
        if let failure { throw failure.repositoryError ?? RepositoryError(.damaged, failure.message) }
    }
}
