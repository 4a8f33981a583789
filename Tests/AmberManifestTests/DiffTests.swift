import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("Diff: matches a naive diff, skips shared subtrees")
struct DiffTests {
    /// Random edits of several sizes; the diff must equal the naive one, and swapping the sides
    /// must swap added and removed.
    @Test(arguments: [0, 1, 10, 300, 4_000])
    func matchesNaiveDiff(edits: Int) throws {
        let repository = makeRepository()
        let old = makeEntries(8_000, seed: 41)
        var new = old
        var rng = SeededRandom(seed: UInt64(edits) + 1)
        for _ in 0..<edits {
            let i = Int(rng.next() % 10_000)
            switch rng.next() % 3 {
            case 0: new[key(i)] = nil
            case 1: new[key(i)] = value(i, version: 1, rng: &rng)
            default: new[key(i) + [UInt8(ascii: "x")]] = value(i, version: 2, rng: &rng)
            }
        }
        let a = try build(repository, entries(old)), b = try build(repository, entries(new))
        let changes = try ManifestDiff.diff(repository, from: a, to: b)
        let expected = naiveDiff(old, new)
        #expect(changes.map(\.key) == expected.map(\.key))
        #expect(changes.map(\.kind) == expected.map(\.kind))
        for c in changes {
            #expect(c.new.map(\.length) == new[c.key].map { UInt64($0.count) })
            #expect(c.old.map(\.length) == old[c.key].map { UInt64($0.count) })
        }
        let backwards = try ManifestDiff.diff(repository, from: b, to: a)
        #expect(backwards.map(\.key) == expected.map(\.key))
        let swapped: [ManifestChange.Kind] = expected.map { $0.kind == .added ? .removed : $0.kind == .removed ? .added : .changed }
        #expect(backwards.map(\.kind) == swapped)
    }

    @Test func fromNothingAndToEmpty() throws {
        let repository = makeRepository()
        let map = makeEntries(2_000, seed: 2)
        let root = try build(repository, entries(map)), empty = try build(repository, [])
        let added = try ManifestDiff.diff(repository, from: nil, to: root)
        #expect(added.count == 2_000 && added.allSatisfy { $0.kind == .added })
        let removed = try ManifestDiff.diff(repository, from: root, to: empty)
        #expect(removed.count == 2_000 && removed.allSatisfy { $0.kind == .removed })
        #expect(try ManifestDiff.diff(repository, from: root, to: root).isEmpty)
    }

    /// The cost bound: d scattered changes in 100k entries load O(d × height) nodes, and an
    /// unchanged manifest loads none.
    @Test func nodeLoadsAreProportionalToChanges() throws {
        let repository = makeRepository()
        let old = makeEntries(100_000, seed: 8)
        let a = try build(repository, entries(old))
        let total = try allNodes(repository, a).count
        let same = ManifestDiff(repository: repository)
        try same.visit(from: a, to: a) { _ in Issue.record("no change expected") }
        #expect(same.loader.nodeLoads == 0)

        for changes in [1, 10, 100] {
            var new = old
            var rng = SeededRandom(seed: UInt64(changes))
            for _ in 0..<changes {
                let i = Int(rng.next() % 100_000)
                new[key(i)] = value(i, version: 5, rng: &rng)
            }
            let b = try build(repository, entries(new))
            let differ = ManifestDiff(repository: repository)
            var found = 0
            try differ.visit(from: a, to: b) { _ in found += 1 }
            #expect(found == naiveDiff(old, new).count)
            // Per change, on each side: its path, plus the neighbours opened until the boundaries
            // realign (a value whose size changes can move its leaf's end, and that the parent's).
            let bound = 4 * a.height * (changes + 1)
            #expect(differ.loader.nodeLoads <= bound, "\(changes) changes: \(differ.loader.nodeLoads) loads > \(bound) (tree has \(total) nodes)")
            #expect(differ.loader.nodeLoads * 10 < total || changes * 10 > total / 10, "far fewer loads than nodes")
        }
    }
}
