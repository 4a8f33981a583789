import AmberCore

/// The binary encoding of database values and rows: compact, lossless and deterministic (one
/// encoding per value; decoding refuses every other byte sequence).
///
/// A value is a type byte followed by its payload:
///
/// | type | value   | payload                                                              |
/// |------|---------|----------------------------------------------------------------------|
/// | 0x00 | null    | none                                                                 |
/// | 0x01 | integer | zigzag-encoded (`(v << 1) ^ (v >> 63)`), then unsigned LEB128: 1–10 bytes, least significant 7 bits first, minimal |
/// | 0x02 | real    | the 8 bytes of the IEEE-754 bit pattern, little-endian (sign of zero and NaN payloads kept) |
/// | 0x03 | text    | length as unsigned LEB128 (minimal), then the bytes                  |
/// | 0x04 | blob    | length as unsigned LEB128 (minimal), then the bytes                  |
///
/// The type numbers of integer, real, text and blob are SQLite's `SQLITE_INTEGER` … `SQLITE_BLOB`.
/// A row (``DatabaseRow``) is its column count as unsigned LEB128, then per column the name's
/// length (LEB128) and bytes, then the value. In a row, and only there, a value may also be the
/// single byte `0x05`, a **key reference**: the value is the one at the column's position in the
/// row's document key (``DatabaseRow/encoded(sharingValuesWith:)``), so a row keyed by its own
/// values (a PostgreSQL table without a primary key) does not store them twice.
extension DatabaseValue {
    /// The encoded bytes.
    public var encoded: [UInt8] {
        var out = [UInt8]()
        encode(to: &out)
        return out
    }

    /// Appends the encoding to `out`.
    public func encode(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(0x00)
        case .integer(let v):
            out.append(0x01)
            LEB128.appendSigned(v, to: &out)
        case .real(let v):
            out.append(0x02)
            var bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: &bits) { out.append(contentsOf: $0) }
        case .text(let bytes), .blob(let bytes): Self.encodeBytes(bytes[...], type: UInt8(storageClass), to: &out)
        }
    }

    /// Appends the encoding of a text (`type` 3) or blob (`type` 4) value from a slice of the
    /// array that holds it.
    static func encodeBytes(_ bytes: ArraySlice<UInt8>, type: UInt8, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { encodeBytes($0, type: type, to: &out) }
    }

    /// The same, from a buffer.
    static func encodeBytes(_ bytes: UnsafeBufferPointer<UInt8>, type: UInt8, to out: inout [UInt8]) {
        out.append(type)
        LEB128.append(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Decodes exactly one value from `bytes`.
    public init(encoded bytes: [UInt8]) throws(FormatError) {
        var reader = ByteReader(bytes, context: "database value")
        self = try DatabaseValue(from: &reader)
        try reader.expectEnd()
    }

    /// Decodes one value at the reader's offset.
    public init(from reader: inout ByteReader) throws(FormatError) {
        let type = try reader.u8()
        switch type {
        case 0x00: self = .null
        case 0x01:
            self = .integer(try LEB128.readSigned(&reader))
        case 0x02: self = .real(Double(bitPattern: try reader.u64()))
        case 0x03, 0x04:
            let length = try LEB128.read(&reader)
            guard length <= UInt64(reader.remaining) else {
                throw FormatError(context: reader.context, reason: "length \(length) beyond the end at offset \(reader.offset)")
            }
            let bytes = try reader.raw(Int(length))
            self = type == 0x03 ? .text(bytes) : .blob(bytes)
        default:
            throw FormatError(context: reader.context, reason: "unknown value type 0x\(Hex.encode([type])) at offset \(reader.offset - 1)")
        }
    }
}

/// Unsigned LEB128, minimal encodings only; signed values zigzag-encoded first
/// (`(v << 1) ^ (v >> 63)`, so small magnitudes of either sign stay short).
public enum LEB128 {
    public static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        append(UInt64(bitPattern: (value << 1) ^ (value >> 63)), to: &out)
    }

    public static func readSigned(_ reader: inout ByteReader) throws(FormatError) -> Int64 {
        let z = try read(&reader)
        return Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
    }

    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    public static func read(_ reader: inout ByteReader) throws(FormatError) -> UInt64 {
        let start = reader.offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try reader.u8()
            let payload = UInt64(byte & 0x7F)
            guard shift < 63 || (shift == 63 && payload <= 1) else {
                throw FormatError(context: reader.context, reason: "varint overflows 64 bits at offset \(start)")
            }
            value |= payload << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || shift == 0 else {
                    throw FormatError(context: reader.context, reason: "non-minimal varint at offset \(start)")
                }
                return value
            }
            shift += 7
        }
    }
}
