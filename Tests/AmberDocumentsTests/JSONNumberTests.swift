import Testing
@testable import AmberDocuments

@Suite("JSON numbers beyond the double range of integers")
struct JSONNumberTests {
    /// Integer literals whose double text would differ are kept exactly; all others are RFC 8785.
    @Test(arguments: [
        ("9007199254740991", "9007199254740991", false), ("9007199254740992", "9007199254740992", false),
        ("9007199254740993", "9007199254740993", true), ("-9007199254740993", "-9007199254740993", true),
        ("1152921504606846976", "1152921504606846976", true), ("18446744073709551615", "18446744073709551615", true),
        ("123456789012345678901234567890", "123456789012345678901234567890", true),
        ("100000000000000000000", "100000000000000000000", false), ("1000000000000000000000", "1000000000000000000000", true),
        ("9007199254740993.0", "9007199254740992", false), ("1e21", "1e+21", false), ("-0", "0", false),
        ("4.50", "4.5", false), ("1E30", "1e+30", false), ("1e-400", "0", false), ("0.000000000000000000000000001", "1e-27", false),
    ] as [(String, String, Bool)])
    func canonicalText(input: String, expected: String, exact: Bool) throws {
        let number = try #require(JSONNumber(text: input))
        #expect(number.description == expected)
        #expect(number.isExactInteger == exact)
        #expect(JSONNumber(text: expected) == number)
    }

    @Test func int64Conversions() {
        for v: Int64 in [0, 1, -1, 1 << 53, (1 << 53) + 1, .max, .min, -(1 << 60) - 1] {
            let n = JSONNumber(v)
            #expect(n.description == String(v))
            #expect(n.int64 == v)
        }
        #expect(JSONNumber(2.5)?.int64 == nil)
        #expect(JSONNumber(.nan) == nil && JSONNumber(.infinity) == nil)
        #expect(JSONNumber(-0.0)?.double.sign == .plus)
    }

    /// A number read from text keeps its spelling for stored documents; keys and `==` go by value.
    @Test(arguments: [
        ("1.0", "1"), ("-0.0", "0"), ("-0", "0"), ("1E2", "100"), ("4.50", "4.5"), ("1e-400", "0"),
        ("3.14159265358979323846", "3.141592653589793"), ("1.5e-7", "1.5e-7"), ("17", "17"), ("9007199254740993", "9007199254740993"),
    ] as [(String, String)])
    func spellingIsKeptBesideTheValue(input: String, canonical: String) throws {
        let number = try #require(JSONNumber(text: input))
        #expect(number.description == canonical)
        #expect(String(decoding: number.spelling ?? number.canonicalText, as: UTF8.self) == input)
        let document = try JSONParser.parse(Array("[\(input)]".utf8))
        #expect(String(decoding: CanonicalJSON.serialize(document, numbers: .asWritten), as: UTF8.self) == "[\(input)]")
        #expect(String(decoding: CanonicalJSON.serialize(document), as: UTF8.self) == "[\(canonical)]")
        let plain = try #require(JSONNumber(text: canonical))
        #expect(number == plain && number.hashValue == plain.hashValue)
        #expect(DocumentKey(json: .number(number))?.encoded == DocumentKey(json: .number(plain))?.encoded)
        #expect(DocumentKey.string(Array(input.utf8)).encoded.count == input.utf8.count + 3)
    }
}
