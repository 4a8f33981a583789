import AmberCore
@testable import AmberRepository
import Testing

@Suite("The master index's blob table")
struct BlobTableTests {
    static func id(_ n: Int, salt: UInt8 = 0) -> BlobID {
        var bytes = [UInt8](repeating: salt, count: 32)
        var x = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: x >> (8 * UInt64(k))); x = x &* 31 }
        bytes[31] = UInt8(truncatingIfNeeded: n)
        return BlobID(bytes: bytes)!
    }

    static func entry(_ n: Int) -> PackEntry {
        PackEntry(type: n % 2 == 0 ? .data : .tree, id: id(n), offset: UInt32(n), length: UInt32(n + 1), rawLength: UInt32(n + 2))
    }

    @Test(arguments: [0, 1, 17, 5000])
    func findsEveryInsertedBlobAndNothingElse(count: Int) {
        var table = BlobTable()
        let packs = (0..<7).map { Self.id($0, salt: 0xFF) }
        if count > 100 { table.reserveCapacity(count / 2) }  // then grows past the reservation
        for n in 0..<count {
            let added = table.insert(Self.entry(n), pack: packs[n % 7])
            #expect(added)
        }
        #expect(table.count == count)
        for n in 0..<count {
            #expect(table.lookup(Self.id(n)) == BlobLocation(pack: packs[n % 7], entry: Self.entry(n)))
        }
        for n in count..<count + 100 { #expect(!table.contains(Self.id(n))) }
        #expect(table.dictionary.count == count)
    }

    @Test func keepsTheFirstLocationOfADuplicate() {
        var table = BlobTable()
        let first = Self.id(1, salt: 0xFF), second = Self.id(2, salt: 0xFF)
        let added = table.insert(Self.entry(9), pack: first), addedAgain = table.insert(Self.entry(9), pack: second)
        #expect(added && !addedAgain)
        #expect(table.lookup(Self.id(9))?.pack == first)
        #expect(table.count == 1)
    }

    @Test func idsEqualInTheirLeadingWordStayApart() {
        // Same first 8 bytes: they hash to one slot and must be told apart by the whole id.
        var table = BlobTable()
        let pack = Self.id(0, salt: 0xFF)
        let ids = (0..<50).map { n -> BlobID in
            var bytes = [UInt8](repeating: 7, count: 32)
            bytes[31] = UInt8(n)
            return BlobID(bytes: bytes)!
        }
        for (n, id) in ids.enumerated() {
            table.insert(PackEntry(type: .data, id: id, offset: UInt32(n), length: 1, rawLength: 1), pack: pack)
        }
        for (n, id) in ids.enumerated() { #expect(table.lookup(id)?.entry.offset == UInt32(n)) }
    }
}
