import AmberCore
import AmberDocuments
@testable import AmberManifest
import Testing

/// A columnar leaf is stored only when every reader gets its entries back exactly: the cheap check
/// before storing (the streams read back, ``RowColumns/encode(_:checkingWithin:)``) is judged by
/// the reader itself (``ManifestNode/init(decoding:expectedLevel:what:)``), on leaves of every kind of
/// value: nulls, integers at the edges, reals with -0 and NaN payloads, texts that look like numbers,
/// decimals, signed values and shapes, blobs, key references, tombstones.
@Suite struct ColumnarLeafCheckTests {
    private static func value(_ rng: inout SeededRandom) -> DatabaseValue {
        switch rng.next() % 9 {
        case 0: return .null
        case 1: return .integer([0, 1, -1, .max, .min, Int64(bitPattern: rng.next())][Int(rng.next() % 6)])
        case 2: return .real([0.0, -0.0, .nan, Double(bitPattern: 0x7FF8_0000_0000_0001), .infinity, 1.5e300,
                              Double(bitPattern: rng.next())][Int(rng.next() % 7)])
        case 3: return .text(Array(String(Int64(bitPattern: rng.next()) % 100_000).utf8))
        case 4: return .text(Array(["-0", "00", "0.10", "-12.5", "1e5", "12.", ".5", "+3", "-", ""][Int(rng.next() % 10)].utf8))
        case 5: return .text(Array("2026-12-0\(rng.next() % 9 + 1) 12:\(rng.next() % 50 + 10):00.\(rng.next() % 999)".utf8))
        case 6: return .text((0..<Int(rng.next() % 12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        case 7: return .blob((0..<Int(rng.next() % 8)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        default: return .text(Array(repeating: UInt8(ascii: " "), count: Int(rng.next() % 90)))
        }
    }

    private static func entries(_ count: Int, _ rng: inout SeededRandom) -> [ManifestEntry] {
        let names = ["id", "a", "b", "c"]
        var entries = [ManifestEntry]()
        for i in 0..<count {
            let key = DocumentKey.composite([.integer(Int64(i * 3)), value(&rng)])
            if rng.next() % 10 == 0 {
                entries.append(ManifestEntry(key: key.encoded, value: .tombstone))
                continue
            }
            // The first column repeats the key's first value: a key reference in the row.
            let row = DatabaseRow([.init(names[0], .integer(Int64(i * 3)))] + names.dropFirst().map { .init($0, value(&rng)) })
            entries.append(ManifestEntry(key: key.encoded, value: .inline(row.encoded(sharingValuesWith: key))))
        }
        return entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }.reduce(into: []) { unique, entry in
            if unique.last?.key != entry.key { unique.append(entry) }
        }
    }

    @Test func everyStoredLeafReadsBackExactly() throws {
        var rng = SeededRandom(seed: 13)
        var stored = 0
        for round in 0..<300 {
            let entries = Self.entries(Int(rng.next() % 200) + 1, &rng)
            guard let bytes = ManifestNode.columnarLeaf(entries) else { continue }
            stored += 1
            let node = try ManifestNode(decoding: bytes, expectedLevel: 0, what: "leaf \(round)")
            guard case .leaf(let read) = node.body else {
                Issue.record("round \(round): not a leaf")
                continue
            }
            #expect(read == entries, "round \(round)")
        }
        #expect(stored > 250)
    }

    /// Leaves the columnar form cannot hold exactly are refused (the builder then stores them row
    /// by row): a row that is not canonical, with trailing bytes or another column order.
    @Test func nonCanonicalRowsAreRefused() {
        let key = DocumentKey.composite([.integer(1)]).encoded
        let row = DatabaseRow([.init("a", .integer(5))]).encoded
        #expect(ManifestNode.columnarLeaf([ManifestEntry(key: key, value: .inline(row))]) != nil)
        #expect(ManifestNode.columnarLeaf([ManifestEntry(key: key, value: .inline(row + [0]))]) == nil)
        // The integer 5 as a two-byte LEB128 (0x8A 0x00): the same value, not the canonical bytes.
        var long = row
        long.removeLast()
        long += [0x8A, 0x00]
        #expect(ManifestNode.columnarLeaf([ManifestEntry(key: key, value: .inline(long))]) == nil)
    }
}
