import AmberCore

/// The contents of one index file (`docs/format.md` §Index files): for each pack, its id, its key
/// generation and the entries of its header. Payload, version 1 (every pack of generation 0):
/// `1 u8 ‖ packCount u32 ‖ (packID[32] ‖ count u32 ‖ PackEntry × count) × packCount`; version 2:
/// `2 u8 ‖ packCount u32 ‖ (packID[32] ‖ generation u16 ‖ count u32 ‖ PackEntry × count) × packCount`.
public struct IndexFile: Sendable {
    public var packs: [(pack: BlobID, entries: [PackEntry])]
    /// The key generation of each pack not of generation 0.
    public var generations: [BlobID: UInt16]

    public init(packs: [(pack: BlobID, entries: [PackEntry])] = [], generations: [BlobID: UInt16] = [:]) {
        self.packs = packs
        let listed = Set(packs.map(\.pack))
        self.generations = generations.filter { $0.value != 0 && listed.contains($0.key) }
    }

    public var blobCount: Int { packs.reduce(0) { $0 + $1.entries.count } }

    public func encoded() -> [UInt8] {
        let version: UInt8 = generations.isEmpty ? 1 : 2
        var w = ByteWriter(capacity: 5 + packs.count * 38 + blobCount * PackEntry.encodedCount)
        w.u8(version)
        w.u32(UInt32(packs.count))
        for (pack, entries) in packs {
            w.id(pack)
            if version == 2 { w.u16(generations[pack] ?? 0) }
            w.u32(UInt32(entries.count))
            for e in entries { e.encode(into: &w) }
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8], what: String) throws(RepositoryError) {
        var r = ByteReader(bytes, context: "index")
        do {
            let version = try r.u8()
            guard version == 1 || version == 2 else { throw FormatError(context: "index", reason: "unsupported version \(version)") }
            let packCount = Int(try r.u32())
            guard packCount <= r.remaining / (version == 1 ? 36 : 38) else {
                throw FormatError(context: "index", reason: "pack count \(packCount) exceeds file")
            }
            packs = []
            packs.reserveCapacity(packCount)
            generations = [:]
            for _ in 0..<packCount {
                let pack = try r.id()
                let generation = version == 2 ? try r.u16() : 0
                if generation != 0 { generations[pack] = generation }
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
