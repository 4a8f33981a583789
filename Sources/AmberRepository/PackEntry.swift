import AmberCore

/// Where one blob lives: its entry in a pack header and in an index file (45 bytes:
/// `type u8 ‖ id[32] ‖ offset u32 ‖ length u32 ‖ rawLength u32`).
public struct PackEntry: Sendable, Equatable {
    public static let encodedCount = 45

    public var type: BlobType
    public var id: BlobID
    /// Offset of the blob's envelope in the pack.
    public var offset: UInt32
    /// Length of the envelope (what is stored).
    public var length: UInt32
    /// Length of the blob's plaintext.
    public var rawLength: UInt32

    public init(type: BlobType, id: BlobID, offset: UInt32, length: UInt32, rawLength: UInt32) {
        self.type = type
        self.id = id
        self.offset = offset
        self.length = length
        self.rawLength = rawLength
    }

    func encode(into w: inout ByteWriter) {
        w.u8(type.rawValue)
        w.id(id)
        w.u32(offset)
        w.u32(length)
        w.u32(rawLength)
    }

    init(from r: inout ByteReader) throws(FormatError) {
        let rawType = try r.u8()
        guard let type = BlobType(rawValue: rawType) else {
            throw FormatError(context: r.context, reason: "unknown blob type \(rawType)")
        }
        self.type = type
        id = try r.id()
        offset = try r.u32()
        length = try r.u32()
        rawLength = try r.u32()
    }
}
