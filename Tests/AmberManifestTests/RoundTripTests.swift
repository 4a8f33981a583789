import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("Manifest round trips: lookup, iteration, scan")
struct RoundTripTests {
    @Test(arguments: [0, 1, 10, 100_000])
    func roundTrip(count: Int) throws {
        let repository = makeRepository()
        let map = makeEntries(count)
        let root = try build(repository, entries(map))
        #expect(root.count == UInt64(count))
        #expect(root.valueBytes == map.values.reduce(0) { $0 + UInt64($1.count) })
        if count <= 10 { #expect(root.height == 1) } else { #expect(root.height >= 3) }

        let reader = ManifestReader(repository: repository, root: root)
        // Every entry, in order, from the start.
        let all = try readAll(reader)
        let sorted = map.keys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(all.map(\.key) == sorted)
        #expect(all.allSatisfy { map[$0.key] == (try? reader.loader.resolve($0.value)) })

        // Point lookups: present keys cost exactly one node load per level.
        var rng = SeededRandom(seed: 7)
        let probes = count <= 10 ? Array(0..<count) : (0..<1000).map { _ in Int(rng.next() % UInt64(count)) }
        for i in probes {
            let before = reader.loader.nodeLoads
            #expect(try reader.get(key(i)) == map[key(i)])
            #expect(reader.loader.nodeLoads - before == root.height)
        }
        // Absent keys: before the first, between two, after the last.
        for absent in [[], Array("j".utf8), key(0) + [0], key(count / 2) + [0xff], Array("l".utf8)] {
            #expect(try reader.get(absent) == nil)
        }

        // Iteration from a key: present, absent (starts at the next), past the end.
        if count > 0 {
            let middle = count / 2
            #expect(try readAll(reader, from: key(middle)).map(\.key) == Array(sorted[middle...]))
            #expect(try readAll(reader, from: key(middle) + [0]).map(\.key) == Array(sorted[(middle + 1)...]))
        }
        #expect(try readAll(reader, from: Array("z".utf8)).isEmpty)

        // A scan that stops early.
        var seen = 0
        try reader.scan { _, _ in
            seen += 1
            return seen < 5
        }
        #expect(seen == min(5, count))
    }

    @Test func emptyKeyAndBinaryKeys() throws {
        let repository = makeRepository()
        var map = [[UInt8]: [UInt8]]()
        map[[]] = Array("empty key".utf8)
        for b in [0x00, 0x01, 0x7f, 0x80, 0xff] as [UInt8] {
            map[[b]] = [b]
            map[[b, 0]] = []
            map[[b, 0xff, 0xff]] = Array(repeating: b, count: 300)
        }
        let root = try build(repository, entries(map))
        let reader = ManifestReader(repository: repository, root: root)
        for (k, v) in map { #expect(try reader.get(k) == v) }
        #expect(try readAll(reader).map(\.key) == map.keys.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func keysMustIncrease() throws {
        let repository = makeRepository()
        let builder = ManifestBuilder(repository: repository, writer: BlobWriter(repository: repository))
        try builder.append(key: [2], value: [])
        for bad in [[2], [1], [1, 9]] as [[UInt8]] {
            let error = #expect(throws: ManifestError.self) { try builder.append(key: bad, value: []) }
            #expect(error?.code == .invalidArgument)
        }
        let tooLong = #expect(throws: ManifestError.self) {
            try builder.append(key: Array(repeating: 9, count: ManifestFormat.maximumKeyLength + 1), value: [])
        }
        #expect(tooLong?.code == .invalidArgument)
        _ = try builder.finish()
        #expect(throws: ManifestError.self) { try builder.finish() }
    }
}
