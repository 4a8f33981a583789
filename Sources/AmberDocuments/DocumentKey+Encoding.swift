import AmberCore

/// The order-preserving byte encoding of document keys: comparing two encodings as unsigned bytes
/// (`lexicographicallyPrecedes`, `memcmp`) gives the key order of ``DocumentKey``. No encoding is a
/// prefix of another, and decoding accepts only what ``DocumentKey/encoded`` writes.
///
/// A key is a kind byte then its body:
///
/// - `0x01` number: a sign byte `0x01` negative, `0x02` zero, `0x03` positive. Non-zero values
///   `±0.d₁…dₖ × 10ⁿ` (exact decimal: an exact integer's digits or a double's shortest digits)
///   continue with `n + 32768` as a big-endian u16, the ASCII digits `d₁…dₖ`, and `0x00`; for a
///   negative number these bytes (exponent, digits, `0x00`) are all inverted (`~b`). Last, a form
///   byte: `0x00` double, `0x01` exact integer (see ``JSONNumber``).
/// - `0x02` string: the UTF-8 bytes, escaped, then the terminator (see below).
/// - `0x03` composite: each value as a type byte and payload, then `0x00`:
///   `0x01` null (nothing); `0x02` integer, 8 bytes big-endian with the sign bit flipped;
///   `0x03` real, the 8-byte IEEE-754 bit pattern big-endian with the sign bit flipped, or every
///   bit flipped when the sign bit was set; `0x04` text and `0x05` blob, escaped bytes and terminator.
///
/// Escaped bytes: every `0x00` is written `0x00 0xFF`; the terminator is `0x00 0x00`, so a string
/// sorts before every string it is a prefix of.
extension DocumentKey {
    /// The encoded bytes.
    public var encoded: [UInt8] {
        var out = [UInt8]()
        switch self {
        case .number(let number):
            out.append(0x01)
            Self.appendNumber(number, to: &out)
        case .string(let bytes):
            out.append(0x02)
            Self.appendEscaped(bytes, to: &out)
        case .composite(let values):
            out.append(0x03)
            for value in values { Self.appendCompositeValue(value, to: &out) }
            out.append(0x00)
        }
        return out
    }

