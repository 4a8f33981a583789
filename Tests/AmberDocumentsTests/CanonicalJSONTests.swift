import Testing
@testable import AmberDocuments
import AmberTesting

@Suite("RFC 8785 canonical JSON")
struct CanonicalJSONTests {
    /// RFC 8785 Appendix B and cyberphone `testdata/README.md`: IEEE-754 bits → ECMAScript text.
    @Test(arguments: [
        ("0000000000000000", "0"), ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"), ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"), ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"), ("c340000000000000", "-9007199254740992"),
        ("4340000000000001", "9007199254740994"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"), ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"), ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"), ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"), ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"), ("43143ff3c1cb0959", "1424953923781206.2"),
    ])
    func numberVectors(bits: String, expected: String) {
        let value = Double(bitPattern: UInt64(bits, radix: 16)!)
        #expect(String(decoding: CanonicalJSON.numberText(value), as: UTF8.self) == expected)
    }

    /// Layout boundaries of ECMA-262 Number::toString that Swift's `description` lays out differently.
    @Test(arguments: [
        (100.0, "100"), (1e16, "10000000000000000"), (1e-5, "0.00001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
        (1e20, "100000000000000000000"), (1e21, "1e+21"), (123e18, "123000000000000000000"), (-0.0, "0"),
        (0.1, "0.1"), (-1.25, "-1.25"), (5e-7, "5e-7"), (1.2345e-6, "0.0000012345"), (1.23e-18, "1.23e-18"),
    ] as [(Double, String)])
    func layout(value: Double, expected: String) {
        #expect(String(decoding: CanonicalJSON.numberText(value), as: UTF8.self) == expected)
    }

    /// RFC 8785 §3.2.2 sample.
    @Test func rfcSample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(try JSONParser.parse(input).canonicalText == expected)
    }

    /// RFC 8785 §3.2.3 sorting sample: UTF-16 order puts the emoji (D83D) before U+FB33.
    @Test func rfcSortingSample() throws {
        let input = #"""
            {"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",
             "\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}
            """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\","
            + "\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(try JSONParser.parse(input).canonicalText == expected)
    }

    @Test func stringEscapes() {
        let all = JSONValue.string((0..<0x80).map { UInt8($0) } + Array("é😀".utf8))
        let text = all.canonicalText
        #expect(text.hasPrefix(#""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010"#))
        #expect(text.contains(##"\u001f !\"#$%&'()*+,-./0"##))
        #expect(text.hasSuffix("[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7F}é😀\""))
    }

    @Test func noNormalization() throws {
        let value = try JSONParser.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        #expect(value.canonicalText == "{\"e\u{301}\":2,\"\u{E9}\":1}")
    }

    /// UTF-16 order computed on UTF-8 agrees with comparing `String.utf16`.
    @Test func utf16OrderMatchesReference() {
        var rng = SplitMix64(seed: 16)
        for _ in 0..<20_000 {
            let (a, b) = (rng.unicodeString(maxLength: 3), rng.unicodeString(maxLength: 3))
            let reference = String(decoding: a, as: UTF8.self).utf16.lexicographicallyPrecedes(String(decoding: b, as: UTF8.self).utf16)
            #expect(UTF16Order.precedes(a, b) == reference)
        }
    }

    /// parse(canonical(x)) canonicalizes to the same bytes, and so do shuffled, re-spaced, re-escaped spellings.
    @Test func canonicalIsAFixedPointAndIgnoresSpelling() throws {
        var rng = SplitMix64(seed: 8785)
        for _ in 0..<2_000 {
            let value = rng.jsonValue()
            let canonical = value.canonicalBytes
            #expect(try JSONParser.parse(canonical).canonicalBytes == canonical)
            #expect(try JSONParser.parse(scrambled(value, &rng)).canonicalBytes == canonical)
        }
    }

    /// Every finite double survives text → double → text → double bit for bit (−0 aside).
    @Test func doublesRoundTrip() throws {
        var rng = SplitMix64(seed: 754)
        for _ in 0..<50_000 {
            let d = rng.finiteDouble()
            let parsed = try JSONParser.parse(CanonicalJSON.numberText(d))
            guard case .number(let n) = parsed else { Issue.record("not a number"); return }
            #expect(n.double == d && !n.isExactInteger)
        }
    }
}
