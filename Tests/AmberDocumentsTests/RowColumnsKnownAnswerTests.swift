import AmberCore
@testable import AmberDocuments
import AmberTesting
import Testing

/// The columnar encoding is part of the format (node ids are keyed hashes of its bytes): these
/// leaves, generated deterministically, must encode to exactly the bytes they always have. The
/// expected digests were computed by the first implementation of ``RowColumns``.
@Suite("Leaves of database rows encode to fixed bytes")
struct RowColumnsKnownAnswerTests {
    /// Every text column mode, keys of every value type, key references, tombstones, reals with
    /// a negative zero, infinities and NaN payloads: one digest over all the encodings.
    @Test func encodingsAreUnchanged() throws {
        var digest = FNV1a()
        var total = 0
        for (index, profile) in Self.profiles.enumerated() {
            var rng = SplitMix64(seed: UInt64(index) + 1)
            let entries = Self.leaf(profile, count: index % 3 == 0 ? 1 + index : 300 + 37 * index, rng: &rng)
            let bytes = try #require(RowColumns.encode(entries), "profile \(index)")
            var budget = ExpansionBudget(bytes: 1 << 26)
            var reader = ByteReader(bytes, context: "test")
            #expect(try RowColumns.decode(entries.count, from: &reader, budget: &budget) == entries, "profile \(index)")
            digest.add(bytes)
            total += bytes.count
        }
        #expect(total == 95_698)
        #expect(digest.value == 15_782_681_686_701_733_885)
    }

    /// What each row column of a leaf holds.
    enum Kind: CaseIterable {
        case integer, real, decimalText, dateText, timestampText, signedDecimalText, fixedScaleText
        case plainText, blob, nullOrInteger, keyCopy, mixed
    }

    /// Column kinds of the generated leaves: each mode alone, then all together.
    static let profiles: [[Kind]] = Kind.allCases.map { [$0] } + [
        Kind.allCases, [.decimalText, .signedDecimalText, .timestampText, .plainText],
        [.keyCopy, .keyCopy, .real], [.timestampText, .fixedScaleText, .dateText, .blob, .nullOrInteger],
    ]

    /// `count` entries under composite keys (an integer, then a text, a null, a real or a blob
    /// by position), sorted and distinct, about one in nine a tombstone.
    static func leaf(_ kinds: [Kind], count: Int, rng: inout SplitMix64) -> [RowColumns.Entry] {
        var entries = [[UInt8]: [UInt8]?]()
        var id = Int64(rng.next() % 1_000) - 500
        while entries.count < count {
            id += Int64(1 + rng.next() % 3)
            let second: DatabaseValue = switch rng.next() % 4 {
            case 0: .text(Self.bytes(&rng, alphabet: Array("ab\u{0}z".utf8)))
            case 1: .null
            case 2: .real(Double(Int64(rng.next() % 2_000) - 1_000) / 8)
            default: .blob(Self.bytes(&rng, alphabet: [0, 1, 0xFF]))
            }
            let keyValues: [DatabaseValue] = [.integer(id), second]
            let key = DocumentKey.composite(keyValues)
            guard rng.next() % 9 != 0 else {
                entries[key.encoded] = .some(nil)
                continue
            }
            let columns = kinds.enumerated().map { position, kind in
                DatabaseRow.Column("c\(position)", Self.value(kind, keyValues: keyValues, rng: &rng))
            }
            entries[key.encoded] = DatabaseRow(columns).encoded(sharingValuesWith: rng.next() % 2 == 0 ? key : nil)
        }
        return entries.map { RowColumns.Entry(key: $0.key, row: $0.value) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    static func value(_ kind: Kind, keyValues: [DatabaseValue], rng: inout SplitMix64) -> DatabaseValue {
        let n = rng.next()
        switch kind {
        case .integer: return .integer(n % 5 == 0 ? Int64(bitPattern: n) : Int64(n % 10_000))
        case .real:
            let specials: [Double] = [-0.0, 0, .infinity, -.infinity, Double(bitPattern: 0x7FF8_0000_0000_1234), .nan, 1e-300]
            return .real(n % 3 == 0 ? specials[Int(n / 3 % 7)] : Double(Int64(n % 100_000) - 50_000) / 64)
        case .decimalText: return .text(Array(String(Int64(n % 2_000_000) - 1_000_000).utf8))
        case .dateText: return .text(Array("20\(10 + n % 20)-0\(1 + n / 7 % 9)-\(10 + n / 11 % 18)".utf8))
        case .timestampText:
            let fraction = n % 4 == 0 ? "" : "." + String(String(n / 13 % 999_999 + 1).reversed().drop(while: { $0 == "0" }).reversed())
            return .text(Array("2026-11-25 17:\(10 + n % 50):0\(n / 3 % 10)\(fraction)+00".utf8))
        case .signedDecimalText:
            let whole = Int64(n % 20_000) - 10_000
            let fraction = n / 5 % 3 == 0 ? "" : ".\(n / 7 % 9 + 1)"
            return .text(Array("\(whole)\(fraction)".utf8))
        case .fixedScaleText: return .text(Array("\(n % 2 == 0 ? "-" : "")\(n / 3 % 1_000).\(n / 5 % 10)0".utf8))
        case .plainText: return .text(Self.bytes(&rng, alphabet: Array("é x0\u{0}9-.".utf8)))
        case .blob: return .blob(Self.bytes(&rng, alphabet: [0, 7, 0x80, 0xFF]))
        case .nullOrInteger: return n % 3 == 0 ? .null : .integer(Int64(n % 77))
        case .keyCopy: return keyValues[Int(n % 2)]
        case .mixed:
            let kinds: [Kind] = [.integer, .real, .decimalText, .plainText, .blob, .nullOrInteger]
            return value(kinds[Int(n % 6)], keyValues: keyValues, rng: &rng)
        }
    }

    static func bytes(_ rng: inout SplitMix64, alphabet: [UInt8]) -> [UInt8] {
        (0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
    }

    /// A 64-bit FNV-1a digest of a sequence of byte strings, each preceded by its length.
    struct FNV1a {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

        mutating func add(_ bytes: [UInt8]) {
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { for b in $0 { mix(b) } }
            for b in bytes { mix(b) }
        }

        private mutating func mix(_ b: UInt8) {
            value = (value ^ UInt64(b)) &* 0x100_0000_01b3
        }
    }
}
