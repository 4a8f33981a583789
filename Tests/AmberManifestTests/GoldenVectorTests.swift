import AmberCore
import AmberCrypto
@testable import AmberManifest
@testable import AmberRepository
import Testing

/// Frozen outputs under the test master secret 00 01 … 1f (`docs/manifest-format.md` §Golden
/// vectors). A change here is a format change: every existing manifest would get new node ids.
@Suite("Manifest golden vectors")
struct GoldenVectorTests {
    /// The split key and the boundary hash of two keys at levels 0 and 1.
    @Test func splitHash() {
        let splitKey = BoundaryRule.splitKey(master: testMaster)
        #expect(Hex.encode(splitKey) == Golden.splitKey)
        var rule = BoundaryRule(splitKey: splitKey)
        #expect(rule.hash(level: 0, key: Array("k00000000".utf8)) == Golden.hashLevel0)
        #expect(rule.hash(level: 1, key: Array("k00000000".utf8)) == Golden.hashLevel1)
        #expect(rule.hash(level: 0, key: []) == Golden.hashEmptyKey)
    }

    /// A three-entry leaf, byte for byte: header, prefix-compressed keys, an inline and a chunked value.
    @Test func leafEncoding() throws {
        let repository = makeRepository()
        let writer = BlobWriter(repository: repository)
        let builder = ManifestBuilder(repository: repository, writer: writer)
        try builder.append(key: Array("ab".utf8), value: Array("x".utf8))
        try builder.append(key: Array("abc".utf8), value: [])
        try builder.append(key: Array("b".utf8), value: Array(repeating: 7, count: ManifestFormat.inlineLimit + 1))
        let root = try builder.finish()
        _ = try writer.finish()
        let bytes = try repository.loadBlob(root.id, type: .tree)
        let chunk = repository.makeIDHasher(for: .data).id(Array(repeating: 7, count: ManifestFormat.inlineLimit + 1))
        let expected = "4d" + "01" + "00" + "03"                 // magic, version, level 0, 3 entries
            + "00" + "02" + "6162" + "00" + "01" + "78"          // "ab" = inline "x"
            + "02" + "01" + "63" + "00" + "00"                   // shared 2, "c"; inline empty
            + "00" + "01" + "62" + "01" + "8120" + "01" + chunk.hex  // "b" = chunked 4097 bytes, 1 chunk
        #expect(Hex.encode(bytes) == expected)
        #expect(root.height == 1 && root.count == 3 && root.valueBytes == 4098)
        #expect(root.id.hex == Golden.leafRoot)
    }

    /// 10,000 fixed entries: the root id, height and node count.
    @Test func fixedSetRoot() throws {
        let repository = makeRepository()
        var map = [[UInt8]: [UInt8]]()
        for i in 0..<10_000 { map[key(i)] = Array("{\"n\":\(i),\"s\":\"\(String(repeating: "x", count: i % 97))\"}".utf8) }
        let (root, written) = try buildWithStatistics(repository, entries(map))
        #expect(root.id.hex == Golden.tenThousandRoot)
        #expect(root.height == Golden.tenThousandHeight)
        #expect(written.blobs == Golden.tenThousandNodes)
        #expect(try build(makeRepository(), []).id.hex == Golden.emptyRoot)
    }
}

/// The frozen values. The split key, hashes and empty root were checked independently with Python's
/// `hmac`/`hashlib` (HKDF written out per RFC 5869).
enum Golden {
    static let splitKey = "126d34e99655687013a0317ca0c7402e671e6eb542a7868d839338ccfbfc9265"
    static let hashLevel0: UInt32 = 2_972_240_499
    static let hashLevel1: UInt32 = 1_814_448_301
    static let hashEmptyKey: UInt32 = 2_349_396_588
    static let leafRoot = "6413ba950cf79044f3d40b4132884d1662f6297343c43c09e2c00cacc340b1ae"
    static let tenThousandRoot = "36650da810c69fc26762ffb88bed6add9bad1f4bc301c12edd487aa6e2a9bc8d"
    static let tenThousandHeight = 4
    static let tenThousandNodes = 520
    static let emptyRoot = "fb9da9a9ad3f18a8c3da7a8a28aee02eec2a6dce87ea0bc4b072223db8536bda"
}
