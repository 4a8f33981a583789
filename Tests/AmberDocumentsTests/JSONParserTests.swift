import Testing
@testable import AmberDocuments

@Suite("Strict I-JSON parser")
struct JSONParserTests {
    @Test(arguments: [
        ("", JSONError.Code.unexpectedEnd), ("{", .unexpectedEnd), ("[1,", .unexpectedEnd), ("\"abc", .unexpectedEnd),
        ("[1 2]", .unexpectedCharacter), ("{\"a\" 1}", .unexpectedCharacter), ("{1:2}", .unexpectedCharacter),
        ("[1,]", .unexpectedCharacter), ("tru", .unexpectedEnd), ("nul1", .unexpectedCharacter), ("'a'", .unexpectedCharacter),
        ("1 2", .trailingData), ("{} x", .trailingData), ("\u{FEFF}1", .unexpectedCharacter),
        ("NaN", .invalidNumber), ("Infinity", .invalidNumber), ("-Infinity", .invalidNumber), ("01", .invalidNumber),
        ("-", .unexpectedEnd), ("1.", .invalidNumber), (".5", .unexpectedCharacter), ("1e", .invalidNumber), ("+1", .unexpectedCharacter),
        ("1e400", .numberOutOfRange), ("-1e309", .numberOutOfRange), (String(repeating: "9", count: 400), .numberOutOfRange),
        ("\"\\ud800\"", .loneSurrogate), ("\"\\udc00\"", .loneSurrogate), ("\"\\ud800\\u0041\"", .loneSurrogate),
        ("\"\\ud800x\"", .loneSurrogate), ("\"\\x\"", .invalidEscape), ("\"\\u12g4\"", .invalidEscape),
        ("\"a\u{1}\"", .controlCharacter), ("\"a\nb\"", .controlCharacter),
        ("{\"a\":1,\"a\":2}", .duplicateKey), ("{\"a\":1,\"\\u0061\":2}", .duplicateKey),
        (String(repeating: "[", count: 513) + String(repeating: "]", count: 513), .tooDeep),
    ] as [(String, JSONError.Code)])
    func rejects(input: String, code: JSONError.Code) {
        #expect(throws: JSONError.self) { try JSONParser.parse(input) }
        do {
            _ = try JSONParser.parse(input)
        } catch {
            #expect(error.code == code, "\(input): \(error)")
        }
    }

    @Test(arguments: [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xC3], [0xE2, 0x82], [0xFF],
    ] as [[UInt8]])
    func rejectsInvalidUTF8(sequence: [UInt8]) {
        let input = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
        #expect(throws: JSONError.self) { try JSONParser.parse(input) }
        do { _ = try JSONParser.parse(input) } catch { #expect(error.code == .invalidUTF8 || error.code == .unexpectedEnd) }
    }

    @Test func depthLimitIsInclusive() throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        _ = try JSONParser.parse(deep)
        let deepObjects = String(repeating: "{\"a\":", count: 511) + "[]" + String(repeating: "}", count: 511)
        _ = try JSONParser.parse(deepObjects)
    }

    @Test func errorCarriesPosition() {
        do {
            _ = try JSONParser.parse("{\n  \"id\": 1,\n  \"id\": 2\n}")
            Issue.record("accepted a duplicate key")
        } catch {
            #expect(error.code == .duplicateKey)
            #expect((error.offset, error.line, error.column) == (15, 3, 3))
            #expect(error.description == "line 3, column 3 (offset 15): duplicate key \"id\"")
        }
        do {
            _ = try JSONParser.parse(Array("[1, 2, x]".utf8)[...])
        } catch {
            #expect((error.code, error.offset, error.line, error.column) == (.unexpectedCharacter, 7, 1, 8))
        }
    }

    @Test func duplicateKeysInLargeObjects() {
        let members = (0..<40).map { "\"k\($0)\":\($0)" } + ["\"k17\":0"]
        do {
            _ = try JSONParser.parse("{" + members.joined(separator: ",") + "}")
            Issue.record("accepted a duplicate key")
        } catch {
            #expect(error.code == .duplicateKey)
            #expect(error.reason.contains("k17"))
        }
    }

    @Test func acceptsAndDecodes() throws {
        let value = try JSONParser.parse(" {\"a\" : [1, -0, 2.5e1, true, false, null, \"\\u00e9\\ud83d\\ude00\\/\\t\"], \"b\":{}} \n")
        #expect(value == .object([
            .init("a", .array([.number(JSONNumber(1)), .number(JSONNumber(0)), .number(JSONNumber(25)), .bool(true), .bool(false),
                               .null, .string("é😀/\t")])),
            .init("b", .object([])),
        ]))
        #expect(value["b"] == .object([]))
        #expect(try JSONParser.parse("\"\u{E9}\u{10FFFF}\"") == .string("\u{E9}\u{10FFFF}"))
    }

    /// NDJSON lines parse from slices of one buffer without copying.
    @Test func parsesSlices() throws {
        let file = Array("{\"id\":1}\n{\"id\":2}\n".utf8)
        let lines = file.split(separator: UInt8(ascii: "\n"))
        #expect(try lines.map { try JSONParser.parse($0)["id"] } == [.number(JSONNumber(1)), .number(JSONNumber(2))])
    }
}
