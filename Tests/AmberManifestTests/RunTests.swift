import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import Testing

/// Builds a collection's manifest on top of `parent` and finishes the writer.
func buildCollection(_ repository: Repository, _ map: [[UInt8]: [UInt8]], parent: CollectionManifest?,
                     policy: LayerPolicy = .init()) throws -> (manifest: CollectionManifest, written: WriteStatistics) {
    let writer = BlobWriter(repository: repository)
    let builder = try CollectionBuilder(repository: repository, writer: writer, parent: parent, policy: policy)
    for (key, value) in entries(map).sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
        try builder.append(key: key, value: value)
    }
    let manifest = try builder.finish()
    return (manifest, try writer.finish())
}

/// Every entry of a collection, values resolved.
func contents(_ repository: Repository, _ manifest: CollectionManifest) throws -> [[UInt8]: [UInt8]] {
    var out = [[UInt8]: [UInt8]]()
    try ManifestReader(repository: repository, manifest: manifest).scan { key, value in
        #expect(out[key] == nil, "a key appears once")
        out[key] = value
        return true
    }
    return out
}

/// Applies random edits (updates, inserts, deletes) to a map.
func edit(_ map: inout [[UInt8]: [UInt8]], changes: Int, version: Int, rng: inout SeededRandom) {
    let keys = map.keys.sorted { $0.lexicographicallyPrecedes($1) }
    for _ in 0..<changes {
        switch rng.next() % 4 {
        case 0: map[keys[Int(rng.next() % UInt64(keys.count))]] = nil
        case 1: let i = 1_000_000 + Int(rng.next() % 100_000); map[key(i)] = value(i, version: version, rng: &rng)
        default: let k = keys[Int(rng.next() % UInt64(keys.count))]; map[k] = value(7, version: version, rng: &rng)
        }
    }
}

