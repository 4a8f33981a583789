import AmberCore
import AmberManifest
import AmberSnapshot
import Testing

/// Collection sets have one encoding: version 3 when a manifest has a packed base; before packed
/// bases, version 1 when every manifest is compact, 2 otherwise.
@Suite("Collection sets")
struct CollectionSetTests {
    private func root(_ byte: UInt8, count: UInt64) -> ManifestRoot {
        ManifestRoot(id: BlobID(bytes: [UInt8](repeating: byte, count: 32))!, count: count, valueBytes: count * 10, height: 2)
    }

    @Test func versionFollowsTheManifests() throws {
        let compact = CollectionManifest(compact: root(1, count: 100))
        let layered = CollectionManifest(canonical: root(2, count: 101), base: root(1, count: 100), runs: [root(3, count: 1)],
                                         hasPackedBase: false)
        let packed = CollectionManifest(canonical: root(2, count: 101), base: root(4, count: 100), runs: [root(3, count: 1)],
                                        tiers: [2], hasPackedBase: true)
        let v3 = CollectionSet(engine: .json, schema: Array("{}".utf8), collections: [.init(name: Array("c".utf8), manifest: packed)])
        #expect(v3.encoded()[1] == 3)
        #expect(try CollectionSet(decoding: v3.encoded()) == v3)
        let v1 = CollectionSet(engine: .json, schema: Array("{}".utf8), collections: [.init(name: Array("a".utf8), manifest: compact)])
        let v2 = CollectionSet(engine: .json, schema: Array("{}".utf8), collections: [
            .init(name: Array("a".utf8), manifest: compact), .init(name: Array("b".utf8), manifest: layered),
        ])
        #expect(v1.encoded()[1] == 1)
        #expect(v2.encoded()[1] == 2)
        #expect(try CollectionSet(decoding: v1.encoded()) == v1)
        #expect(try CollectionSet(decoding: v2.encoded()) == v2)
        #expect(try CollectionSet(decoding: v2.encoded()).collection(named: "b")?.manifest.runs.count == 1)

        // The same compact set written as version 2 (each manifest with a zero run count) is refused.
        var forged: [UInt8] = [0x43, 2, CollectionSet.Engine.json.rawValue]
        forged += [2, 0, 0, 0] + Array("{}".utf8) + [1, 0, 0, 0] + [1, 0] + Array("a".utf8)
        forged += compact.encodedVersion2()
        #expect(throws: FormatError.self) { _ = try CollectionSet(decoding: forged) }
        var asVersion1 = forged
        asVersion1[1] = 1
        asVersion1.removeLast()  // version 1 has no run count
        #expect(try CollectionSet(decoding: asVersion1) == v1)
    }
}
