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

/// The frozen values.
enum Golden {
    static let splitKey = "?"
    static let hashLevel0: UInt32 = 0
    static let hashLevel1: UInt32 = 0
    static let hashEmptyKey: UInt32 = 0
    static let leafRoot = "?"
    static let tenThousandRoot = "?"
    static let tenThousandHeight = 0
    static let tenThousandNodes = 0
    static let emptyRoot = "?"
}
