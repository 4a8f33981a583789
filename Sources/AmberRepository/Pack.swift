import AmberCore
import AmberCrypto

/// The pack file format (`docs/format.md` §Packs):
///
///     Pack    := Envelope_1 ‖ … ‖ Envelope_n ‖ Header ‖ Trailer
///     Header  := envelope of (count u32 ‖ PackEntry × count), key from `"amber pack" ‖ salt`, aad = salt ‖ version
///     Trailer := salt[32] ‖ headerLength u32 ‖ version u8 = 1 ‖ generation u16 ‖ reserved u8 = 0 ‖ "AMBRPACK"
///
/// Every envelope and the header are sealed under the data key of the trailer's key generation.
///
/// A pack's name is the SHA-256 of its bytes, so it can be verified without the key. Its header
/// lists every blob, so the index can always be rebuilt from packs alone.
public enum Pack {
    public static let trailerCount = 48
    static let magic: [UInt8] = Array("AMBRPACK".utf8)

    /// Builds the header and trailer for `entries` and appends them to `body`.
    static func finish(_ body: inout [UInt8], entries: [PackEntry], sealer: Sealer) throws(RepositoryError) {
        var w = ByteWriter(capacity: 4 + entries.count * PackEntry.encodedCount)
        w.u32(UInt32(entries.count))
        for e in entries { e.encode(into: &w) }
        let salt = SecureRandom.bytes(32)
        let header = try sealer.seal(w.bytes, key: sealer.fileKey(purpose: "pack", salt: salt), aad: salt + [1])
        body.append(contentsOf: header)
        var t = ByteWriter(capacity: trailerCount)
        t.raw(salt)
        t.u32(UInt32(header.count))
        t.u8(1)
        t.u16(sealer.currentGeneration)
        t.u8(0)
        t.raw(magic)
        body.append(contentsOf: t.bytes)
    }

    /// Parses a pack's trailer: the salt, the header's length and the key generation.
    public static func parseTrailer(_ trailer: [UInt8], what: String) throws(RepositoryError)
        -> (salt: [UInt8], headerLength: Int, generation: UInt16) {
        guard trailer.count == trailerCount, Array(trailer[40..<48]) == magic else {
            throw RepositoryError.damaged(what, "no pack trailer")
        }
        guard trailer[36] == 1 else { throw RepositoryError.damaged(what, "unsupported pack version \(trailer[36])") }
        var r = ByteReader(trailer, context: "pack trailer", offset: 32)
        let length = Int((try? r.u32()) ?? 0)
        return (Array(trailer[0..<32]), length, UInt16(trailer[37]) | UInt16(trailer[38]) << 8)
    }

    /// Decrypts and parses a pack header, checking that every entry lies inside the blob area.
    public static func parseHeader(_ sealed: [UInt8], salt: [UInt8], generation: UInt16, blobArea: Int, sealer: Sealer,
                                   what: String) throws(RepositoryError) -> [PackEntry] {
        let key = try sealer.fileKey(purpose: "pack", salt: salt, generation: generation, what: what)
        let plain = try sealer.open(sealed[...], key: key, aad: salt + [1], what: "\(what) header")
        return try parseHeaderEntries(plain, blobArea: blobArea, what: what)
    }

    /// Parses a decrypted pack header (`count u32 ‖ entries`), checking that every entry lies
    /// inside the blob area of `blobArea` bytes.
    public static func parseHeaderEntries(_ plain: [UInt8], blobArea: Int, what: String) throws(RepositoryError) -> [PackEntry] {
        var r = ByteReader(plain, context: "pack header")
        do throws(FormatError) {
            let count = Int(try r.u32())
            guard count <= r.remaining / PackEntry.encodedCount else {
                throw FormatError(context: "pack header", reason: "count \(count) exceeds header size")
            }
            var entries = [PackEntry]()
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let e = try PackEntry(from: &r)
                guard Int(e.offset) + Int(e.length) <= blobArea, e.length >= UInt32(Sealer.overhead) else {
                    throw FormatError(context: "pack header", reason: "blob \(e.id.shortHex) lies outside the pack")
                }
                entries.append(e)
            }
            try r.expectEnd()
            return entries
        } catch {
            throw RepositoryError.damaged(what, error.reason)
        }
    }
}
