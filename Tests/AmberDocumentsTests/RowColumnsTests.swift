import AmberCore
@testable import AmberDocuments
import Testing
import AmberTesting

@Suite("Leaves of database rows, column by column")
struct RowColumnsTests {
    private static func key(_ values: [DatabaseValue]) -> [UInt8] { DocumentKey.composite(values).encoded }

    private static func row(_ columns: [(String, DatabaseValue)], key: DocumentKey? = nil) -> [UInt8] {
        DatabaseRow(columns.map { DatabaseRow.Column($0.0, $0.1) }).encoded(sharingValuesWith: key)
    }

    /// Rows of every value type (reals with a negative zero and a NaN payload, texts with 0x00
    /// bytes, blobs, nulls), key references and tombstones come back byte for byte.
    @Test func everyValueTypeRoundTrips() throws {
        var entries = [RowColumns.Entry]()
        let nan = Double(bitPattern: 0x7FF8_0000_0000_1234)
        for i in 0..<200 {
            let keyValues: [DatabaseValue] = [.integer(Int64(i) * 3 - 100), i % 7 == 0 ? .null : .text(Array("k\(i)\u{0}x".utf8))]
            let key = DocumentKey.composite(keyValues)
            if i % 11 == 0 {
                entries.append(.init(key: key.encoded, row: nil))
                continue
            }
            let columns: [(String, DatabaseValue)] = [
                ("id", keyValues[0]),
                ("name", keyValues[1]),
                ("score", .real(i % 5 == 0 ? -0.0 : (i % 5 == 1 ? nan : Double(i) / 7))),
                ("when", .text(Array("2026-11-\(10 + i % 20) 12:00:0\(i % 10).\(i * 37 % 1000 + 1)+00".utf8))),
                ("data", i % 3 == 0 ? .blob([0, 1, UInt8(i % 256)]) : .integer(Int64(i) << 40)),
                ("note", i % 2 == 0 ? .null : .text(Array("é \(i)".utf8))),
            ]
            entries.append(.init(key: key.encoded, row: Self.row(columns, key: i % 4 == 0 ? key : nil)))
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        let bytes = try #require(RowColumns.encode(entries))
        var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(bytes, context: "test")
        #expect(try RowColumns.decode(entries.count, from: &reader, budget: &budget) == entries)
        try reader.expectEnd()
        let plain = entries.reduce(0) { $0 + $1.key.count + ($1.row?.count ?? 0) }
        #expect(bytes.count < plain, "columns are smaller than the entries side by side")
    }

    /// The fast paths (rows of texts and nulls, keys of one integer) split exactly as the
    /// general parse does, and leave to it every row they do not take: texts whose length
    /// varint takes one, two or three bytes, nulls, other value types, key references, a row
    /// with other names or trailing bytes (refused either way), text and two-value keys.
    @Test func theFastPathsSplitAsTheGeneralParse() throws {
        let lengths = [0, 1, 9, 127, 128, 129, 300, 16_383, 16_384, 20_000]
        func text(_ i: Int) -> DatabaseValue { .text(Array(repeating: UInt8(0x61 + i % 26), count: lengths[i % lengths.count])) }
        func leaf(keys: (Int) -> [DatabaseValue], value: (Int) -> DatabaseValue, names: (Int) -> [String] = { _ in ["id", "name", "filler"] },
                  tail: (Int) -> [UInt8] = { _ in [] }) -> [RowColumns.Entry] {
            (0..<60).map { i in
                let key = DocumentKey.composite(keys(i))
                let columns = zip(names(i), [.text(Array(String(i).utf8)), i % 5 == 0 ? .null : text(i), value(i)])
                return RowColumns.Entry(key: key.encoded, row: Self.row(Array(columns), key: i % 9 == 0 ? key : nil) + tail(i))
            }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        }
        let leaves: [[RowColumns.Entry]] = [
            leaf(keys: { [.integer(Int64($0) * 1_000_003 - 30_000_000)] }, value: { text($0 + 3) }),
            leaf(keys: { [.integer(Int64.min + Int64($0))] }, value: { $0 % 7 == 0 ? .integer(Int64($0)) : text($0) }),
            leaf(keys: { [.integer(Int64($0))] }, value: { $0 % 4 == 0 ? .real(0.5) : ($0 % 4 == 1 ? .blob([1, 2]) : .null) }),
            leaf(keys: { [.text(Array("k\($0)".utf8))] }, value: text),
            leaf(keys: { [.integer(Int64($0)), .text([0x78, 0x00])] }, value: text),
            leaf(keys: { [.integer(Int64($0))] }, value: text, names: { $0 == 30 ? ["id", "nom", "filler"] : ["id", "name", "filler"] }),
            leaf(keys: { [.integer(Int64($0))] }, value: text, tail: { $0 == 40 ? [0] : [] }),
        ]
        for (n, entries) in leaves.enumerated() {
            let fast = RowColumns.split(entries).map(RowColumns.write)
            let general = RowColumns.split(entries, fastPaths: false).map(RowColumns.write)
            #expect(fast == general, "leaf \(n)")
            #expect((fast == nil) == (n >= 5), "leaf \(n)")
        }
        // A tombstone among the rows, and the leaf decodes back.
        var entries = leaves[0]
        entries[3].row = nil
        let bytes = try #require(RowColumns.encode(entries))
        #expect(bytes == RowColumns.split(entries, fastPaths: false).map(RowColumns.write))
        var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(bytes, context: "test")
        #expect(try RowColumns.decode(entries.count, from: &reader, budget: &budget) == entries)
    }

    /// Leaves that are not all rows of one shape are left to the row-by-row form.
    @Test func refusesWhatItCannotHold() {
        let k1 = Self.key([.integer(1)]), k2 = Self.key([.integer(2)])
        let row = Self.row([("a", .integer(1))])
        #expect(RowColumns.encode([]) == nil)
        #expect(RowColumns.encode([.init(key: DocumentKey.string(Array("x".utf8)).encoded, row: row)]) == nil)
        #expect(RowColumns.encode([.init(key: k1, row: row), .init(key: Self.key([.integer(2), .null]), row: row)]) == nil)
        #expect(RowColumns.encode([.init(key: k1, row: row), .init(key: k2, row: Self.row([("b", .integer(1))]))]) == nil)
        #expect(RowColumns.encode([.init(key: k1, row: Array("{\"a\":1}".utf8))]) == nil)
        #expect(RowColumns.encode([.init(key: k1, row: row + [0])]) == nil)
        #expect(RowColumns.encode([.init(key: k1, row: nil), .init(key: k2, row: row)]) != nil)
    }

    /// A column of one long text repeated costs one copy of it in the columns, and its
    /// decoding spends every copy it builds: past the budget, decoding stops with an error
    /// rather than building it all (nodes are untrusted input).
    @Test func decodingStopsAtItsBudget() throws {
        let filler = Array(repeating: UInt8(ascii: "x"), count: 4_000)
        let entries = (0..<500).map { i in
            RowColumns.Entry(key: Self.key([.integer(Int64(i))]), row: Self.row([("filler", .text(filler))]))
        }
        let bytes = try #require(RowColumns.encode(entries))
        #expect(bytes.count < 8_000)
        var small = ExpansionBudget(bytes: 1 << 20)
        var reader = ByteReader(bytes, context: "test")
        #expect(throws: FormatError.self) { _ = try RowColumns.decode(entries.count, from: &reader, budget: &small) }
        var enough = ExpansionBudget(bytes: 8 << 20)
        reader = ByteReader(bytes, context: "test")
        #expect(try RowColumns.decode(entries.count, from: &reader, budget: &enough) == entries)
        #expect(enough.remaining < (8 << 20) - 2 * 500 * 4_000, "the texts and the rows were both spent")
    }

    /// Every single-byte change and every truncation of an encoding either fails to decode
    /// or decodes to something: never a crash (nodes are untrusted input).
    @Test func damagedEncodingsNeverCrash() {
        let entries = (0..<50).map { i in
            RowColumns.Entry(key: Self.key([.integer(Int64(i))]),
                             row: Self.row([("t", .text(Array("2026-01-0\(i % 9 + 1) 10:00:\(10 + i)".utf8))), ("n", .integer(Int64(i * i)))]))
        }
        guard let bytes = RowColumns.encode(entries) else {
            Issue.record("the leaf should encode")
            return
        }
        var rng = SplitMix64(seed: 4)
        for i in 0..<bytes.count {
            for _ in 0..<8 {
                var damaged = bytes
                damaged[i] = UInt8(truncatingIfNeeded: rng.next())
                var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(damaged, context: "test")
                _ = try? RowColumns.decode(entries.count, from: &reader, budget: &budget)
            }
            var budget = ExpansionBudget(bytes: 1 << 26)
        var reader = ByteReader(Array(bytes[..<i]), context: "test")
            #expect(throws: FormatError.self) { _ = try RowColumns.decode(entries.count, from: &reader, budget: &budget) }
        }
    }
}
