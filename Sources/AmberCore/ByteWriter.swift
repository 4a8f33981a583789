/// Appends fixed-width little-endian integers and length-prefixed byte strings to a buffer:
/// the encoding every binary structure in `docs/format.md` uses.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { integer(v) }
    public mutating func u32(_ v: UInt32) { integer(v) }
    public mutating func u64(_ v: UInt64) { integer(v) }
    public mutating func i64(_ v: Int64) { integer(v) }

    /// Raw bytes, no length prefix.
    public mutating func raw(_ v: some Sequence<UInt8>) { bytes.append(contentsOf: v) }

    /// A 32-byte id.
    public mutating func id(_ v: BlobID) { v.append(to: &bytes) }

    /// A byte string prefixed with its length as a u16.
    public mutating func string16(_ v: [UInt8]) {
        u16(UInt16(truncatingIfNeeded: v.count))
        bytes.append(contentsOf: v)
    }

    /// A byte string prefixed with its length as a u32.
    public mutating func string32(_ v: [UInt8]) {
        u32(UInt32(truncatingIfNeeded: v.count))
        bytes.append(contentsOf: v)
    }

    private mutating func integer<T: FixedWidthInteger>(_ v: T) {
        var le = v.littleEndian
        withUnsafeBytes(of: &le) { bytes.append(contentsOf: $0) }
    }
}
