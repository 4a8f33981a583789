import AmberCore
@testable import AmberDocuments
import Testing
import AmberTesting

@Suite("Text columns coded by shape")
struct TextColumnTests {
    private func roundTrip(_ strings: [String]) throws -> (mode: UInt8?, bytes: Int) {
        let values = strings.map { Array($0.utf8) }
        var out = [UInt8]()
        TextColumn.append(values, to: &out)
        var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(out, context: "test")
        #expect(try TextColumn.read(values.count, from: &reader, budget: &budget) == values)
        try reader.expectEnd()
        return (out.first, out.count)
    }

    /// Each kind of column takes the mode meant for it and reads back exactly.
    @Test(arguments: [
        (["1", "-20", "300", "0", "-9223372036854775808", "9223372036854775807"], 1),
        (["2026-11-25 17:41:33.825114", "2026-11-25 17:41:33.82764", "2026-11-25 17:41:34.082764"], 2),
        (["007", "010", "100"], 2),
        (["5", "25", "125"], 1),
        (["05", "5", "125"], 2),
        (["1.50", "2.5"], 2),
        (Array(repeating: String(repeating: " ", count: 84), count: 5), 2),
        (["", ""], 2),
        (["+5", "6"], 0),
        (["-0", "1"], 3),
        (["-12.50", "3.25", "0.5", "-0.001"], 3),
        (["-2026-01-01", "2026-01-02"], 3),
        (["-x1", "2"], 0),
        (["2026-11-25 17:41:33.123+00", "2026-11-25 17:41:34+00", "2026-11-25 17:41:35.05+00"], 4),
        (["1.5", "2", "-0.25", "-3"], 5),
        (["1.50", "2"], 0),
        (["3.14", "2.5", "1.0"], 2),
        (["1.2.3", "4.5"], 0),
        (["7.", "8.5"], 0),
        (["-", "-1"], 0),
        (["a-1", "a2"], 0),
        (["9223372036854775808", "1"], 0),
        (["1234567890123456789", "1"], 1),
        (["a1", "1a"], 0),
        (["é1ü", "é22ü"], 2),
        (["x", "y"], 0),
        (["0", "00"], 2),
    ] as [([String], UInt8)])
    func modes(strings: [String], mode: UInt8) throws {
        #expect(try roundTrip(strings).mode == mode)
    }

    /// The decimal reading and rendering agree with the standard library's on extremes, random
    /// values and near misses (leading zeros, `-0`, `+`, overflow, stray bytes).
    @Test func decimalsAgreeWithTheStandardLibrary() {
        var rng = SplitMix64(seed: 12)
        var samples: [Int64] = [0, 1, -1, 9, 10, -10, .max, .min, .max - 1, .min + 1]
        for _ in 0..<2_000 { samples.append(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 64)) }
        for v in samples {
            #expect(TextColumn.decimal(v) == Array(String(v).utf8))
            #expect(TextColumn.canonicalInteger(Array(String(v).utf8)) == v)
        }
        for text in ["", "-", "-0", "00", "01", "+5", "9223372036854775808", "-9223372036854775809", "1a", "12345678901234567890", " 1"] {
            #expect(TextColumn.canonicalInteger(Array(text.utf8)) == nil, "\(text)")
        }
    }

    /// A column of one timestamp per millisecond costs a few bytes per value, not its 26 digits.
    @Test func timestampsCostTheirDigitsAsBits() throws {
        let strings = (0..<1000).map { i in
            let micros = String((i * 7919) % 1_000_000)
            return "2026-11-25 17:41:\(10 + i / 100)." + String(repeating: "0", count: 6 - micros.count) + micros
        }
        let (mode, bytes) = try roundTrip(strings)
        #expect(mode == 2)
        #expect(bytes < 1000 * 4)
    }

    /// Timestamps to the millisecond, a thousandth of them on a whole second (PostgreSQL then
    /// writes no fraction): the column is still shaped, a few bytes a value.
    @Test func timestampsWithSomeWholeSecondsStayShaped() throws {
        let strings = (0..<2_000).map { i in
            let millis = (i * 7919) % 1000
            var fraction = millis == 0 ? "" : "." + String(repeating: "0", count: 3 - String(millis).count) + String(millis)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "2026-11-25 17:\(10 + i / 60 % 50):\(10 + i % 50)\(fraction)+00"
        }
        #expect(strings.contains { !$0.contains(".") })
        let (mode, bytes) = try roundTrip(strings)
        #expect(mode == 4)
        #expect(bytes < 2_000 * 4)
    }

    /// Damaged shapes are refused: a digit in a literal, two adjacent slots, a bad slot form, a
    /// fraction with a trailing zero's value 0, a truncated mode 4, a sign of 2, a signed shape
    /// that starts with a literal, a decimal slot's fraction width over 18 or truncated
    /// fractions, an unknown mode.
    @Test(arguments: [
        [0x02, 0x01, 0x00, 0x01, 0x31],
        [0x02, 0x02, 0x01, 0x01],
        [0x02, 0x01, 0x01, 0x03, 0x00, 0x00, 0x00],
        [0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0x00, 0x00],
        [0x04],
        [0x03, 0x00, 0x04, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00],
        [0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x2D, 0x01, 0x00, 0x00, 0x00, 0x00],
        [0x04, 0x01, 0x01, 0x00, 0x00, 0x02, 0x00, 0x13],
        [0x04, 0x01, 0x01, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x14, 0x00],
        [0x06],
    ] as [[UInt8]])
    func refusesDamage(bytes: [UInt8]) {
        var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(bytes, context: "test")
        #expect(throws: FormatError.self) { _ = try TextColumn.read(1, from: &reader, budget: &budget) }
    }
}
