// Fuzz target: what a snapshot points to, decoded from untrusted bytes (docs/format.md): a
// directory tree blob, a collection set blob, and a snapshot file's JSON. The first byte chooses
// the decoder, the rest is the blob. Decoding may refuse but never crash; what decodes must
// survive a round trip: encoding it again and decoding that gives the same value.
//
// fuzz-modules: AmberCore AmberCrypto AmberCompression AmberChunking AmberStorage AmberDocuments AmberRepository AmberManifest AmberSnapshot
import AmberCore
#if canImport(Glibc)
import Glibc
#endif
import AmberManifest
import Foundation
@testable import AmberSnapshot

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshotFiles(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    writeSeedsIfAsked(seeds())
    guard let (first, blob) = splitInput(data, count) else { return 0 }
    switch first % 3 {
    case 0:
        guard let tree = try? Tree(decoding: blob) else { return 0 }
        guard (try? Tree(decoding: tree.encoded())) == tree else { fatalError("a tree does not survive encoding again") }
    case 1:
        guard let set = try? CollectionSet(decoding: blob) else { return 0 }
        guard (try? CollectionSet(decoding: set.encoded())) == set else { fatalError("a collection set does not survive encoding again") }
    default:
        guard let snapshot = try? JSONDecoder().decode(Snapshot.self, from: Data(blob)) else { return 0 }
        guard let text = try? JSONEncoder().encode(snapshot), (try? JSONDecoder().decode(Snapshot.self, from: text)) == snapshot else {
            fatalError("a snapshot does not survive encoding again")
        }
    }
    return 0
}

/// A tree of a file, a directory and a link; a collection set; a snapshot.
private func seeds() -> [(String, [UInt8])] {
    let id = BlobID(bytes: [UInt8](repeating: 9, count: BlobID.byteCount))!
    let tree = Tree(nodes: [Node(name: Array("a.txt".utf8), kind: .file, mode: 0o644, uid: 1000, gid: 1000, mtimeSeconds: 1_800_000_000, mtimeNanoseconds: 5, size: 12),
                            Node(name: Array("dir".utf8), kind: .directory, mode: 0o755, uid: 0, gid: 0, mtimeSeconds: 1_700_000_000, mtimeNanoseconds: 0, size: 0),
                            Node(name: Array("link".utf8), kind: .symlink, mode: 0o777, uid: 0, gid: 0, mtimeSeconds: 1, mtimeNanoseconds: 0, size: 5)])
    let set = CollectionSet(engine: .postgresql, schema: Array("CREATE TABLE t (id int primary key);".utf8),
                            collections: [.init(name: Array("public.t".utf8), root: ManifestRoot(id: id, count: 3, valueBytes: 90, height: 1))])
    let snapshot = Snapshot(time: "2026-12-07T10:00:00Z", host: "host", username: "user", tags: ["daily"], sources: ["/home"], tree: id,
                            parent: nil, program: "amber 0.1.0", stats: .init(documents: 3, bytes: 100))
    return [("tree", [0] + tree.encoded()), ("collection-set", [1] + set.encoded()),
            ("snapshot", [2] + Array((try? JSONEncoder().encode(snapshot)) ?? Data()))]
}
