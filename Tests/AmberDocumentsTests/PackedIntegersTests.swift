import AmberCore
@testable import AmberDocuments
import Testing
import AmberTesting

@Suite("Bit-packed integer columns")
struct PackedIntegersTests {
    private func encoded(_ values: [Int64]) -> [UInt8] {
        var out = [UInt8]()
        PackedIntegers.append(values, to: &out)
        return out
    }

    private func decoded(_ bytes: [UInt8], count: Int) throws -> [Int64] {
        var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(bytes, context: "test")
        let values = try PackedIntegers.read(count, from: &reader, budget: &budget)
        try reader.expectEnd()
        return values
    }

    /// Byte-exact vectors: plain with a tie (plain wins), a constant column (width 0), delta for
    /// sorted gaps, and nothing for an empty column.
    @Test(arguments: [
        ([3, 5, 4], [0x00, 0x06, 0x02, 0x18]),
        ([7, 7, 7], [0x00, 0x0E, 0x00]),
        ([100, 101, 102, 103], [0x01, 0xC8, 0x01, 0x02, 0x00]),
        ([], []),
        ([-1], [0x00, 0x01, 0x00]),
    ] as [([Int64], [UInt8])])
    func vectors(values: [Int64], bytes: [UInt8]) throws {
        #expect(encoded(values) == bytes)
        #expect(try decoded(bytes, count: values.count) == values)
    }

    /// Extremes and random columns of every width round-trip.
    @Test func roundTrips() throws {
        let fixed: [[Int64]] = [[.min, .max, 0], [.max, .min], [0, .min], [-5, -5, 6], Array(0..<1000).map { Int64($0 * 37) }]
        var rng = SplitMix64(seed: 9)
        var random = [[Int64]]()
        for width in 0...64 {
            let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
            random.append((0..<Int(rng.next() % 300 + 1)).map { _ in Int64(bitPattern: rng.next() & mask) &- 12345 })
        }
        for values in fixed + random {
            #expect(try decoded(encoded(values), count: values.count) == values)
        }
    }

    /// Damaged columns are refused: bad mode, width over 64, a base that is not the minimum, a
    /// width that is not the smallest, set padding bits, truncation.
    @Test(arguments: [
        [0x02, 0x06, 0x02, 0x18],
        [0x00, 0x06, 0x41, 0x18],
        [0x00, 0x04, 0x02, 0x2D],
        [0x00, 0x06, 0x03, 0x18, 0x00],
        [0x00, 0x06, 0x02, 0x58],
        [0x00, 0x06, 0x02],
    ] as [[UInt8]])
    func refusesDamage(bytes: [UInt8]) {
        #expect(throws: FormatError.self) { try decoded(bytes, count: 3) }
    }
}
