@testable import AmberDocuments
import AmberTesting
import Testing

@Suite("Canonical transcoder: the fast path equals parse then serialize with numbers as written")
struct CanonicalTranscoderTests {
    private func slow(_ text: [UInt8]) -> [UInt8]? {
        (try? JSONParser.parse(text)).map { CanonicalJSON.serialize($0, numbers: .asWritten) }
    }

    private func fast(_ text: [UInt8], idField: String = "_id") -> CanonicalTranscoder.Output? {
        text.withUnsafeBufferPointer { CanonicalTranscoder.transcode($0, idField: idField) }
    }

    @Test func typicalDocumentIsTranscodedAndTheIdFound() throws {
        let text = Array(#"{ "_id": "d1", "name":"Zoë", "age":40, "score":452.07, "tags":["a","b"], "geo":{"lon":2.5,"lat":-11.12991}, "n":null, "ok":true, "bio":"say \"hi\"\n" }"#.utf8)
        let output = try #require(fast(text))
        #expect(output.bytes == slow(text))
        let id = try #require(output.id)
        #expect(String(decoding: output.bytes[id], as: UTF8.self) == #""d1""#)
        #expect(fast(text, idField: "missing")?.id == nil)
    }

    /// Numbers RFC 8785 would respell are copied as written, as the general path writes them.
    @Test(arguments: [
        #"{"a":1.0}"#, #"{"a":-0}"#, #"{"a":-0.0}"#, #"{"a":0.0000001}"#, #"{"a":0.000001}"#, #"{"a":4.50}"#,
        #"{"a":1234567890123456}"#, #"{"a":0.1234567890123456}"#, #"{"a":3.14159265358979323846}"#,
        #"{"a":9007199254740993}"#, #"{"a":[100.000,-12.30]}"#,
    ])
    func numbersAreCopiedAsWritten(_ text: String) throws {
        let output = try #require(fast(Array(text.utf8)))
        #expect(output.bytes == Array(text.utf8))
        #expect(output.bytes == slow(Array(text.utf8)))
    }

    /// Spellings the fast path cannot judge (an exponent: maybe out of range), or that are
    /// errors: the fast path must give up.
    @Test(arguments: [
        #"{"a":1e2}"#, #"{"a":1E-2}"#, #"{"a":1e400}"#, #"{"a":-1}"#.replacingOccurrences(of: "1", with: String(repeating: "9", count: 301)),
        #"{"a":"\/"}"#, #"{"a":"\u00e9"}"#,
        #"{"a\"b":1}"#, #"{"a":1,"a":2}"#, #"{"b":1,"a":2,"b":3}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":-}"#,
        #"{"a":-.5}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":-01}"#,
        #"[1]"#, #"{"a":1} x"#, #"{"a":tru}"#, #"{"a":"x"#, "{\"a\":\"\u{01}\"}", #"{"a":[1,]}"#, #"{"a":1,}"#,
        #"{"a" 1}"#, #"{"a":NaN}"#,
    ])
    func givesUpWhereTheSpellingIsNotCanonicalOrAnError(_ text: String) {
        #expect(fast(Array(text.utf8)) == nil)
    }

    @Test func invalidUTF8GivesUp() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            let text = Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)
            #expect(fast(text) == nil)
            #expect(slow(text) == nil)
        }
    }

    @Test func nestingDeeperThanTheParserAllowsGivesUp() {
        let depth = JSONParser.maximumDepth
        let ok = Array(("{\"a\":" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}").utf8)
        #expect(fast(ok)?.bytes == slow(ok))
        let deep = Array(("{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}").utf8)
        #expect(fast(deep) == nil)
        #expect(slow(deep) == nil)
    }

    /// Random documents in random spellings (member order, whitespace, number forms, escapes):
    /// wherever the fast path answers, it answers exactly what parse-then-serialize does.
    @Test func randomSpellingsAgreeWithTheGeneralPath() {
        var rng = SplitMix64(seed: 8785)
        var answered = 0
        for _ in 0..<4000 {
            var members = [JSONValue.Member(key: Array("_id".utf8), value: .string(rng.unicodeString()))]
            for _ in 0..<rng.int(0..<8) {
                let key = rng.int(0..<3) == 0 ? rng.unicodeString(maxLength: 4) : Array("k\(rng.int(0..<20))".utf8)
                if !members.contains(where: { $0.key == key }) { members.append(.init(key: key, value: rng.jsonValue(depth: 1))) }
            }
            let text = Array(Self.spell(.object(members), &rng).utf8)
            let expected = slow(text)
            guard let output = fast(text) else { continue }
            answered += 1
            #expect(output.bytes == expected, "\(String(decoding: text, as: UTF8.self))")
            if let id = output.id, let expected {
                #expect(try! JSONParser.parse(output.bytes[id]) == (try! JSONParser.parse(expected))["_id"])
            }
        }
        #expect(answered > 400)  // the fast path is taken, not only given up
    }

    /// A JSON text of `value` in a random spelling.
    static func spell(_ value: JSONValue, _ rng: inout SplitMix64) -> String {
        let space = [" ", "", "", "\n", "\t "][rng.int(0..<5)]
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return spellNumber(n, &rng)
        case .string(let bytes): return spellString(bytes, &rng)
        case .array(let elements):
            return "[" + space + elements.map { spell($0, &rng) }.joined(separator: "," + space) + "]"
        case .object(var members):
            members.shuffle(using: &rng)
            return "{" + space + members.map { spellString($0.key, &rng) + space + ":" + spell($0.value, &rng) }
                .joined(separator: space + ",") + space + "}"
        }
    }

    private static func spellNumber(_ n: JSONNumber, _ rng: inout SplitMix64) -> String {
        let canonical = n.description
        switch rng.int(0..<6) {
        case 0: return "\(n.double)"  // Swift's spelling: 1.0, 1e-05, ...
        case 1 where !canonical.contains("e") && !canonical.contains("."): return canonical + ".0"
        case 2 where n.double == 0: return "-0"
        case 3: return String(format: "%.17g", n.double)
        default: return canonical
        }
    }

    private static func spellString(_ bytes: [UInt8], _ rng: inout SplitMix64) -> String {
        var out = "\""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += rng.bool() ? "\\n" : "\\u000a"
            case "/": out += rng.bool() ? "\\/" : "/"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04X", scalar.value)
            case _ where scalar.value > 0x7F && rng.int(0..<4) == 0 && scalar.value < 0x10000:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
