import AmberCore

/// Unsigned LEB128: seven bits per byte, least significant group first, high bit set on every byte
/// but the last. Writers emit the shortest form; readers reject any other (a trailing zero group,
/// or more than ten bytes), so that every value has one encoding and node ids are canonical.
enum Varint {
    /// Appends `value`.
    @inline(__always)
    static func append(_ value: UInt64, to buffer: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buffer.append(UInt8(truncatingIfNeeded: v))
    }

    /// The number of bytes `value` takes.
    @inline(__always)
    static func count(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}

extension ByteReader {
    /// Reads one canonical LEB128 value.
    mutating func varint() throws(FormatError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 63 || (shift == 63 && byte <= 1) else {
                throw FormatError(context: context, reason: "varint overflows 64 bits at offset \(offset)")
            }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || shift == 0 else {
                    throw FormatError(context: context, reason: "non-canonical varint at offset \(offset)")
                }
                return value
            }
            shift += 7
        }
    }

    /// Reads a varint that must fit in `Int` and be at most `limit`.
    mutating func length(limit: Int, what: String) throws(FormatError) -> Int {
        let v = try varint()
        guard v <= UInt64(limit) else {
            throw FormatError(context: context, reason: "\(what) \(v) exceeds \(limit) at offset \(offset)")
        }
        return Int(v)
    }
}
