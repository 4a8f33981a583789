/// The JSON Canonicalization Scheme (RFC 8785): one byte sequence per JSON value, so that key
/// order and whitespace in a source never create a new document version.
///
/// - No whitespace; `null`, `true`, `false` as written.
/// - Object members sorted recursively by key, comparing keys as arrays of UTF-16 code units
///   (unsigned); arrays keep their order.
/// - Strings: `\"` `\\` `\b` `\t` `\n` `\f` `\r`, other controls below U+0020 as `\u00xx`
///   (lowercase hex); everything else, `/`, DEL and non-ASCII included, as is. No normalization.
/// - Numbers per ``NumberForm``: in ``NumberForm/canonical`` (RFC 8785, schemas and keys) doubles
///   as ECMAScript `Number::toString` and exact integers (see ``JSONNumber``) as their digits; in
///   ``NumberForm/asWritten`` (stored JSON documents) a number read from text as it was spelled.
/// - The output is UTF-8.
///
/// Input strings are written as they are: those from ``JSONParser`` are valid UTF-8; a value built
/// by hand with invalid UTF-8 gives output that is not JSON.
public enum CanonicalJSON {
    /// How numbers are written.
    public enum NumberForm: Sendable {
        /// RFC 8785: `1.0`, `1E2` and `-0.0` become `1`, `100` and `0`. Equal values, equal bytes.
        case canonical
        /// A number keeps the spelling it was read with (``JSONNumber/spelling``), so `1.0`,
        /// `1E2`, `-0.0` and `3.14159265358979323846` come back as written: the form of stored
        /// JSON documents, because an archive must return the numbers it was given. A number made
        /// from a value is written canonically.
        case asWritten
    }

    /// The canonical bytes of `value`. `capacity` is a hint: about how many bytes to expect (for
    /// a parsed document, its source's length), so the output is not regrown while it is written.
    public static func serialize(_ value: JSONValue, capacity: Int = 256, numbers: NumberForm = .canonical) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(capacity)
        append(value, to: &out, numbers: numbers)
        return out
    }

    /// Appends the canonical bytes of `value` to `out`.
    public static func append(_ value: JSONValue, to out: inout [UInt8], numbers: NumberForm = .canonical) {
        switch value {
        case .null: out.append(contentsOf: [0x6e, 0x75, 0x6c, 0x6c])
        case .bool(true): out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        case .bool(false): out.append(contentsOf: [0x66, 0x61, 0x6c, 0x73, 0x65])
        case .number(let number):
            if numbers == .asWritten, let text = number.spelling {
                out.append(contentsOf: text)
            } else if let text = number.exactIntegerText {
                out.append(contentsOf: text)
            } else {
                appendNumber(number.double, to: &out)
            }
        case .string(let bytes): appendString(bytes, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out, numbers: numbers)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            if isSortedByUTF16(members) {
                for i in members.indices { appendMember(members[i], first: i == 0, to: &out, numbers: numbers) }
            } else {
                // Sorting positions, not members, moves no reference-counted key or value.
                let order = members.indices.sorted { UTF16Order.precedes(members[$0].key, members[$1].key) }
                for (n, i) in order.enumerated() { appendMember(members[i], first: n == 0, to: &out, numbers: numbers) }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func appendMember(_ member: JSONValue.Member, first: Bool, to out: inout [UInt8], numbers: NumberForm) {
        if !first { out.append(UInt8(ascii: ",")) }
        appendString(member.key, to: &out)
        out.append(UInt8(ascii: ":"))
        append(member.value, to: &out, numbers: numbers)
    }

    /// The ECMAScript `Number::toString` text of a finite double; `-0` gives `0`.
    public static func numberText(_ value: Double) -> [UInt8] {
        var out = [UInt8]()
        appendNumber(value, to: &out)
        return out
    }

    static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        precondition(value.isFinite, "JSON numbers are finite")
        // Integers below 2^53 in magnitude: their digits are the shortest form (fast path).
        if value.magnitude < 0x1p53, value.rounded(.towardZero) == value {
            if value == 0 { out.append(UInt8(ascii: "0")); return }
            appendInteger(Int64(value), to: &out)
            return
        }
        DecimalDigits(shortest: value).appendECMAScriptText(to: &out)
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 20 digits
        let count = withUnsafeMutableBytes(of: &scratch) { buffer -> Int in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            return buffer.count - i
        }
        withUnsafeBytes(of: &scratch) { out.append(contentsOf: $0[($0.count - count)...]) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        bytes.withUnsafeBufferPointer { buffer in
            for i in 0..<buffer.count {
                let b = buffer[i]
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<i]))
                runStart = i + 1
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hexDigits[Int(b >> 4)], hexDigits[Int(b & 0x0f)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func isSortedByUTF16(_ members: [JSONValue.Member]) -> Bool {
        var i = 1
        while i < members.count {
            if !UTF16Order.precedes(members[i - 1].key, members[i].key) { return false }
            i += 1
        }
        return true
    }
}
