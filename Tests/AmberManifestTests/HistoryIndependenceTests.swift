import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("The same entry set gives the same root, whatever history produced it")
struct HistoryIndependenceTests {
    /// The same set, assembled in different random orders, in repositories with different histories.
    @Test func shuffledInsertionOrders() throws {
        let target = makeEntries(5_000, seed: 11)
        let reference = try build(makeRepository(), entries(target))
        for seed in 1...4 as ClosedRange<UInt64> {
            var rng = SeededRandom(seed: seed)
            var map = [[UInt8]: [UInt8]]()
            for (k, v) in entries(target).shuffled(using: &rng) { map[k] = v }
            let repository = makeRepository()
            // A history: an unrelated manifest already in the repository.
            try build(repository, entries(makeEntries(1_000, seed: seed + 100)))
            #expect(try build(repository, entries(map)) == reference)
        }
    }

    /// Random insert, update and delete sequences that end at the same set, each step built.
    @Test func editSequencesReachTheSameRoot() throws {
        let final = makeEntries(3_000, seed: 21)
        let reference = try build(makeRepository(), entries(final))
        for seed in 1...3 as ClosedRange<UInt64> {
            var rng = SeededRandom(seed: seed * 31)
            let repository = makeRepository()
            // Start from a different set: some entries missing, some extra, some with other values.
            var map = final
            for k in final.keys.shuffled(using: &rng).prefix(500) { map[k] = nil }
            for i in 3_000..<3_400 { map[key(i)] = value(i, version: Int(seed), rng: &rng) }
            for k in map.keys.shuffled(using: &rng).prefix(300) { map[k] = value(0, version: 9, rng: &rng) }
            try build(repository, entries(map))
            // Converge in random batches of edits, building after each batch.
            var pending = Array(Set(final.keys).union(map.keys)).shuffled(using: &rng)
            while !pending.isEmpty {
                let batch = pending.prefix(1 + Int(rng.next() % 400))
                pending.removeFirst(batch.count)
                for k in batch { map[k] = final[k] }
                try build(repository, entries(map))
            }
            #expect(map == final)
            #expect(try build(repository, entries(map)) == reference)
        }
    }

    /// Deleting an entry then putting it back restores the original root, a single edit stores
    /// only a few nodes, and undoing it stores none.
    @Test func deleteAndReinsert() throws {
        let repository = makeRepository()
        var map = makeEntries(20_000, seed: 5)
        let original = try build(repository, entries(map))
        let saved = map[key(12_345)]
        map[key(12_345)] = nil
        let (without, written) = try buildWithStatistics(repository, entries(map))
        #expect(without != original)
        // A deletion can move the boundary it was on, merging two nodes: at most two nodes per level.
        #expect(written.blobs <= 2 * original.height, "a leaf and its ancestors, give or take a merged neighbour")
        map[key(12_345)] = saved
        let (again, rewritten) = try buildWithStatistics(repository, entries(map))
        #expect(again == original)
        #expect(rewritten.blobs == 0, "every node of the original tree is already stored")
    }
}
