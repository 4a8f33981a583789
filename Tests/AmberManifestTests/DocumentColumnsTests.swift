import AmberCore
import AmberDocuments
@testable import AmberManifest
import Testing

/// Document-column leaves (§N.9) give back every entry exactly, judged by the node reader, for
/// canonical JSON documents and for bytes that only look like JSON; what the form cannot hold is
/// refused, and a damaged leaf is an error, not a wrong document.
@Suite struct DocumentColumnsTests {
    private static let shapes = [
        #"{"_id":%,"name":%,"tags":[%,%],"geo":{"lat":%,"lon":%},"ok":%}"#,
        #"{"_id":%,"name":%,"tags":[],"n":null}"#,
        #"{"_id":%,"events":[{"at":%,"type":%},{"at":%,"type":%}]}"#,
    ]
    private static let scalars = [#""x""#, #""a \"quoted\" \\ value: {}[],""#, "12", "-0.5", "1e+30", "true", "false",
                                  "null", #""""#, #""名前 ✓""#, #""key:""#, "0"]

    private static func entries(_ count: Int, _ rng: inout SeededRandom) -> [ManifestEntry] {
        var entries = [ManifestEntry]()
        for i in 0..<count {
            let key = DocumentKey.number(JSONNumber(Int64(i * 7))).encoded
            switch rng.next() % 12 {
            case 0:
                entries.append(ManifestEntry(key: key, value: .tombstone))
            case 1:  // bytes that start like an object but are not JSON
                let junk = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next() % 0x7F + 2) }
                entries.append(ManifestEntry(key: key, value: .inline(Array("{".utf8) + junk.filter { $0 != 0x0A && $0 != 0x22 })))
            default:
                let shape = shapes[Int(rng.next() % UInt64(shapes.count))]
                let text = shape.split(separator: "%", omittingEmptySubsequences: false).enumerated().map { k, part in
                    (k == 0 ? "" : scalars[Int(rng.next() % UInt64(scalars.count))]) + part
                }.joined()
                entries.append(ManifestEntry(key: key, value: .inline(Array(text.utf8))))
            }
        }
        return entries
    }

    @Test func everyLeafReadsBackExactly() throws {
        var rng = SeededRandom(seed: 85)
        for round in 0..<200 {
            let entries = Self.entries(Int(rng.next() % 300) + 1, &rng)
            let (bytes, level) = ManifestNode.packedLeaf(entries, nodeLevel: 9)
            guard entries.contains(where: { if case .inline = $0.value { true } else { false } }) else { continue }
            #expect(bytes[1] == ManifestFormat.documentColumnsVersion, "round \(round)")
            #expect(level == ManifestFormat.documentColumnsLevel)
            let node = try ManifestNode(decoding: bytes, expectedLevel: 0, what: "leaf \(round)")
            guard case .leaf(let read) = node.body else {
                Issue.record("round \(round): not a leaf")
                continue
            }
            #expect(read == entries, "round \(round)")
        }
    }

    @Test func valuesTheFormCannotHoldKeepVersion1() {
        let key = DocumentKey.number(JSONNumber(Int64(1))).encoded
        for value in [#"{"a":"line"# + "\n" + #"break"}"#, "{\"a\":\u{01}}", #"{"a":"unterminated}"#, #"["not","an","object"]"#] {
            let (bytes, _) = ManifestNode.packedLeaf([ManifestEntry(key: key, value: .inline(Array(value.utf8)))], nodeLevel: nil)
            #expect(bytes[1] == ManifestFormat.version, "\(value)")
        }
        let chunked = ManifestEntry(key: key, value: .chunked(length: 5, chunks: [BlobID(bytes: [UInt8](repeating: 1, count: 32))!]))
        #expect(DocumentColumns.encode([chunked]) == nil)
    }

    @Test func damagedLeavesAreErrors() throws {
        var rng = SeededRandom(seed: 3)
        let entries = Self.entries(50, &rng).filter { if case .inline = $0.value { true } else { false } }
        let (bytes, _) = ManifestNode.packedLeaf(entries, nodeLevel: nil)
        #expect(throws: FormatError.self) { try ManifestNode(decoding: Array(bytes.dropLast()), expectedLevel: 0, what: "truncated") }
        #expect(throws: FormatError.self) { try ManifestNode(decoding: bytes + [0x41, 0x0A], expectedLevel: 0, what: "extra") }
        // A template no entry uses: every byte must be used.
        var unused = ManifestNode.header(level: 0, count: 1, version: ManifestFormat.documentColumnsVersion)
        unused += [2, 6] + Array("{\"a\":".utf8) + [0x01, 2] + Array("{}".utf8)
        ManifestNode.encodeKey([0x01, 0x02], previous: nil, into: &unused)
        let used = unused + [1] + Array("1\n".utf8)
        #expect(throws: FormatError.self) { try ManifestNode(decoding: used, expectedLevel: 0, what: "unused template") }
        var oneTemplate = ManifestNode.header(level: 0, count: 1, version: ManifestFormat.documentColumnsVersion)
        oneTemplate += [1, 6] + Array("{\"a\":".utf8) + [0x01]
        ManifestNode.encodeKey([0x01, 0x02], previous: nil, into: &oneTemplate)
        let node = try ManifestNode(decoding: oneTemplate + [1] + Array("1\n".utf8), expectedLevel: 0, what: "one template")
        guard case .leaf(let read) = node.body else { Issue.record("not a leaf"); return }
        #expect(read == [ManifestEntry(key: [0x01, 0x02], value: .inline(Array("{\"a\":1".utf8)))])
        var internalNode = bytes
        internalNode[2] = 1
        #expect(throws: FormatError.self) { try ManifestNode(decoding: internalNode, expectedLevel: nil, what: "level") }
    }
}
