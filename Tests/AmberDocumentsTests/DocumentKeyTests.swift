import AmberCore
import Testing
@testable import AmberDocuments
import AmberTesting

private func number(_ text: String) -> DocumentKey { .number(JSONNumber(text: text)!) }

@Suite("Document keys")
struct DocumentKeyTests {
    @Test(arguments: [
        (DocumentKey.string("ab"), "0261620000"), (.string([0x61, 0x00]), "026100ff0000"),
        (number("0"), "010200"), (number("12.5"), "010380023132350000"),
        (number("-12.5"), "01017ffdcecdcaff00"), (number("9007199254740993"), "0103801039303037313939323534373430393933" + "0001"),
        (.composite([.integer(1)]), "0302800000000000000100"),
        (.composite([.null, .real(1.0), .text("x"), .blob([])]), "030103bff00000000000000478000005000000"),
    ] as [(DocumentKey, String)])
    func encodingVectors(key: DocumentKey, hex: String) throws {
        #expect(Hex.encode(key.encoded) == hex)
        #expect(try DocumentKey(encoded: Hex.decode(hex)!) == key)
    }

    @Test(arguments: [
        (DocumentKey.string("user/42"), "user/42"), (number("1e21"), "1e+21"), (number("-0.50"), "-0.5"),
        (number("18446744073709551615"), "18446744073709551615"),
        (.composite([.integer(42), .text("x"), .blob([0, 1]), .null, .integer(1 << 60)]),
         #"[42,"x",{"$base64":"AAE="},null,{"$int":"1152921504606846976"}]"#),
    ] as [(DocumentKey, String)])
    func display(key: DocumentKey, expected: String) {
        #expect(key.display == expected)
    }

    /// Sorting by encoded bytes gives the same sequence as sorting by key order, and decoding inverts encoding.
    @Test func encodingPreservesOrder() throws {
        var rng = SplitMix64(seed: 2024)
        var keys = (0..<4_000).map { _ in rng.documentKey() }
        keys += [number("1e21"), number("1000000000000000000000"), number("-1e21"), number("-1000000000000000000000"),
                 number("0"), number("5e-324"), number("-5e-324"), .composite([.real(-0.0)]), .composite([.real(0)]),
                 .composite([.real(.nan)]), .composite([.real(-.nan)]), .composite([]), .string([]), .string([0])]
        for key in keys { #expect(try DocumentKey(encoded: key.encoded) == key) }
        let byValue = keys.sorted()
        let byBytes = keys.sorted { $0.encoded.lexicographicallyPrecedes($1.encoded) }
        #expect(byValue.map(\.encoded) == byBytes.map(\.encoded))
        // Pairwise: byte order and value order agree, and equal bytes mean equal keys.
        for _ in 0..<20_000 {
            let (a, b) = (keys[rng.int(0..<keys.count)], keys[rng.int(0..<keys.count)])
            #expect((a < b) == a.encoded.lexicographicallyPrecedes(b.encoded))
            #expect((a == b) == (a.encoded == b.encoded))
        }
    }

    /// Numbers sort numerically, integers and doubles interleaved.
    @Test func numbersSortNumerically() {
        let texts = ["-1e308", "-9007199254740993", "-9007199254740992", "-1", "-0.5", "-1e-300", "0", "1e-300", "0.5", "1",
                     "9007199254740992", "9007199254740993", "1e21", "1000000000000000000001", "1e300"]
        let keys = texts.map(number)
        #expect(keys.shuffled().sorted() == keys)
        #expect(keys.shuffled().sorted { $0.encoded.lexicographicallyPrecedes($1.encoded) } == keys)
    }

    @Test(arguments: ["", "04", "0103", "02610000ff", "026100", "0261000100", "01038002303100", "0103800231300000", "010201", "0306", "030200"])
    func decodeRejects(hex: String) {
        #expect(throws: FormatError.self) { try DocumentKey(encoded: Hex.decode(hex) ?? [0xEE]) }
    }
}
