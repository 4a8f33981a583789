import AmberCore
import AmberRepository

/// The run a backup adds on top of its parent (`docs/manifest-format.md` §Layers): takes the
/// collection's entries in key order, walks the parent's entries alongside them, and writes
/// what differs (changed values, and tombstones for keys gone) as a packed tree: a run of tier 0
/// on top of the parent's layers. Merging runs is compaction's (``CollectionCompactor``).
final class RunBuilder {
    private let parent: CollectionManifest
    private let run: ManifestBuilder
    private var cursor: ManifestCursor
    private var changes = 0

    init(repository: Repository, writer: BlobWriter, parent: CollectionManifest) throws(ManifestError) {
        self.parent = parent
        run = .packed(repository: repository, writer: writer)
        cursor = try ManifestCursor(loader: ManifestNodeLoader(repository: repository, cachedNodes: 16), manifest: parent, start: nil)
    }

    /// What the parent's next entry is to the entry appended.
    private enum Step {
        /// A key the collection no longer has (it comes before the entry's).
        case gone([UInt8])
        /// The entry's key, with the same value, or another.
        case same
        case changed
        /// A later key: the entry's key is new.
        case later
    }

    /// Appends the collection's next entry, its value in stored form. The parent's entries are
    /// lent by the cursor (``ManifestCursor/withNext(_:)``): no array is made for an entry
    /// that did not change.
    func append(key: [UInt8], stored: ManifestValue) throws(ManifestError) {
        while true {
            let step = try cursor.withNext { parentKey, parentValue throws(ManifestError) -> (Step, consume: Bool) in
                let order = key.withUnsafeBufferPointer { parentKey.compareBytes($0) }
                if order < 0 { return (.gone(Array(parentKey)), true) }
                if order == 0 { return (parentValue.isSame(as: stored) ? .same : .changed, true) }
                return (.later, false)
            }
            switch step {
            case .gone(let goneKey): try record(goneKey, .tombstone)
            case .same: return
            case .changed, .later, nil: return try record(key, stored)
            }
        }
    }

    /// Ends the run and returns the manifest: the parent's base and runs, then the new run; the
    /// parent itself when nothing changed.
    func finish(canonical root: ManifestRoot) throws(ManifestError) -> CollectionManifest {
        while let goneKey = try cursor.nextLent({ key, _ in Array(key) }) {
            try record(goneKey, .tombstone)
        }
        if changes == 0 {
            guard root.id == parent.canonical.id else {
                throw ManifestError(.damaged, "the previous backup's manifest of this collection does not match its canonical root \(parent.canonical.id.shortHex); run check, and back up with --force")
            }
            return parent
        }
        return CollectionManifest(canonical: root, base: parent.base, runs: parent.runs + [try run.finish()],
                                  tiers: parent.tiers + [0], hasPackedBase: true)
    }

    /// Adds an entry (a changed value or a tombstone) to the run.
    private func record(_ key: [UInt8], _ value: ManifestValue) throws(ManifestError) {
        try run.append(key: key, stored: value)
        changes += 1
    }
}
