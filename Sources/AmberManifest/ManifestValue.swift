import AmberCore

/// A value as a leaf stores it: the bytes themselves, or a reference to the data blobs holding them.
public enum ManifestValue: Sendable, Hashable {
    /// At most ``ManifestFormat/inlineLimit`` bytes, stored in the leaf.
    case inline([UInt8])
    /// More than ``ManifestFormat/inlineLimit`` bytes, FastCDC-chunked into data blobs: their ids in
    /// order and the total length.
    case chunked(length: UInt64, chunks: [BlobID])
    /// A deletion marker: only in a run of a ``CollectionManifest`` (the key was removed since
    /// the layers below). Readers of a collection never see one; it has no bytes.
    case tombstone

    /// Equal values: the same case and the same bytes or chunks, inline bytes compared as
    /// memory (a run compares every entry of a collection with its parent's).
    public static func == (a: ManifestValue, b: ManifestValue) -> Bool {
        switch (a, b) {
        case (.inline(let x), .inline(let y)): x.hasSameBytes(as: y)
        case (.chunked(let m, let x), .chunked(let n, let y)): m == n && x == y
        case (.tombstone, .tombstone): true
        default: false
        }
    }

    /// The length of the value in bytes (not of its reference).
    public var length: UInt64 {
        switch self {
        case .inline(let bytes): UInt64(bytes.count)
        case .chunked(let length, _): length
        case .tombstone: 0
        }
    }

    /// Tag bytes of the encoding.
    static let inlineTag: UInt8 = 0
    static let chunkedTag: UInt8 = 1
    static let tombstoneTag: UInt8 = 2

    /// Appends `tag u8 ‖ len varint ‖ bytes`, `tag u8 ‖ len varint ‖ n varint ‖ id[32] × n`, or
    /// the tag alone for a tombstone.
    func encode(into buffer: inout [UInt8]) {
        switch self {
        case .inline(let bytes):
            buffer.append(Self.inlineTag)
            Varint.append(UInt64(bytes.count), to: &buffer)
            buffer.append(contentsOf: bytes)
        case .chunked(let length, let chunks):
            buffer.append(Self.chunkedTag)
            Varint.append(length, to: &buffer)
            Varint.append(UInt64(chunks.count), to: &buffer)
            for id in chunks { id.append(to: &buffer) }
        case .tombstone:
            buffer.append(Self.tombstoneTag)
        }
    }

    /// The length of ``encode(into:)``'s output.
    var encodedLength: Int {
        switch self {
        case .inline(let bytes): 1 + Varint.count(UInt64(bytes.count)) + bytes.count
        case .chunked(let length, let chunks): 1 + Varint.count(length) + Varint.count(UInt64(chunks.count)) + chunks.count * BlobID.byteCount
        case .tombstone: 1
        }
    }

    /// Reads a value, enforcing the canonical choice between inline and chunked.
    init(from reader: inout ByteReader) throws(FormatError) {
        let tag = try reader.u8()
        switch tag {
        case Self.inlineTag:
            let count = try reader.length(limit: ManifestFormat.inlineLimit, what: "inline value length")
            self = .inline(try reader.raw(count))
        case Self.chunkedTag:
            let length = try reader.varint()
            guard length > UInt64(ManifestFormat.inlineLimit) else {
                throw FormatError(context: reader.context, reason: "chunked value of \(length) bytes should be inline")
            }
            let n = try reader.length(limit: reader.remaining / BlobID.byteCount, what: "chunk count")
            guard n >= 1 else { throw FormatError(context: reader.context, reason: "chunked value without chunks") }
            var chunks = [BlobID]()
            chunks.reserveCapacity(n)
            for _ in 0..<n { chunks.append(try reader.id()) }
            self = .chunked(length: length, chunks: chunks)
        case Self.tombstoneTag:
            self = .tombstone
        default:
            throw FormatError(context: reader.context, reason: "unknown value tag \(tag)")
        }
    }
}