@Suite("Collection manifests kept as a base and runs")
struct RunTests {
    /// A chain of backups with scattered edits, compacted after every third: each snapshot reads
    /// back exactly, its canonical root equals a from-scratch build of the same entries, and
    /// each diff matches the maps.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func chainsReadBackExactlyAndKeepTheCanonicalRoot(seed: UInt64) throws {
        let repository = makeRepository()
        var rng = SeededRandom(seed: seed)
        var map = makeEntries(4_000, seed: seed)
        var previous: (manifest: CollectionManifest, map: [[UInt8]: [UInt8]])?
        var sawRuns = false, sawMerge = false, sawRebase = false
        let policy = LayerPolicy(fanIn: 2, maximumRuns: 3)
        for step in 0..<14 {
            var (manifest, _) = try buildCollection(repository, map, parent: previous?.manifest, policy: policy)
            #expect(manifest.runs.isEmpty || (manifest.tiers.last == 0 && Array(manifest.tiers.dropLast()) == previous?.manifest.tiers),
                    "a backup adds a run of tier 0 to its parent's and merges nothing")
            if step % 3 == 2 {
                let writer = BlobWriter(repository: repository)
                let compactor = CollectionCompactor(repository: repository, writer: writer, policy: policy)
                let compacted = try compactor.compact(manifest)
                _ = try writer.finish()
                try compactor.verify(compacted, against: manifest)
                #expect(compacted.canonical == manifest.canonical)
                manifest = compacted
            }
            #expect(manifest.hasPackedBase)
            if !manifest.runs.isEmpty { sawRuns = true }
            if manifest.tiers.contains(where: { $0 > 0 }) { sawMerge = true }
            if step > 0 && manifest.runs.isEmpty { sawRebase = true }
            #expect(try contents(repository, manifest) == map, "step \(step)")
            #expect(manifest.canonical == (try build(makeRepository(), entries(map))), "history independence at step \(step)")
            let reader = ManifestReader(repository: repository, manifest: manifest)
            for k in map.keys.shuffled(using: &rng).prefix(20) { #expect(try reader.get(k) == map[k]) }
            #expect(try reader.get(key(999_999_999)) == nil)
            if let previous {
                let changes = try ManifestDiff.diff(repository, from: previous.manifest, to: manifest)
                let expected = naiveDiff(previous.map, map)
                #expect(changes.map(\.key) == expected.map(\.key), "diff keys at step \(step)")
                #expect(changes.map(\.kind) == expected.map(\.kind), "diff kinds at step \(step)")
                // A diff across the whole chain, and backwards.
                #expect(try ManifestDiff.diff(repository, from: manifest, to: previous.manifest).count == expected.count)
            }
            previous = (manifest, map)
            edit(&map, changes: 30, version: step + 1, rng: &rng)
        }
        #expect(sawRuns)
        #expect(sawMerge, "compaction merges two runs of one tier into one of the next")
        #expect(sawRebase, "a parent with three runs makes the next backup rebase")
    }

    /// Edits exactly at the canonical tree's leaf boundaries (the last or first key of a leaf
    /// removed, a key inserted between two leaves) are all found and kept.
    @Test func editsAtLeafBoundariesAreKept() throws {
        let repository = makeRepository()
        var map = makeEntries(5_000, seed: 12)
        let (first, _) = try buildCollection(repository, map, parent: nil)
        // The canonical tree is not stored: build it where it is, to find its leaves.
        let stored = makeRepository()
        let canonical = try build(stored, entries(map))
        #expect(canonical == first.canonical)
        var lastKeys = [[UInt8]]()
        try ManifestNodeLoader(repository: stored).forEachLeaf(of: canonical) { _, last in lastKeys.append(last!) }
        #expect(lastKeys.count > 100)
        var parent = first
        for (step, stride) in [(0, 7), (1, 5), (2, 3)] {
            for (n, last) in lastKeys.enumerated() where n % stride == step {
                switch n % 3 {
                case 0: map[last] = nil                                // the last key of a leaf
                case 1: map[last + [0x2B]] = Array("between".utf8)      // a key between two leaves
                default:
                    if n + 1 < lastKeys.count, let next = map.keys.filter({ last.lexicographicallyPrecedes($0) }).min(by: { $0.lexicographicallyPrecedes($1) }) {
                        map[next] = nil                                // the first key of the next leaf
                    }
                }
            }
            let (manifest, _) = try buildCollection(repository, map, parent: parent)
            #expect(!manifest.isCompact)
            #expect(try contents(repository, manifest) == map, "step \(step)")
            #expect(manifest.canonical == (try build(makeRepository(), entries(map))), "step \(step)")
            parent = manifest
        }
    }

    /// Diffs between any two snapshots of a chain, whatever their bases.
    @Test func diffsAcrossBasesMatchTheMaps() throws {
        let repository = makeRepository()
        var rng = SeededRandom(seed: 9)
        var map = makeEntries(2_000, seed: 9)
        var history = [(manifest: CollectionManifest, map: [[UInt8]: [UInt8]])]()
        for step in 0..<9 {
            let (manifest, _) = try buildCollection(repository, map, parent: history.last?.manifest, policy: .init(fanIn: 2, maximumRuns: 3))
            history.append((manifest, map))
            edit(&map, changes: 25, version: step + 1, rng: &rng)
        }
        for a in history.indices {
            for b in history.indices where a != b {
                let changes = try ManifestDiff.diff(repository, from: history[a].manifest, to: history[b].manifest)
                let expected = naiveDiff(history[a].map, history[b].map)
                #expect(changes.map(\.key) == expected.map(\.key), "\(a) → \(b)")
                #expect(changes.map(\.kind) == expected.map(\.kind), "\(a) → \(b)")
            }
        }
    }

    /// A few scattered changes to a large collection store their documents and a run, not a
    /// rewritten leaf and path per change.
    @Test func aRunStoresLittleMoreThanTheChangedEntries() throws {
        let repository = makeRepository()
        var map = makeEntries(20_000, seed: 4)
        let (first, _) = try buildCollection(repository, map, parent: nil)
        var rng = SeededRandom(seed: 5)
        for k in map.keys.shuffled(using: &rng).prefix(10) { map[k] = value(1, version: 2, rng: &rng) }
        // The same change as a compact tree, in a repository holding the first tree.
        let other = makeRepository()
        try build(other, entries(makeEntries(20_000, seed: 4)))
        let compact = try buildWithStatistics(other, entries(map))
        let (second, written) = try buildCollection(repository, map, parent: first)
        #expect(second.runs.count == 1)
        #expect(second.runs[0].count == 10)
        #expect(second.base == first.base)
        #expect(written.blobs <= 4, "a run of a leaf or two and a root, got \(written.blobs)")
        #expect(written.storedBytes * 5 < compact.written.storedBytes,
                "a run (\(written.storedBytes) B) against rewritten paths (\(compact.written.storedBytes) B)")
    }

    /// An unchanged backup records the parent's manifest unchanged, and writes nothing.
    @Test func anUnchangedBackupReusesTheParent() throws {
        let repository = makeRepository()
        var map = makeEntries(3_000, seed: 6)
        let (first, _) = try buildCollection(repository, map, parent: nil)
        map[key(10)] = [1, 2, 3]
        let (second, _) = try buildCollection(repository, map, parent: first)
        let (third, written) = try buildCollection(repository, map, parent: second)
        #expect(third == second)
        #expect(written.blobs == 0)
        // Reverting to the base's content gives the base's canonical root.
        let (fourth, _) = try buildCollection(repository, makeEntries(3_000, seed: 6), parent: third)
        #expect(fourth.canonical == first.canonical)
        #expect(fourth.base == first.base)
    }

    /// Removing every document leaves a run of tombstones; the collection reads as empty.
    @Test func tombstonesHideEveryRemovedKey() throws {
        let repository = makeRepository()
        let (first, _) = try buildCollection(repository, makeEntries(500, seed: 2), parent: nil)
        let (empty, _) = try buildCollection(repository, [:], parent: first, policy: .init())
        #expect(empty.count == 0)
        #expect(try contents(repository, empty).isEmpty)
        #expect(try ManifestDiff.diff(repository, from: first, to: empty).allSatisfy { $0.kind == .removed })
    }

    /// Rebuilding the canonical root from the layers gives the recorded one, and a manifest whose
    /// layers were tampered with (a run dropped) does not.
    @Test func canonicalRootIsRebuiltFromTheLayers() throws {
        let repository = makeRepository()
        var map = makeEntries(2_000, seed: 8)
        var manifest = try buildCollection(repository, map, parent: nil).manifest
        for step in 1...2 {
            map[key(step * 100)] = Array("step \(step)".utf8)
            map[key(step * 100 + 1)] = nil
            manifest = try buildCollection(repository, map, parent: manifest).manifest
        }
        #expect(manifest.runs.count == 2)
        let loader = ManifestNodeLoader(repository: repository)
        #expect(try loader.canonicalRoot(of: manifest) == manifest.canonical)
        var dropped = manifest
        dropped.runs.removeLast()
        #expect(try loader.canonicalRoot(of: dropped) != manifest.canonical)
        #expect(try loader.canonicalRoot(of: dropped).count == manifest.canonical.count + 1, "the dropped run deleted one key")
    }

    /// The encoding round-trips; a run count with a base equal to the canonical root is refused.
    @Test func encodingRoundTrips() throws {
        let repository = makeRepository()
        var map = makeEntries(1_000, seed: 3)
        let (first, _) = try buildCollection(repository, map, parent: nil)
        map[key(5)] = nil
        let (second, _) = try buildCollection(repository, map, parent: first)
        for manifest in [first, second] {
            var reader = ByteReader(manifest.encodedVersion3(), context: "test")
            #expect(try CollectionManifest(version3: &reader) == manifest)
            try reader.expectEnd()
        }
        var bad = second
        bad.base = bad.canonical
        var reader = ByteReader(bad.encodedVersion3(), context: "test")
        #expect(throws: FormatError.self) { _ = try CollectionManifest(version3: &reader) }
        // Version 2 (a canonical base and runs, from before packed bases) still reads.
        let legacy = CollectionManifest(canonical: second.canonical, base: first.canonical, runs: second.runs, hasPackedBase: false)
        var old = ByteReader(legacy.encodedVersion2(), context: "test")
        #expect(try CollectionManifest(version2: &old) == legacy)
    }

    /// Backups add a run of tier 0 and never merge; compaction merges the newest group of one
    /// tier once it has eight runs (and again when that completes a group above), and rewrites
    /// the base instead only when the runs shadow a quarter of its entries.
    @Test func backupsAddRunsAndCompactionMergesTiersAsPlanned() {
        let root = { (count: UInt64) in ManifestRoot(id: BlobID(bytes: [UInt8](repeating: UInt8(count % 251), count: 32))!, count: count, valueBytes: count, height: 1) }
        let policy = LayerPolicy()
        func manifest(_ tiers: [UInt8], each: UInt64 = 10, base: UInt64 = 1000, growth: UInt64 = 0) -> CollectionManifest {
            CollectionManifest(canonical: root(base + growth), base: root(base), runs: tiers.map { _ in root(each) }, tiers: tiers, hasPackedBase: true)
        }
        #expect(policy.plan(parent: nil) == .rebase)
        #expect(policy.plan(parent: CollectionManifest(compact: root(1000))) == .rebase, "a base from before packed bases is rewritten")
        #expect(policy.plan(parent: manifest(Array(repeating: 0, count: 7))) == .run(merging: 0, tier: 0), "a backup never merges")
        #expect(policy.plan(parent: manifest(Array(repeating: 0, count: 64))) == .rebase, "unless the runs reach the maximum")

        #expect(policy.compaction(of: manifest([])) == nil)
        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 7))) == nil)
        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 8))) == .run(merging: 8, tier: 1))
        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 30), each: 2)) == .run(merging: 30, tier: 1), "a backlog merges at once")
        #expect(policy.compaction(of: manifest([1, 0, 0, 0, 0, 0, 0, 0, 0])) == .run(merging: 8, tier: 1))
        #expect(policy.compaction(of: manifest(Array(repeating: 1, count: 7) + Array(repeating: 0, count: 8))) == .run(merging: 15, tier: 2),
                "the new tier-1 run completes the tier-1 group")
        #expect(policy.compaction(of: manifest([2] + Array(repeating: 1, count: 3) + Array(repeating: 0, count: 8))) == .run(merging: 8, tier: 1))
        #expect(LayerPolicy(fanIn: 2).compaction(of: manifest([2, 1, 0, 0])) == .run(merging: 4, tier: 3))
        #expect(policy.compaction(of: CollectionManifest(compact: root(1000))) == nil, "a base from before packed bases waits for a backup")

        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 8), each: 40)) == .rebase, "320 run entries replace base entries: ≥ 1000 / 4")
        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 8), each: 400, growth: 3200)) == .run(merging: 8, tier: 1),
                "runs of new rows only (an append-only table) shadow nothing: they climb the tiers")
        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 8), each: 400, base: 0, growth: 3200)) == .run(merging: 8, tier: 1),
                "nor is a base that started empty rewritten")
        #expect(policy.compaction(of: manifest(Array(repeating: 0, count: 8), each: 400, growth: 2400)) == .rebase,
                "800 of the 3,200 run entries replace base entries: ≥ 1000 / 4")
    }
}
