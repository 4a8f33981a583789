import AmberCore
import AmberRepository

/// `amber tag` (restic's `tag`): changes the tags of snapshots. A snapshot file cannot change
/// (its name is its content's hash), so each changed snapshot is saved anew, with `original`
/// naming the first id it had, and the old file is removed after the new one is saved (a crash
/// between leaves both: the same data, listed twice).
public struct SnapshotTagger {
    /// What to do with the tags: `set` replaces them all when given; otherwise `add` then `remove`.
    public struct Change: Sendable {
        public var add: [String]
        public var remove: [String]
        public var set: [String]?

        public init(add: [String] = [], remove: [String] = [], set: [String]? = nil) {
            self.add = add
            self.remove = remove
            self.set = set
        }

        /// `tags` changed, in order, without repeats.
        func apply(to tags: [String]) -> [String] {
            var result = [String]()
            for tag in (set ?? tags + add) where !remove.contains(tag) && !result.contains(tag) && !tag.isEmpty {
                result.append(tag)
            }
            return result
        }
    }

    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Changes the tags of `records`; returns the (old, new) ids of the snapshots that changed.
    public func apply(_ change: Change, to records: [SnapshotRecord]) throws(RepositoryError) -> [(old: BlobID, new: BlobID)] {
        var changed = [(old: BlobID, new: BlobID)]()
        for record in records {
            var snapshot = record.snapshot
            let tags = change.apply(to: snapshot.tags)
            guard tags != snapshot.tags else { continue }
            snapshot.tags = tags
            if snapshot.original == nil { snapshot.original = record.id.hex }
            let id = try repository.saveSnapshot(snapshot)
            try repository.removeSnapshot(record.id)
            changed.append((record.id, id))
        }
        return changed
    }
}
