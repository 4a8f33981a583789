import AmberCore

/// The contents of one index file (`docs/format.md` §Index files): for each pack, its id and the
/// entries of its header. Payload: `version u8 = 1 ‖ packCount u32 ‖ (packID[32] ‖ count u32 ‖ PackEntry × count) × packCount`.
public struct IndexFile: Sendable {
    public var packs: [(pack: BlobID, entries: [PackEntry])]

    public init(packs: [(pack: BlobID, entries: [PackEntry])] = []) {
        self.packs = packs
    }

    public var blobCount: Int { packs.reduce(0) { $0 + $1.entries.count } }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 5 + packs.count * 36 + blobCount * PackEntry.encodedCount)
        w.u8(1)
        w.u32(UInt32(packs.count))
        for (pack, entries) in packs {
            w.id(pack)
            w.u32(UInt32(entries.count))
            for e in entries { e.encode(into: &w) }
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8], what: String) throws(RepositoryError) {
        var r = ByteReader(bytes, context: "index")
        do {
            let version = try r.u8()
            guard version == 1 else { throw FormatError(context: "index", reason: "unsupported version \(version)") }
            let packCount = Int(try r.u32())
            guard packCount <= r.remaining / 36 else { throw FormatError(context: "index", reason: "pack count \(packCount) exceeds file") }
            packs = []
            packs.reserveCapacity(packCount)
            for _ in 0..<packCount {
                let pack = try r.id()
                let count = Int(try r.u32())
                guard count <= r.remaining / PackEntry.encodedCount else { throw FormatError(context: "index", reason: "entry count exceeds file") }
                var entries = [PackEntry]()
                entries.reserveCapacity(count)
                for _ in 0..<count { entries.append(try PackEntry(from: &r)) }
                packs.append((pack, entries))
            }
            try r.expectEnd()
        } catch let error as FormatError {
            throw RepositoryError.damaged(what, error.reason)
        } catch {
            throw RepositoryError.damaged(what, "\(error)")
        }
    }
}
