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
    /// The parent read through a node cache: ranges around changed leaves are read from it.
    private let parentLoader: ManifestNodeLoader
    /// Each leaf of the parent's base, with the last key of the base leaf before it.
    private var baseLeaves: [BlobID: [UInt8]?] = [:]
    /// Every key in the parent's runs, sorted.
    private var runKeys: [[UInt8]] = []
    /// Entries of the canonical leaf being filled, and the leaf just written.
    private var pending: [(key: [UInt8], value: ManifestValue)] = []
    private var closedLeaf: BlobID?
    /// The last key of the canonical leaves settled so far.
    private var settledThrough: [UInt8]?
    private var runEntries = 0

    /// - Parameter parent: the manifest of the collection's previous backup, if any.
    public init(repository: Repository, writer: BlobWriter, parent: CollectionManifest?, policy: Policy = Policy()) throws(ManifestError) {
        parentLoader = ManifestNodeLoader(repository: repository, cachedNodes: 4096)
        if let parent, !policy.compacts(parent) {
            self.parent = parent
            canonical = ManifestBuilder(repository: repository, writer: writer, storesNodes: false)
            run = ManifestBuilder(repository: repository, writer: writer,
                                  targets: (ManifestFormat.runLeafTarget, ManifestFormat.runInternalTarget),
                                  nodeLevel: ManifestFormat.runCompressionLevel, columnarLeaves: true)
            let loader = ManifestNodeLoader(repository: repository)
            var previous: [UInt8]?
            try loader.forEachLeaf(of: parent.base) { id, lastKey in
                baseLeaves[id] = .some(previous)
                previous = lastKey
            }
            runKeys = try loader.keys(in: parent.runs)
            runKeys.sort { $0.lexicographicallyPrecedes($1) }
            canonical.onLeaf = { [unowned self] id in closedLeaf = id }
        } else {
            self.parent = nil
            canonical = ManifestBuilder(repository: repository, writer: writer)
            run = nil
        }
    }

    /// Appends an entry. Keys must be strictly increasing in unsigned-byte lexicographic order.
    public func append(key: [UInt8], value: [UInt8]) throws(ManifestError) {
        let stored = try canonical.add(key: key, value: value)
        guard run != nil else { return }
        pending.append((key, stored))
        if let leaf = closedLeaf {
            closedLeaf = nil
            try settle(leaf)
        }
    }

    /// Ends the build and returns the collection's manifest.
    public func finish() throws(ManifestError) -> CollectionManifest {
        let root = try canonical.finish()
        guard let run, let parent else { return CollectionManifest(compact: root) }
        if let leaf = closedLeaf {
            closedLeaf = nil
            try settle(leaf)
        }
        // Whatever the parent has after the last leaf was removed.
        try compare(after: settledThrough, through: nil, with: [])
        if runEntries == 0 {
            guard root.id == parent.canonical.id else {
                throw ManifestError(.damaged, "the previous backup's manifest of this collection does not match its canonical root \(parent.canonical.id.shortHex); run check, and back up with --force")
            }
            return parent
        }
        if root.id == parent.base.id { return CollectionManifest(compact: parent.base) }
        let added = try run.finish()
        return CollectionManifest(canonical: root, base: parent.base, runs: parent.runs + [added])
    }

    /// Compares a finished canonical leaf with the parent over the keys it covers: those after
    /// the previous leaf's last key, through its own last key.
    ///
    /// The leaf is *clean*, and its entries are not compared one by one, when it is a leaf of the
    /// parent's base (equal ids: equal entries), the base has no key between the previous leaf's
    /// end and this leaf (the base leaf before it ends at or before that point), and no run of
    /// the parent has a key in the range. Then the parent's entries over the range are exactly
    /// the leaf's. Unchanged regions therefore cost a hash lookup per leaf, not a read of the parent.
    private func settle(_ leaf: BlobID) throws(ManifestError) {
        defer { pending.removeAll(keepingCapacity: true) }
        guard let last = pending.last?.key else { return }
        if !isClean(leaf, through: last) { try compare(after: settledThrough, through: last, with: pending) }
        settledThrough = last
    }

    private func isClean(_ leaf: BlobID, through last: [UInt8]) -> Bool {
        guard let entry = baseLeaves[leaf] else { return false }
        if let before = entry {
            guard let settledThrough, !settledThrough.lexicographicallyPrecedes(before) else { return false }
        }
        // The first run key after the settled range must lie beyond this leaf.
        let next = settledThrough.map { settled in
            ManifestReader.firstIndex(runKeys.count) { settled.lexicographicallyPrecedes(runKeys[$0]) }
        } ?? 0
        return next == runKeys.count || last.lexicographicallyPrecedes(runKeys[next])
    }

    /// Merges `entries` with the parent's entries in (`lower`, `upper`] (`nil`: unbounded) and
    /// writes the differences to the run.
    private func compare(after lower: [UInt8]?, through upper: [UInt8]?,
                         with entries: [(key: [UInt8], value: ManifestValue)]) throws(ManifestError) {
        guard let parent else { return }
        var cursor = try ManifestCursor(loader: parentLoader, manifest: parent, start: lower)
        var head = try cursor.next()
        if let lower, head?.key == lower { head = try cursor.next() }
        for (key, stored) in entries {
            while let h = head, h.key.lexicographicallyPrecedes(key) {
                try record(h.key, .tombstone)
                head = try cursor.next()
            }
            if let h = head, h.key == key {
                head = try cursor.next()
                if h.value == stored { continue }
            }
            try record(key, stored)
        }
        while let h = head, upper.map({ !$0.lexicographicallyPrecedes(h.key) }) ?? true {
            try record(h.key, .tombstone)
            head = try cursor.next()
        }
    }

    /// Adds an entry (a changed value or a tombstone) to the run.
    private func record(_ key: [UInt8], _ value: ManifestValue) throws(ManifestError) {
        try run?.append(key: key, stored: value)
        runEntries += 1
    }
}
