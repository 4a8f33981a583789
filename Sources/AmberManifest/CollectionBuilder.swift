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
/// the same collection recorded (the *parent*, `docs/manifest-format.md` §Runs).
///
/// Every build computes the canonical tree of the entries. Without a parent, or when the
/// parent's runs have grown past the ``Policy``, the canonical tree is stored and the manifest is
/// compact (*compaction*). Otherwise the canonical tree's nodes are only hashed, the entries are
/// merged with the parent's, and the differences are stored as one new run on top of the
/// parent's layers: a backup in which a few scattered documents changed stores those documents
/// and a run's few nodes, not a rewritten leaf and path per document.
public final class CollectionBuilder: EntrySink {
    /// When a backup compacts instead of adding a run.
    public struct Policy: Sendable {
        /// Compact when the parent already has this many runs.
        public var maximumRuns: Int
        /// Compact when the parent's runs hold more entries than its documents divided by this.
        public var runShareDivisor: UInt64

        public init(maximumRuns: Int = 8, runShareDivisor: UInt64 = 8) {
            self.maximumRuns = min(maximumRuns, CollectionManifest.maximumRuns - 1)
            self.runShareDivisor = runShareDivisor
        }

        /// Whether a backup whose parent is `parent` stores the canonical tree.
        public func compacts(_ parent: CollectionManifest) -> Bool {
            parent.runs.count >= maximumRuns || parent.runEntries * runShareDivisor > parent.count
        }
    }

    private let canonical: ManifestBuilder
    private let parent: CollectionManifest?
    private let run: ManifestBuilder?
    private var parentCursor: ManifestCursor?
    private var parentHead: ManifestEntry?
    private var runEntries = 0

    /// - Parameter parent: the manifest of the collection's previous backup, if any.
    public init(repository: Repository, writer: BlobWriter, parent: CollectionManifest?, policy: Policy = Policy()) throws(ManifestError) {
        if let parent, !policy.compacts(parent) {
            self.parent = parent
            canonical = ManifestBuilder(repository: repository, writer: writer, storesNodes: false)
            run = ManifestBuilder(repository: repository, writer: writer)
            var cursor = try ManifestCursor(loader: ManifestNodeLoader(repository: repository), manifest: parent, start: nil)
            parentHead = try cursor.next()
            parentCursor = cursor
        } else {
            self.parent = nil
            canonical = ManifestBuilder(repository: repository, writer: writer)
            run = nil
        }
    }

    /// Appends an entry. Keys must be strictly increasing in unsigned-byte lexicographic order.
    public func append(key: [UInt8], value: [UInt8]) throws(ManifestError) {
        let stored = try canonical.add(key: key, value: value)
        guard let run else { return }
        while let head = parentHead, head.key.lexicographicallyPrecedes(key) {
            try run.append(key: head.key, stored: .tombstone)
            runEntries += 1
            parentHead = try parentCursor?.next()
        }
        if let head = parentHead, head.key == key {
            parentHead = try parentCursor?.next()
            if head.value == stored { return }
        }
        try run.append(key: key, stored: stored)
        runEntries += 1
    }

    /// Ends the build and returns the collection's manifest.
    public func finish() throws(ManifestError) -> CollectionManifest {
        let root = try canonical.finish()
        guard let run, let parent else { return CollectionManifest(compact: root) }
        while let head = parentHead {
            try run.append(key: head.key, stored: .tombstone)
            runEntries += 1
            parentHead = try parentCursor?.next()
        }
        if runEntries == 0 {
            guard root.id == parent.canonical.id else {
                throw ManifestError(.damaged, "the previous backup's manifest of this collection does not match its canonical root \(parent.canonical.id.shortHex); run check")
            }
            return parent
        }
        let added = try run.finish()
        if root.id == parent.base.id { return CollectionManifest(compact: parent.base) }
        return CollectionManifest(canonical: root, base: parent.base, runs: parent.runs + [added])
    }
}
