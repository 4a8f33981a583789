import AmberCore

extension JSONReader {
    /// Reads a string body; `index` is just past the opening quote and ends just past the closing one.
    mutating func parseString() throws(JSONError) -> [UInt8] {
        let start = index
        var i = index
        // Fast path: printable ASCII without escapes, copied in one go.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                index = i + 1
                return Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            i += 1
        }
        var out = [UInt8]()
        out.reserveCapacity(i - start + 16)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
        index = i
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return out
            } else if b == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
            } else if b < 0x20 {
                throw error(.controlCharacter, "raw control character 0x\(hex2(b)) in a string; escape it")
            } else if b < 0x80 {
                out.append(b)
                index += 1
            } else {
                let length = try utf8SequenceLength(at: index)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                index += length
            }
        }
        throw error(.unexpectedEnd, "unterminated string", at: start - 1)
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONError) {
        let escapeStart = index
        guard index + 1 < bytes.count else { throw error(.unexpectedEnd, "unterminated escape") }
        let c = bytes[index + 1]
        index += 2
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4()
            var scalar = UInt32(unit)
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw error(.loneSurrogate, "lone low surrogate \\u\(hex4Text(unit))", at: escapeStart)
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error(.loneSurrogate, "high surrogate \\u\(hex4Text(unit)) without a low one", at: escapeStart)
                }
                index += 2
                let low = try hex4()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error(.loneSurrogate, "high surrogate \\u\(hex4Text(unit)) without a low one", at: escapeStart)
                }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            appendUTF8(scalar, to: &out)
        default:
            throw error(.invalidEscape, "invalid escape \\\(describeByte(at: index - 1))", at: escapeStart)
        }
    }

    private mutating func hex4() throws(JSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw error(.unexpectedEnd, "unterminated \\u escape") }
            let c = bytes[index]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw error(.invalidEscape, "\\u needs four hexadecimal digits, found \(describeByte(at: index))")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence at `offset` (``UTF8Sequence``), or an error
    /// saying what is wrong with it.
    private func utf8SequenceLength(at offset: Int) throws(JSONError) -> Int {
        if let length = UTF8Sequence.length(in: bytes, at: offset) { return length }
        let lead = bytes[offset]
        switch lead {
        case 0xC2...0xF4:
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard offset + length <= bytes.count else { throw error(.invalidUTF8, "truncated UTF-8 sequence", at: offset) }
            let surrogate = lead == 0xED && bytes[offset + 1] >= 0xA0 && bytes[offset + 1] <= 0xBF
            throw error(.invalidUTF8, surrogate ? "UTF-8-encoded surrogate" : "invalid UTF-8 sequence", at: offset)
        default:
            throw error(.invalidUTF8, "invalid UTF-8 lead byte 0x\(hex2(lead))", at: offset)
        }
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80: out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private func hex2(_ b: UInt8) -> String { Hex.encode([b]) }
    private func hex4Text(_ u: UInt16) -> String { Hex.encode([UInt8(u >> 8), UInt8(u & 0xFF)]).uppercased() }
}
