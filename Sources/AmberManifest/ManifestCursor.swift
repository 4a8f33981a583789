import AmberCore

/// Walks a collection's entries in key order, values not resolved: the layers of its
/// ``CollectionManifest`` (the base and its runs) merged, each key taking its value from the
/// newest layer that has it, keys whose newest value is a tombstone left out (unless asked for).
///
/// The base holds most entries, so it is merged against the smallest head of the runs, which
/// is found again only when a run entry is taken: an entry of the base costs one key
/// comparison however many runs there are.
public struct ManifestCursor: Sendable {
    private var base: TreeCursor
    private var baseHead: ManifestEntry?
    private var runs: [TreeCursor]
    private var runHeads: [ManifestEntry?]
    /// The run whose head has the smallest key, the newest on a tie; `nil` when every run is done.
    private var smallestRun: Int?
    private let keepsTombstones: Bool

    init(loader: ManifestNodeLoader, manifest: CollectionManifest, start: [UInt8]?) throws(ManifestError) {
        try self.init(loader: loader, base: manifest.base, runs: manifest.runs, start: start, keepsTombstones: false)
    }

    /// Merges `base` and `runs` (oldest first); with `keepsTombstones`, a key whose newest entry is
    /// a tombstone is returned as that tombstone (merging runs into one run).
    init(loader: ManifestNodeLoader, base: ManifestRoot, runs: [ManifestRoot], start: [UInt8]?,
         keepsTombstones: Bool) throws(ManifestError) {
        self.base = try TreeCursor(loader: loader, root: base, start: start)
        baseHead = try self.base.next()
        var cursors = [TreeCursor](), heads = [ManifestEntry?]()
        for run in runs {
            var cursor = try TreeCursor(loader: loader, root: run, start: start)
            heads.append(try cursor.next())
            cursors.append(cursor)
        }
        self.runs = cursors
        runHeads = heads
        self.keepsTombstones = keepsTombstones
        smallestRun = Self.smallest(heads)
    }

    /// The next entry, or `nil` past the last one.
    public mutating func next() throws(ManifestError) -> ManifestEntry? {
        while true {
            guard let run = smallestRun, let winner = runHeads[run] else {
                guard let head = baseHead else { return nil }
                baseHead = try base.next()
                if case .tombstone = head.value, !keepsTombstones { continue }
                return head
            }
            if let head = baseHead, head.key.lexicographicallyPrecedes(winner.key) {
                baseHead = try base.next()
                if case .tombstone = head.value, !keepsTombstones { continue }
                return head
            }
            if baseHead?.key == winner.key { baseHead = try base.next() }
            for i in runHeads.indices where runHeads[i]?.key == winner.key { runHeads[i] = try runs[i].next() }
            smallestRun = Self.smallest(runHeads)
            if case .tombstone = winner.value, !keepsTombstones { continue }
            return winner
        }
    }

    /// The index of the head with the smallest key; the later (newer) one on a tie.
    private static func smallest(_ heads: [ManifestEntry?]) -> Int? {
        var best: Int?
        for i in heads.indices {
            guard let head = heads[i] else { continue }
            if let b = best, let current = heads[b], current.key.lexicographicallyPrecedes(head.key) { continue }
            best = i
        }
        return best
    }
}
