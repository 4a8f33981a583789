import AmberCore

/// The recursive-descent machinery behind ``JSONParser``: one pass over a byte buffer.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw error(.trailingData, "unexpected \(describeByte(at: index)) after the value")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONError) -> JSONValue {
        guard index < bytes.count else { throw error(.unexpectedEnd, "expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            index += 1
            return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error(.invalidNumber, "NaN and Infinity are not JSON numbers")
        default:
            throw error(.unexpectedCharacter, "expected a value, found \(describeByte(at: index))")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        let text = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for i in 0..<count {
            guard index + i < bytes.count else { throw error(.unexpectedEnd, "unexpected end in \(word)", at: index + i) }
            guard bytes[index + i] == text[i] else {
                throw error(.unexpectedCharacter, "expected \(word), found \(describeByte(at: index + i))", at: index + i)
            }
        }
        index += count
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        guard depth <= JSONParser.maximumDepth else {
            throw error(.tooDeep, "nesting deeper than \(JSONParser.maximumDepth)")
        }
    }

    private mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        index += 1
        var elements = [JSONValue]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd, "unterminated array") }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if b == UInt8(ascii: "]") { break }
            throw error(.unexpectedCharacter, "expected ',' or ']', found \(describeByte(at: index - 1))", at: index - 1)
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        index += 1
        var members = [JSONValue.Member]()
        var keyOffsets = [Int]()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard index < bytes.count else { throw error(.unexpectedEnd, "unterminated object") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error(.unexpectedCharacter, "expected a string key, found \(describeByte(at: index))")
            }
            keyOffsets.append(index)
            index += 1
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd, "expected ':'") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw error(.unexpectedCharacter, "expected ':', found \(describeByte(at: index))")
            }
            index += 1
            skipWhitespace()
            members.append(JSONValue.Member(key: key, value: try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw error(.unexpectedEnd, "unterminated object") }
            let b = bytes[index]
            index += 1
            if b == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if b == UInt8(ascii: "}") { break }
            throw error(.unexpectedCharacter, "expected ',' or '}', found \(describeByte(at: index - 1))", at: index - 1)
        }
        if let duplicate = Self.firstDuplicate(members) {
            throw error(.duplicateKey, "duplicate key \"\(String(decoding: members[duplicate].key, as: UTF8.self))\"",
                        at: keyOffsets[duplicate])
        }
        depth -= 1
        return .object(members)
    }

    /// The index of a member whose key an earlier member already has.
    static func firstDuplicate(_ members: [JSONValue.Member]) -> Int? {
        if members.count <= 16 {
            for i in 1..<max(members.count, 1) {
                for j in 0..<i where members[i].key == members[j].key { return i }
            }
            return nil
        }
        let order = members.indices.sorted { a, b in
            let (ka, kb) = (members[a].key, members[b].key)
            return ka == kb ? a < b : ka.lexicographicallyPrecedes(kb)
        }
        var duplicate: Int?
        for i in 1..<order.count where members[order[i]].key == members[order[i - 1]].key {
            duplicate = min(duplicate ?? Int.max, order[i])
        }
        return duplicate
    }

    // MARK: Errors

    func error(_ code: JSONError.Code, _ reason: String, at offset: Int? = nil) -> JSONError {
        let offset = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONError(code: code, offset: offset, line: line, column: offset - lineStart + 1, reason: reason)
    }

    func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let b = bytes[offset]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(Hex.encode([b]))"
    }
}
