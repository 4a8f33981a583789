import AmberCore
import Foundation

/// A prune plan (`docs/format.md` §Prune): the packs and index files a prune has made obsolete
/// and will delete in its second phase. Sealed file type 5, saved under `plans/`.
///
/// Payload: `version u8 = 1 ‖ created i64 (Unix time, ns) ‖ indexCount u32 ‖ indexName[32] × indexCount ‖
/// packCount u32 ‖ packID[32] × packCount`.
///
/// While a plan exists, readers load it before any index file and treat blobs found only in its
/// packs as absent, so no backup that starts after the plan can come to depend on them.
public struct PrunePlan: Sendable, Equatable {
    public var created: Date
    /// Index files to delete (their contents are rewritten in index files the plan does not name).
    public var indexFiles: [BlobID]
    /// Packs to delete.
    public var packs: [BlobID]

    public init(created: Date, indexFiles: [BlobID], packs: [BlobID]) {
        self.created = created
        self.indexFiles = indexFiles
        self.packs = packs
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 17 + 32 * (indexFiles.count + packs.count))
        w.u8(1)
        w.i64(Self.nanoseconds(created))
        w.u32(UInt32(indexFiles.count))
        for id in indexFiles { w.id(id) }
        w.u32(UInt32(packs.count))
        for id in packs { w.id(id) }
        return w.bytes
    }

    /// `date` in nanoseconds since 1970, clamped to what an i64 holds: a plan read from a damaged
    /// file may hold any i64, which a `Date` (a Double of seconds) brings back only roughly,
    /// and the extremes would not convert back (a trap the fuzzer found).
    static func nanoseconds(_ date: Date) -> Int64 {
        let ns = (date.timeIntervalSince1970 * 1_000_000_000).rounded()
        guard !ns.isNaN else { return 0 }
        if ns >= 0x1p63 { return .max }
        if ns < -0x1p63 { return .min }
        return Int64(ns)
    }

    public init(decoding bytes: [UInt8], what: String) throws(RepositoryError) {
        var r = ByteReader(bytes, context: "prune plan")
        do throws(FormatError) {
            let version = try r.u8()
            guard version == 1 else { throw FormatError(context: "prune plan", reason: "unsupported version \(version)") }
            created = Date(timeIntervalSince1970: Double(try r.i64()) / 1_000_000_000)
            let indexCount = Int(try r.u32())
            guard indexCount <= r.remaining / 32 else { throw FormatError(context: "prune plan", reason: "count exceeds file") }
            indexFiles = try (0..<indexCount).map { _ throws(FormatError) in try r.id() }
            let packCount = Int(try r.u32())
            guard packCount <= r.remaining / 32 else { throw FormatError(context: "prune plan", reason: "count exceeds file") }
            packs = try (0..<packCount).map { _ throws(FormatError) in try r.id() }
            try r.expectEnd()
        } catch {
            throw RepositoryError.damaged(what, error.reason)
        }
    }
}
