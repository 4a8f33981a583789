import AmberCore
import AmberCrypto
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("Values above the inline limit are chunked into data blobs")
struct LargeValueTests {
    @Test func chunkedValuesRoundTrip() throws {
        let repository = makeRepository()
        var rng = SeededRandom(seed: 3)
        let limit = ManifestFormat.inlineLimit
        let sizes = [0, limit - 1, limit, limit + 1, 20_000, 300_000, 2 << 20]
        var map = [[UInt8]: [UInt8]]()
        for (i, size) in sizes.enumerated() {
            map[key(i)] = (0..<size).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        // Small neighbours share the leaves.
        for i in sizes.count..<200 { map[key(i)] = value(i, rng: &rng) }
        let writer = BlobWriter(repository: repository)
        let builder = ManifestBuilder(repository: repository, writer: writer)
        for (k, v) in entries(map).sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) { try builder.append(key: k, value: v) }
        let root = try builder.finish()
        _ = try writer.finish()
        #expect(builder.statistics.chunkedValues == 4)
        #expect(builder.statistics.newChunks > 4, "2 MiB of random bytes makes several 64 KiB chunks")

        let reader = ManifestReader(repository: repository, root: root)
        for (i, size) in sizes.enumerated() {
            let stored = try #require(try reader.lookup(key(i)))
            switch stored {
            case .inline: #expect(size <= limit)
            case .chunked(let length, let chunks):
                #expect(size > limit)
                #expect(length == UInt64(size))
                #expect(chunks.count >= (size >> 18) + 1, "chunks are at most 256 KiB")
            case .tombstone: Issue.record("a lookup returned a tombstone")
            }
            #expect(try reader.get(key(i)) == map[key(i)], "byte-exact restore of \(size) bytes")
        }
        var scanned = [[UInt8]: [UInt8]]()
        try reader.scan { k, v in
            scanned[k] = v
            return true
        }
        #expect(scanned == map)
        #expect(root.valueBytes == map.values.reduce(0) { $0 + UInt64($1.count) })
    }

    @Test func editInsideLargeValueStoresFewChunks() throws {
        let repository = makeRepository()
        var rng = SeededRandom(seed: 4)
        var big = (0..<(1 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try build(repository, [(key(1), big)])
        big[500_000] ^= 0xff
        let (_, written) = try buildWithStatistics(repository, [(key(1), big)])
        #expect(written.rawBytes < 300_000, "one chunk (≤ 256 KiB) and one leaf, not the whole value")
    }
}
