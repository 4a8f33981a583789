import AmberDocuments

/// PostgreSQL's COPY text format, one line per row: columns separated by a tab, `\N` for NULL,
/// and within a value these backslash escapes (as `COPY … TO STDOUT` writes them and
/// `COPY … FROM STDIN` reads them):
///
/// | escape | byte |  | escape | byte |
/// |---|---|---|---|---|
/// | `\b` | 0x08 | | `\v` | 0x0B |
/// | `\f` | 0x0C | | `\\` | 0x5C |
/// | `\n` | 0x0A | | `\` *d*, *dd*, *ddd* | octal byte |
/// | `\r` | 0x0D | | `\x` *h*, *hh* | hex byte |
/// | `\t` | 0x09 | | `\` + any other byte | that byte |
///
/// A parsed value is the text exactly as the type's output function produced it (UTF-8 under
/// the canonical session, see ``PGConnection/useCanonicalSession()``).
public enum COPYText {
    /// Splits one line (without its newline) into values: `.null` for `\N`, else `.text`.
    ///
    /// - Throws: ``PGError/Code/copyFormat`` for a backslash at the end of the line.
    public static func parse(_ line: UnsafeRawBufferPointer) throws(PGError) -> [DatabaseValue] {
        var values = [DatabaseValue]()
        try forEachField(line) { field in values.append(field.map { .text(Array($0)) } ?? .null) }
        return values
    }

    /// Calls `body` with each field of a line in order: `nil` for `\N`, else the value's bytes
    /// with escapes resolved (valid only during the call; a field without escapes is passed as
    /// a slice of `line`, without copying).
    ///
    /// - Throws: ``PGError/Code/copyFormat`` for a backslash at the end of the line.
    static func forEachField(_ line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) -> Void) throws(PGError) {
        var field = [UInt8]()
        var index = 0
        let count = line.count
        while true {
            let end: Int
            // Fast path: a field without escapes is passed in one piece.
            if let plainEnd = plainFieldEnd(line, from: index) {
                end = plainEnd
                body(UnsafeRawBufferPointer(rebasing: line[index..<end]))
            } else {
                field.removeAll(keepingCapacity: true)
                var isNull = false, malformed = false
                end = unescapeField(line, from: index, into: &field, isNull: &isNull, malformed: &malformed)
                if malformed { throw PGError(code: .copyFormat, message: "backslash at the end of a COPY line") }
                if isNull { body(nil) } else { field.withUnsafeBytes { body($0) } }
            }
            if end >= count { return }
            index = end + 1
        }
    }

    /// Appends the field starting at `start`, escapes resolved, to `field` and returns where it
    /// ends (its tab, or the line's end); sets `isNull` for `\N` and `malformed` for a
    /// backslash ending the line.
    static func unescapeField(_ line: UnsafeRawBufferPointer, from start: Int, into field: inout [UInt8],
                              isNull: inout Bool, malformed: inout Bool) -> Int {
        var index = start
        let count = line.count
        while index < count {
            let byte = line[index]
            if byte == 0x09 { return index }
            index += 1
            guard byte == 0x5C else {
                field.append(byte)
                continue
            }
            guard index < count else {
                malformed = true
                return count
            }
            let escaped = line[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "N") where field.isEmpty && !isNull && (index == count || line[index] == 0x09):
                isNull = true
            case UInt8(ascii: "b"): field.append(0x08)
            case UInt8(ascii: "f"): field.append(0x0C)
            case UInt8(ascii: "n"): field.append(0x0A)
            case UInt8(ascii: "r"): field.append(0x0D)
            case UInt8(ascii: "t"): field.append(0x09)
            case UInt8(ascii: "v"): field.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                field.append(octalEscape(escaped, line, &index))
            case UInt8(ascii: "x") where index < count && hexValue(line[index]) != nil:
                field.append(hexEscape(line, &index))
            default:
                field.append(escaped)
            }
        }
        return count
    }

    /// The byte of `\OOO` (one to three octal digits, `first` already read), moving past its digits.
    @inline(__always)
    private static func octalEscape(_ first: UInt8, _ line: UnsafeRawBufferPointer, _ index: inout Int) -> UInt8 {
        var value = Int(first - UInt8(ascii: "0"))
        var digits = 1
        while digits < 3, index < line.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(line[index]) {
            value = value * 8 + Int(line[index] - UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return UInt8(truncatingIfNeeded: value)
    }

    /// The byte of `\xH` or `\xHH` (`index` at the first hex digit), moving past its digits.
    @inline(__always)
    private static func hexEscape(_ line: UnsafeRawBufferPointer, _ index: inout Int) -> UInt8 {
        var value = Int(hexValue(line[index])!)
        index += 1
        if index < line.count, let low = hexValue(line[index]) {
            value = value * 16 + Int(low)
            index += 1
        }
        return UInt8(value)
    }

    /// The end (a tab, or the line's end) of the field starting at `start`, if it holds no backslash.
    private static func plainFieldEnd(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var end = start
        while end < line.count {
            let byte = line[end]
            if byte == 0x09 { return end }
            if byte == 0x5C { return nil }
            end += 1
        }
        return end
    }

    /// Parses a line held in an array.
    public static func parse(_ line: [UInt8]) throws(PGError) -> [DatabaseValue] {
        try line.withUnsafeBytes { bytes in Result { () throws(PGError) in try parse(bytes) } }.get()
    }

    /// Appends `values` as one line (without the newline): text escaped, `.null` as `\N`.
    /// Values from other engines are written in PostgreSQL's input syntax: integers in decimal,
    /// reals in shortest round-trip form (`NaN`, `Infinity`, `-Infinity`), blobs as `bytea` hex
    /// (`\x0102…`).
    public static func append(_ values: some Collection<DatabaseValue>, to out: inout [UInt8]) {
        var first = true
        for value in values {
            if !first { out.append(0x09) }
            first = false
            switch value {
            case .null:
                out.append(0x5C)
                out.append(UInt8(ascii: "N"))
            case .integer(let number): out.append(contentsOf: String(number).utf8)
            case .real(let number): out.append(contentsOf: realText(number).utf8)
            case .text(let bytes): appendEscaped(bytes, to: &out)
            case .blob(let bytes):
                // "\x" followed by hex digits, with the backslash itself escaped for COPY.
                out.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "x")])
                let digits = Array("0123456789abcdef".utf8)
                for byte in bytes {
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 0x0F)])
                }
            }
        }
    }

    /// Appends `bytes` with tab, newline, carriage return and backslash escaped.
    static func appendEscaped(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        // Most values need no escape: copy them whole.
        if !bytes.contains(where: { $0 == 0x5C || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            out.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            default: out.append(byte)
            }
        }
    }

    /// A double in PostgreSQL's float8 input syntax.
    static func realText(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
