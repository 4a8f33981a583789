import AmberCore
import AmberRepository

/// The run a backup adds on top of its parent (`docs/manifest-format.md` §Layers): takes the
/// collection's entries in key order, walks the parent's entries alongside them, and writes
/// what differs (changed values, and tombstones for keys gone) through a ``RunWriter`` that
/// merges it with the parent's newest runs when the ``LayerPolicy`` says a tier is full.
final class RunBuilder {
    private let parent: CollectionManifest
    private let merging: Int
    private let tier: UInt8
    private let writer: RunWriter
    private var cursor: ManifestCursor
    private var head: ManifestEntry?
    private var changes = 0

    /// - Parameters:
    ///   - merging: how many of the parent's newest runs the new run absorbs.
    ///   - tier: the new run's tier.
    init(repository: Repository, writer: BlobWriter, parent: CollectionManifest, merging: Int, tier: UInt8) throws(ManifestError) {
        self.parent = parent
        self.merging = merging
        self.tier = tier
        let loader = ManifestNodeLoader(repository: repository, cachedNodes: 16)
        self.writer = try RunWriter(builder: .packed(repository: repository, writer: writer), loader: loader,
                                    absorbing: Array(parent.runs.suffix(merging)))
        cursor = try ManifestCursor(loader: loader, manifest: parent, start: nil)
        head = try cursor.next()
    }

    /// Appends the collection's next entry, its value in stored form.
    func append(key: [UInt8], stored: ManifestValue) throws(ManifestError) {
        while let h = head, h.key.lexicographicallyPrecedes(key) {
            try record(h.key, .tombstone)
            head = try cursor.next()
        }
        if let h = head, h.key == key {
            head = try cursor.next()
            if h.value == stored { return }
        }
        try record(key, stored)
    }

    /// Ends the run and returns the manifest: the parent's base and the runs it keeps, then the
    /// new run; the parent itself when nothing changed and no merge was due.
    func finish(canonical root: ManifestRoot) throws(ManifestError) -> CollectionManifest {
        while let h = head {
            try record(h.key, .tombstone)
            head = try cursor.next()
        }
        if changes == 0 {
            guard root.id == parent.canonical.id else {
                throw ManifestError(.damaged, "the previous backup's manifest of this collection does not match its canonical root \(parent.canonical.id.shortHex); run check, and back up with --force")
            }
            // Unchanged; a due merge of runs was written already and is kept.
            if merging == 0 { return parent }
        }
        let kept = parent.runs.count - merging
        return CollectionManifest(canonical: root, base: parent.base, runs: Array(parent.runs.prefix(kept)) + [try writer.finish()],
                                  tiers: Array(parent.tiers.prefix(kept)) + [tier], hasPackedBase: true)
    }

    /// Adds an entry (a changed value or a tombstone) to the run.
    private func record(_ key: [UInt8], _ value: ManifestValue) throws(ManifestError) {
        try writer.append(key: key, value: value)
        changes += 1
    }
}
