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
    ///
    /// The base's next entry is compared with the smallest run head where it lies in its leaf,
    /// and copied out only when it is taken.
    public mutating func next() throws(ManifestError) -> ManifestEntry? {
        try merge(fromRun: { ($0, true) }, fromBase: { base throws(ManifestError) in try base.peek().map { ($0, true) } })
    }

    /// ``next()`` with the entry lent to `body` for the call (``TreeCursor/nextLent(_:)``):
    /// the entries of the base's columnar leaves, most of a packed tree, make no array each.
    /// Returns what `body` returns, or `nil` past the last entry.
    public mutating func nextLent<R>(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: LentValue) throws(ManifestError) -> R) throws(ManifestError) -> R? {
        try withNext { key, value throws(ManifestError) in (try body(key, value), true) }
    }

    /// Lends the next entry to `body`, which returns a result and whether to step past the
    /// entry (false leaves it next); returns the result, or `nil` past the last entry.
    mutating func withNext<R>(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: LentValue) throws(ManifestError) -> (R, consume: Bool)) throws(ManifestError) -> R? {
        try merge(fromRun: { entry throws(ManifestError) in try entry.lend(body) }, fromBase: { base throws(ManifestError) in try base.peekLent(body) })
    }

    /// The merge every reading goes through: finds the next entry to show (the smaller of the
    /// base's next key and the smallest run head, a run shadowing the base on a tie, tombstones
    /// left out unless kept) and hands it to `fromRun` (a run's entry) or `fromBase` (the base,
    /// positioned at it), which return a result and whether to step past the entry.
    private mutating func merge<R>(fromRun: (ManifestEntry) throws(ManifestError) -> (R, consume: Bool),
                                   fromBase: (inout TreeCursor) throws(ManifestError) -> (R, consume: Bool)?) throws(ManifestError) -> R? {
        while true {
            if let run = smallestRun, let winner = runHeads[run] {
                let order = try base.compareNextKey(with: winner.key)
                if order.map({ $0 >= 0 }) ?? true {
                    var result: R?, consumed = true
                    if case .tombstone = winner.value, !keepsTombstones {} else { (result, consumed) = try fromRun(winner) }
                    if consumed {
                        if order == 0 { try base.skip() }  // shadowed by the run
                        for i in runHeads.indices where runHeads[i].map({ $0.key.compareBytes(winner.key) == 0 }) == true {
                            runHeads[i] = try runs[i].next()
                        }
                        smallestRun = Self.smallest(runHeads)
                    }
                    if let result { return result }
                    continue
                }
            }
            if !keepsTombstones, try base.nextIsTombstone() {
                try base.skip()
                continue
            }
            guard let (result, consume) = try fromBase(&base) else { return nil }
            if consume { try base.skip() }
            return result
        }
    }

    /// The index of the head with the smallest key; the later (newer) one on a tie.
    private static func smallest(_ heads: [ManifestEntry?]) -> Int? {
        var best: Int?
        for i in heads.indices {
            guard let head = heads[i] else { continue }
            if let b = best, let current = heads[b], current.key.bytesPrecede(head.key) { continue }
            best = i
        }
        return best
    }
}