    /// Appends one value of a composite key's encoding, its type byte and payload: a composite
    /// key is `0x03`, its values, `0x00` (for building keys into a buffer of one's own).
    public static func appendCompositeValue(_ value: DatabaseValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(0x01)
        case .integer(let v):
            out.append(0x02)
            appendBigEndian(UInt64(bitPattern: v) ^ (1 << 63), to: &out)
        case .real(let v):
            out.append(0x03)
            let bits = v.bitPattern
            appendBigEndian(bits >> 63 == 1 ? ~bits : bits ^ (1 << 63), to: &out)
        case .text(let bytes): appendCompositeBytes(bytes[...], blob: false, to: &out)
        case .blob(let bytes): appendCompositeBytes(bytes[...], blob: true, to: &out)
        }
    }

    /// Appends a text or blob value of a composite key's encoding (``appendCompositeValue(_:to:)``)
    /// from a slice of the array that holds it.
    public static func appendCompositeBytes(_ bytes: ArraySlice<UInt8>, blob: Bool, to out: inout [UInt8]) {
        out.append(blob ? 0x05 : 0x04)
        appendEscaped(bytes, to: &out)
    }

    /// Decodes an encoding; throws on anything ``encoded`` would not have produced.
    public init(encoded bytes: [UInt8]) throws(FormatError) {
        var reader = ByteReader(bytes, context: "document key")
        switch try reader.u8() {
        case 0x01: self = .number(try Self.readNumber(&reader))
        case 0x02: self = .string(try Self.readEscaped(&reader))
        case 0x03:
            var values = [DatabaseValue]()
            try Self.readCompositeValues(&reader) { values.append($0) }
            self = .composite(values)
        case let kind:
            throw Self.failure("unknown key kind 0x\(Hex.encode([kind]))", reader)
        }
        try reader.expectEnd()
        guard encoded == bytes else { throw Self.failure("not the canonical encoding of \(display)", reader) }
    }

    /// Reads the encoding of a composite key, handing each value to `body` in order, without
    /// building the key: `false` when `bytes` is not a composite key's encoding, throws when
    /// ``init(encoded:)`` would. It does not encode the key again to compare, as that does: a
    /// composite encoding read to its end is canonical (each value's encoding is one-to-one).
    public static func forEachCompositeValue(encoded bytes: [UInt8], _ body: (DatabaseValue) -> Void) throws(FormatError) -> Bool {
        var reader = ByteReader(bytes, context: "document key")
        guard try reader.u8() == 0x03 else { return false }
        try readCompositeValues(&reader, body)
        try reader.expectEnd()
        return true
    }

    /// Reads a composite key's values, after its kind byte, up to and including its `0x00`.
    private static func readCompositeValues(_ reader: inout ByteReader, _ body: (DatabaseValue) -> Void) throws(FormatError) {
        while true {
            switch try reader.u8() {
            case 0x00: return
            case 0x01: body(.null)
            case 0x02: body(.integer(Int64(bitPattern: try readBigEndian(&reader) ^ (1 << 63))))
            case 0x03:
                let stored = try readBigEndian(&reader)
                body(.real(Double(bitPattern: stored >> 63 == 1 ? stored ^ (1 << 63) : ~stored)))
            case 0x04: body(.text(try readEscaped(&reader)))
            case 0x05: body(.blob(try readEscaped(&reader)))
            case let type: throw failure("unknown value type 0x\(Hex.encode([type]))", reader)
            }
        }
    }

    private static func failure(_ reason: String, _ reader: ByteReader) -> FormatError {
        FormatError(context: "document key", reason: "\(reason) (offset \(reader.offset))")
    }

    private static func appendBigEndian(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
    }

    private static func readBigEndian(_ reader: inout ByteReader) throws(FormatError) -> UInt64 {
        var v: UInt64 = 0
        for _ in 0..<8 { v = v << 8 | UInt64(try reader.u8()) }
        return v
    }

    private static func appendEscaped(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            out.append(b)
            if b == 0 { out.append(0xFF) }
        }
        out.append(0x00)
        out.append(0x00)
    }

    private static func readEscaped(_ reader: inout ByteReader) throws(FormatError) -> [UInt8] {
        var out = [UInt8]()
        while true {
            let b = try reader.u8()
            if b != 0 {
                out.append(b)
                continue
            }
            switch try reader.u8() {
            case 0x00: return out
            case 0xFF: out.append(0)
            default: throw failure("0x00 not followed by 0x00 or 0xFF", reader)
            }
        }
    }

    private static func appendNumber(_ number: JSONNumber, to out: inout [UInt8]) {
        let decimal = DecimalDigits(number)
        if decimal.isZero {
            out.append(0x02)
        } else {
            out.append(decimal.negative ? 0x01 : 0x03)
            let flip: UInt8 = decimal.negative ? 0xFF : 0x00
            let biased = UInt16(decimal.exponent + 32768)
            out.append(UInt8(biased >> 8) ^ flip)
            out.append(UInt8(biased & 0xFF) ^ flip)
            for d in decimal.digits { out.append(d ^ flip) }
            out.append(flip)
        }
        out.append(number.isExactInteger ? 0x01 : 0x00)
    }

    private static func readNumber(_ reader: inout ByteReader) throws(FormatError) -> JSONNumber {
        let sign = try reader.u8()
        guard sign >= 0x01 && sign <= 0x03 else { throw failure("bad number sign byte", reader) }
        var decimal = DecimalDigits.zero
        if sign != 0x02 {
            let flip: UInt8 = sign == 0x01 ? 0xFF : 0x00
            let exponent = Int(UInt16(try reader.u8() ^ flip) << 8 | UInt16(try reader.u8() ^ flip)) - 32768
            var digits = [UInt8]()
            while true {
                let d = try reader.u8() ^ flip
                if d == 0 { break }
                guard d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9"), digits.count < 400 else { throw failure("bad number digit", reader) }
                digits.append(d)
            }
            guard digits.first.map({ $0 != UInt8(ascii: "0") }) == true, digits.last != UInt8(ascii: "0") else {
                throw failure("number digits not normalized", reader)
            }
            guard exponent > -400 && exponent < 400 else { throw failure("number exponent out of range", reader) }
            decimal = DecimalDigits(negative: sign == 0x01, digits: digits, exponent: exponent)
        }
        let form = try reader.u8()
        var text = [UInt8]()
        switch form {
        case 0x00: decimal.appendECMAScriptText(to: &text)
        case 0x01 where decimal.exponent >= decimal.digits.count:
            if decimal.negative { text.append(UInt8(ascii: "-")) }
            text.append(contentsOf: decimal.digits)
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: decimal.exponent - decimal.digits.count))
        default: throw failure("bad number form byte", reader)
        }
        guard case .number(let number)? = try? JSONParser.parse(text) else { throw failure("number out of range", reader) }
        return number
    }
}
