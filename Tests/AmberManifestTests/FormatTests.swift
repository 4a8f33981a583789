import AmberCore
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("Node decoding rejects malformed and non-canonical nodes")
struct FormatTests {
    static let valid: [UInt8] = [0x4d, 1, 0, 2, 0, 1, 0x61, 0, 1, 0x78, 0, 1, 0x62, 0, 0]

    @Test func validNodeDecodes() throws {
        let node = try ManifestNode(decoding: Self.valid, expectedLevel: 0, what: "node")
        guard case .leaf(let entries) = node.body else { Issue.record("not a leaf"); return }
        #expect(entries.map(\.key) == [[0x61], [0x62]])
    }

    @Test(arguments: [
        ("wrong magic", [0x01, 1, 0, 0]),
        ("wrong version", [0x4d, 2, 0, 0]),
        ("trailing byte", [0x4d, 1, 0, 0, 0]),
        ("truncated", Array(valid.dropLast())),
        ("keys not increasing", [0x4d, 1, 0, 2, 0, 1, 0x62, 0, 0, 0, 1, 0x61, 0, 0]),
        ("duplicate key", [0x4d, 1, 0, 2, 0, 1, 0x61, 0, 0, 0, 1, 0x61, 0, 0]),
        ("shared prefix not longest", [0x4d, 1, 0, 2, 0, 2, 0x61, 0x62, 0, 0, 0, 2, 0x61, 0x63, 0, 0]),
        ("non-canonical varint", [0x4d, 1, 0, 0x81, 0x00, 0, 1, 0x61, 0, 0]),
        ("unknown value tag", [0x4d, 1, 0, 1, 0, 1, 0x61, 9, 0]),
        ("long inline value", [0x4d, 1, 0, 1, 0, 1, 0x61, 0, 0x81, 0x20] + Array(repeating: 0, count: 4097)),
        ("short chunked value", [0x4d, 1, 0, 1, 0, 1, 0x61, 1, 0x10, 1] + Array(repeating: 0, count: 32)),
        ("internal without children", [0x4d, 1, 1, 0]),
    ] as [(String, [UInt8])])
    func rejected(name: String, bytes: [UInt8]) {
        #expect(throws: FormatError.self, "\(name)") { try ManifestNode(decoding: bytes, expectedLevel: nil, what: "node") }
    }

    @Test func wrongLevelIsRejected() {
        #expect(throws: FormatError.self) { try ManifestNode(decoding: Self.valid, expectedLevel: 1, what: "node") }
    }

    @Test func varintRoundTrip() throws {
        for v: UInt64 in [0, 1, 127, 128, 300, 1 << 32, UInt64.max] {
            var buffer = [UInt8]()
            Varint.append(v, to: &buffer)
            #expect(buffer.count == Varint.count(v))
            var r = ByteReader(buffer, context: "varint")
            #expect(try r.varint() == v)
            #expect(r.isAtEnd)
        }
        var overflow = ByteReader(Array(repeating: 0xff, count: 10) + [1], context: "varint")
        #expect(throws: FormatError.self) { try overflow.varint() }
    }

    @Test func rootRoundTrip() throws {
        let root = ManifestRoot(id: BlobID(bytes: Array(0..<32))!, count: 1_000_000, valueBytes: 1 << 40, height: 7)
        var r = ByteReader(root.encoded(), context: "root")
        #expect(try ManifestRoot(from: &r) == root)
        #expect(r.isAtEnd)
        var bad = ByteReader(Array(root.encoded().dropLast()) + [0], context: "root")
        #expect(throws: FormatError.self) { try ManifestRoot(from: &bad) }
    }

    /// A missing node in the repository surfaces as a `.damaged` manifest error.
    @Test func missingNodeIsAnError() throws {
        let repository = makeRepository()
        let root = ManifestRoot(id: BlobID(bytes: Array(repeating: 1, count: 32))!, count: 0, valueBytes: 0, height: 1)
        let error = #expect(throws: ManifestError.self) { try ManifestReader(repository: repository, root: root).get([1]) }
        #expect(error?.code == .repository)
        #expect(error?.repositoryError?.code == .missingBlob)
    }
}
