// Fuzz target: the repository's own files decoded from untrusted bytes (docs/format.md): an
// index file (versions 1 and 2), the config, a key file (JSON, read before any key is known), a
// prune plan, a pack trailer, a decrypted pack header and a decrypted version 2 key payload. The first byte chooses the decoder, the rest is the file.
// Decoding may refuse but never crash; what decodes must survive a round trip: encoding it again
// and decoding that gives the same value.
//
// fuzz-modules: AmberCore AmberCrypto AmberCompression AmberChunking AmberStorage AmberRepository
import AmberCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import AmberRepository

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRepositoryFiles(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    writeSeedsIfAsked(seeds())
    guard let (first, file) = splitInput(data, count) else { return 0 }
    switch first % 7 {
    case 0:
        guard let index = try? IndexFile(decoding: file, what: "fuzz") else { return 0 }
        guard let again = try? IndexFile(decoding: index.encoded(), what: "again"),
              again.packs.map(\.pack) == index.packs.map(\.pack), again.packs.map(\.entries) == index.packs.map(\.entries),
              again.generations == index.generations
        else { fatalError("an index file does not survive encoding again") }
    case 1:
        guard let config = try? RepositoryConfig(decoding: file) else { return 0 }
        guard (try? RepositoryConfig(decoding: config.encoded())) == config else { fatalError("a config does not survive encoding again") }
    case 2:
        guard let key = try? KeyFile(decoding: file, what: "fuzz") else { return 0 }
        guard let again = try? KeyFile(decoding: key.encoded(), what: "again"), again.encoded() == key.encoded() else {
            fatalError("a key file does not survive encoding again")
        }
    case 3:
        guard let plan = try? PrunePlan(decoding: file, what: "fuzz") else { return 0 }
        guard (try? PrunePlan(decoding: plan.encoded(), what: "again")) == plan else { fatalError("a prune plan does not survive encoding again") }
    case 4:
        guard let (salt, length, _) = try? Pack.parseTrailer(file, what: "fuzz") else { return 0 }
        guard salt.count == 32, length >= 0 else { fatalError("a pack trailer parsed to a salt of \(salt.count) bytes, length \(length)") }
    case 6:
        guard let keys = KeyFile.keys(fromPayload: file) else { return 0 }
        guard KeyFile.keys(fromPayload: KeyFile.payload(keys)).map({ ($0.master, $0.dataKeys, $0.currentGeneration) })
                .map({ $0 == (keys.master, keys.dataKeys, keys.currentGeneration) }) == true else {
            fatalError("a version 2 key payload does not survive encoding again")
        }
    default:
        // A header of a pack whose blob area is given by the second byte (in KiB).
        guard let area = file.first else { return 0 }
        let blobArea = Int(area) << 10
        guard let entries = try? Pack.parseHeaderEntries(Array(file.dropFirst()), blobArea: blobArea, what: "fuzz") else { return 0 }
        for entry in entries where Int(entry.offset) + Int(entry.length) > blobArea {
            fatalError("a pack header entry lies outside the blob area")
        }
    }
    return 0
}

private func id(_ byte: UInt8) -> BlobID { BlobID(bytes: [UInt8](repeating: byte, count: BlobID.byteCount))! }

/// An index of two packs (and one with key generations), the default config, a key file, a prune
/// plan, a trailer, a header and a version 2 key payload.
private func seeds() -> [(String, [UInt8])] {
    let entries = [PackEntry(type: .data, id: id(1), offset: 0, length: 100, rawLength: 300),
                   PackEntry(type: .tree, id: id(2), offset: 100, length: 60, rawLength: 60)]
    let index = IndexFile(packs: [(id(3), entries), (id(4), [entries[0]])])
    let rotated = IndexFile(packs: [(id(3), entries), (id(4), [entries[0]])], generations: [id(4): 2])
    let keys = MasterKeys(master: [UInt8](repeating: 9, count: 32), dataKeys: [0: [UInt8](repeating: 1, count: 32), 3: [UInt8](repeating: 2, count: 32)],
                          current: 3)
    let key = #"{"version":1,"kdf":"scrypt","n":16384,"r":8,"p":1,"salt":"c2FsdHNhbHRzYWx0c2FsdA==","nonce":"bm9uY2Vub25jZW5v","data":"ZGF0YQ==","created":"2026-12-07T10:00:00Z"}"#
    var header = ByteWriter()
    header.u32(UInt32(entries.count))
    for entry in entries { entry.encode(into: &header) }
    let trailer = [UInt8](repeating: 7, count: 32) + [0, 0, 0, 90] + [1, 0, 0, 0] + Pack.magic
    return [("index", [0] + index.encoded()), ("index-generations", [0] + rotated.encoded()), ("key-payload", [6] + KeyFile.payload(keys)),
            ("config", [1] + RepositoryConfig.makeDefault().encoded()),
            ("key", [2] + Array(key.utf8)),
            ("prune-plan", [3] + PrunePlan(created: Date(timeIntervalSince1970: 1_800_000_000), indexFiles: [id(5)], packs: [id(3), id(4)]).encoded()),
            ("trailer", [4] + trailer), ("header", [5, 1] + header.bytes)]
}
