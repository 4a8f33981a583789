@testable import AmberDocuments
import AmberTesting

/// Random values for property tests, from a deterministic generator.
extension SplitMix64 {
    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func bool() -> Bool { next() & 1 == 1 }

    /// A Unicode string mixing ASCII, controls, quotes, BMP (incl. U+E000…) and supplementary characters.
    mutating func unicodeString(maxLength: Int = 8) -> [UInt8] {
        let pools: [ClosedRange<UInt32>] = [0x00...0x7F, 0x20...0x7E, 0x80...0x7FF, 0xE000...0xFFFF, 0x10000...0x1FFFF, 0x800...0xD7FF]
        var s = ""
        for _ in 0..<int(0..<maxLength + 1) {
            let pool = pools[int(0..<pools.count)]
            s.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: pool, using: &self))!)
        }
        return Array(s.utf8)
    }

    /// A finite double: random bit patterns, small integers, and round decimals.
    mutating func finiteDouble() -> Double {
        switch int(0..<3) {
        case 0:
            while true {
                let d = Double(bitPattern: next())
                if d.isFinite { return d }
            }
        case 1: return Double(int(-1000..<1000))
        default: return Double(int(-100_000..<100_000)) / 100
        }
    }

    mutating func jsonNumber() -> JSONNumber {
        if int(0..<5) == 0 {
            var text = bool() ? "-" : ""
            text += String(int(1..<10)) + (0..<int(15..<30)).map { _ in String(int(0..<10)) }.joined()
            return JSONNumber(text: text)!
        }
        return JSONNumber(finiteDouble())!
    }

    mutating func jsonValue(depth: Int = 0) -> JSONValue {
        switch int(0..<(depth > 3 ? 4 : 6)) {
        case 0: return .null
        case 1: return .bool(bool())
        case 2: return .number(jsonNumber())
        case 3: return .string(unicodeString())
        case 4: return .array((0..<int(0..<5)).map { _ in jsonValue(depth: depth + 1) })
        default:
            var members = [JSONValue.Member]()
            for _ in 0..<int(0..<6) {
                let key = unicodeString(maxLength: 4)
                if !members.contains(where: { $0.key == key }) { members.append(.init(key: key, value: jsonValue(depth: depth + 1))) }
            }
            return .object(members)
        }
    }

    mutating func databaseValue() -> DatabaseValue {
        switch int(0..<5) {
        case 0: return .null
        case 1:
            switch int(0..<3) {
            case 0: return .integer(Int64(int(-3..<4)))
            case 1: return .integer(Int64(bitPattern: next()))
            default: return .integer(Int64(int(-1 << 54..<1 << 54)))
            }
        case 2:
            let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 3, 1e21, -2.5]
            return .real(bool() ? specials[int(0..<specials.count)] : Double(bitPattern: next()))
        case 3:
            if int(0..<4) == 0 { return .text((0..<int(0..<6)).map { _ in UInt8(truncatingIfNeeded: next()) }) }
            return .text(unicodeString())
        default:
            return .blob((0..<int(0..<6)).map { _ in [0, 0xFF, 1, UInt8(truncatingIfNeeded: next())][int(0..<4)] })
        }
    }

    mutating func documentKey() -> DocumentKey {
        switch int(0..<3) {
        case 0: return .number(jsonNumber())
        case 1: return .string((0..<int(0..<5)).map { _ in [0, 0xFF, 1, 0x61][int(0..<4)] })
        default: return .composite((0..<int(0..<4)).map { _ in databaseValue() })
        }
    }
}

/// Re-serializes a value with shuffled members and random whitespace: same document, other bytes.
func scrambled(_ value: JSONValue, _ rng: inout SplitMix64) -> [UInt8] {
    let spaces: [[UInt8]] = [[], [0x20], [0x0A], [0x09, 0x20], [0x0D, 0x0A]]
    var out = [UInt8]()
    func ws() { out.append(contentsOf: spaces[rng.int(0..<spaces.count)]) }
    func write(_ v: JSONValue) {
        ws()
        switch v {
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(e)
            }
            ws()
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.shuffled(using: &rng).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                ws()
                // Escape the key differently: every character as \u where possible.
                out.append(contentsOf: escapedLong(m.key))
                ws()
                out.append(UInt8(ascii: ":"))
                write(m.value)
            }
            ws()
            out.append(UInt8(ascii: "}"))
        default:
            out.append(contentsOf: CanonicalJSON.serialize(v))
        }
        ws()
    }
    write(value)
    return out
}

/// A JSON string literal with every character written as `\uXXXX` (surrogate pairs for the rest).
func escapedLong(_ utf8: [UInt8]) -> [UInt8] {
    var text = "\""
    for unit in String(decoding: utf8, as: UTF8.self).utf16 {
        let hex = String(unit, radix: 16, uppercase: unit & 1 == 0)
        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
    return Array((text + "\"").utf8)
}
