import AmberCore
import AmberRepository

/// Takes entries in strictly increasing key order and ends with a result: a ``ManifestBuilder``
/// (a tree) or a ``CollectionBuilder`` (a collection's manifest).
public protocol EntrySink: AnyObject, SendableMetatype {
    associatedtype Result
    func append(key: [UInt8], value: [UInt8]) throws(ManifestError)
    func finish() throws(ManifestError) -> Result
}

extension ManifestBuilder: EntrySink {}

/// Builds the manifest a backup records for a collection, given the one its previous backup of
/// the same collection recorded (the *parent*, `docs/manifest-format.md` §Layers).
///
/// Every build hashes the canonical tree of the entries without storing it. Then, as the
/// ``LayerPolicy`` plans, it either stores every entry as a new packed base (*rebase*: no
/// parent, a parent from before packed bases, or runs grown past the policy), or merges the
/// entries in key order with the parent's and stores the differences as a run on top of the
/// parent's layers, merged with the parent's newest runs when their tier is full.
public final class CollectionBuilder: EntrySink {
    private let canonical: ManifestBuilder
    private let parent: CollectionManifest?
    private let plan: LayerPolicy.Plan
    /// The new base (rebase) or the new run, with the parent's runs it absorbs.
    private let packed: ManifestBuilder?
    private let run: RunWriter?
    /// The parent's entries, walked alongside the new ones.
    private var parentCursor: ManifestCursor?
    private var parentHead: ManifestEntry?
    private var changes = 0

    /// - Parameter parent: the manifest of the collection's previous backup, if any.
    public init(repository: Repository, writer: BlobWriter, parent: CollectionManifest?,
                policy: LayerPolicy = LayerPolicy()) throws(ManifestError) {
        canonical = ManifestBuilder(repository: repository, writer: writer, storesNodes: false)
        plan = policy.plan(parent: parent)
        switch plan {
        case .rebase:
            self.parent = nil
            packed = ManifestBuilder.packed(repository: repository, writer: writer)
            run = nil
        case .run(let merging, _):
            guard let parent else { preconditionFailure("a run needs a parent") }
            self.parent = parent
            packed = nil
            let loader = ManifestNodeLoader(repository: repository, cachedNodes: 256)
            run = try RunWriter(builder: .packed(repository: repository, writer: writer), loader: loader,
                                absorbing: Array(parent.runs.suffix(merging)))
            var cursor = try ManifestCursor(loader: loader, manifest: parent, start: nil)
            parentHead = try cursor.next()
            parentCursor = cursor
        }
    }

    /// Appends an entry. Keys must be strictly increasing in unsigned-byte lexicographic order.
    public func append(key: [UInt8], value: [UInt8]) throws(ManifestError) {
        let stored = try canonical.add(key: key, value: value)
        if let packed { return try packed.append(key: key, stored: stored) }
        while let head = parentHead, head.key.lexicographicallyPrecedes(key) {
            try record(head.key, .tombstone)
            parentHead = try parentCursor?.next()
        }
        if let head = parentHead, head.key == key {
            parentHead = try parentCursor?.next()
            if head.value == stored { return }
        }
        try record(key, stored)
    }

    /// Ends the build and returns the collection's manifest.
    public func finish() throws(ManifestError) -> CollectionManifest {
        let root = try canonical.finish()
        if let packed {
            return CollectionManifest(canonical: root, base: try packed.finish(), runs: [], hasPackedBase: true)
        }
        guard let parent, let run, case .run(let merging, let tier) = plan else { preconditionFailure("a run needs a parent") }
        while let head = parentHead {
            try record(head.key, .tombstone)
            parentHead = try parentCursor?.next()
        }
        if changes == 0 {
            guard root.id == parent.canonical.id else {
                throw ManifestError(.damaged, "the previous backup's manifest of this collection does not match its canonical root \(parent.canonical.id.shortHex); run check, and back up with --force")
            }
            // Unchanged; a due merge of runs was written already and is kept.
            if merging == 0 { return parent }
        }
        let kept = parent.runs.count - merging
        return CollectionManifest(canonical: root, base: parent.base, runs: Array(parent.runs.prefix(kept)) + [try run.finish()],
                                  tiers: Array(parent.tiers.prefix(kept)) + [tier], hasPackedBase: true)
    }

    /// Adds an entry (a changed value or a tombstone) to the run.
    private func record(_ key: [UInt8], _ value: ManifestValue) throws(ManifestError) {
        try run?.append(key: key, value: value)
        changes += 1
    }
}

extension ManifestBuilder {
    /// A builder of a *packed* tree (§Packed trees): a base or a run, cut at large sizes, its
    /// leaves of database rows columnar, its nodes compressed harder than the repository's level.
    static func packed(repository: Repository, writer: BlobWriter) -> ManifestBuilder {
        ManifestBuilder(repository: repository, writer: writer,
                        targets: (ManifestFormat.packedLeafTarget, ManifestFormat.packedInternalTarget),
                        nodeLevel: ManifestFormat.packedCompressionLevel, columnarLeaves: true)
    }
}
