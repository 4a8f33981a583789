// Fuzz target: manifest nodes decoded from untrusted bytes (docs/manifest-format.md §Nodes):
// version 1 leaves and internal nodes, columnar leaves of rows (§N.7) and of documents, as a
// tree blob, a base or a run holds them. Decoding may refuse but never crash nor outgrow its
// budget; what decodes must survive a round trip: the same entries (or children) written as a
// version 1 node decode to themselves, and a leaf that fits the columnar form comes back from it.
// A columnar leaf read flat (FlatLeaf, as cursors read it) gives the same entries.
//
// fuzz-modules: AmberCore AmberCrypto AmberCompression AmberChunking AmberStorage AmberDocuments AmberRepository AmberManifest
import AmberCore
import AmberDocuments
#if canImport(Glibc)
import Glibc
#endif
@testable import AmberManifest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifestNode(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    writeSeedsIfAsked(seeds())
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    // The flat form of a columnar leaf (what cursors read) accepts exactly what the node
    // decoder accepts as a leaf, with the same entries.
    let flat = try? ManifestNode.flatLeaf(decoding: bytes, what: "flat")
    if let flat = flat ?? nil {
        guard case .leaf(let entries)? = (try? ManifestNode(decoding: bytes, expectedLevel: 0, what: "fuzz"))?.body,
              entries == (0..<flat.count).map(flat.entry) else {
            fatalError("a flat leaf is not the leaf the node decoder reads")
        }
    } else if bytes.count > 1, bytes[1] == ManifestFormat.columnarVersion, (try? ManifestNode(decoding: bytes, expectedLevel: 0, what: "fuzz")) != nil {
        fatalError("the node decoder reads a columnar leaf the flat decoder refuses")
    }
    guard let node = try? ManifestNode(decoding: bytes, expectedLevel: nil, what: "fuzz") else { return 0 }
    switch node.body {
    case .leaf(let entries):
        var again = ManifestNode.header(level: 0, count: entries.count)
        again.append(contentsOf: ManifestNode.leafBody(entries))
        guard case .leaf(let back)? = (try? ManifestNode(decoding: again, expectedLevel: 0, what: "again"))?.body, back == entries else {
            fatalError("a leaf does not survive encoding again as version 1")
        }
        if let columnar = ManifestNode.columnarLeaf(entries) {
            guard case .leaf(let back)? = (try? ManifestNode(decoding: columnar, expectedLevel: 0, what: "columnar"))?.body, back == entries else {
                fatalError("a leaf does not survive the columnar form")
            }
        }
    case .internal(let children):
        var again = ManifestNode.header(level: node.level, count: children.count)
        var previous: [UInt8]? = nil
        for child in children {
            ManifestNode.encodeKey(child.lastKey, previous: previous, into: &again)
            child.id.append(to: &again)
            Varint.append(child.count, to: &again)
            Varint.append(child.valueBytes, to: &again)
            previous = child.lastKey
        }
        guard case .internal(let back)? = (try? ManifestNode(decoding: again, expectedLevel: node.level, what: "again"))?.body, back == children else {
            fatalError("an internal node does not survive encoding again")
        }
    }
    return 0
}

/// A version 1 leaf, a columnar leaf of rows, and an internal node.
private func seeds() -> [(String, [UInt8])] {
    let entries = (0..<30).map { i -> ManifestEntry in
        let row = DatabaseRow([.init("aid", .text(Array(String(i).utf8))), .init("abalance", .text(Array(String(i % 5 - 2).utf8))),
                               .init("filler", .text(Array(repeating: 32, count: 20)))])
        let value: ManifestValue = i == 7 ? .tombstone : .inline(row.encoded)
        return ManifestEntry(key: DocumentKey.composite([.integer(Int64(i))]).encoded, value: value)
    }
    let documents = (0..<10).map { i in ManifestEntry(key: Array("doc-\(i)".utf8), value: .inline(Array(#"{"id":"doc-\#(i)","n":\#(i)}"#.utf8))) }
    var node = ManifestNode.header(level: 1, count: 2)
    var previous: [UInt8]? = nil
    for (i, key) in [entries[14].key, entries[29].key].enumerated() {
        ManifestNode.encodeKey(key, previous: previous, into: &node)
        BlobID(bytes: [UInt8](repeating: UInt8(i + 1), count: BlobID.byteCount))!.append(to: &node)
        Varint.append(15, to: &node)
        Varint.append(900, to: &node)
        previous = key
    }
    return [("leaf", ManifestNode.header(level: 0, count: entries.count) + ManifestNode.leafBody(entries)),
            ("documents", ManifestNode.header(level: 0, count: documents.count) + ManifestNode.leafBody(documents)),
            ("columnar", ManifestNode.columnarLeaf(entries) ?? []), ("internal", node)]
}
