import AmberCore
import Testing
@testable import AmberDocuments
import AmberTesting

@Suite("Database values")
struct DatabaseValueTests {
    /// Frozen binary encodings (DatabaseValue+Binary.swift documents the format).
    @Test(arguments: [
        (DatabaseValue.null, "00"), (.integer(0), "0100"), (.integer(-1), "0101"), (.integer(1), "0102"),
        (.integer(64), "018001"), (.integer(.max), "01feffffffffffffffff01"), (.integer(.min), "01ffffffffffffffffff01"),
        (.real(1.0), "02000000000000f03f"), (.real(-0.0), "020000000000000080"),
        (.text("hé"), "030368c3a9"), (.blob([0, 255]), "040200ff"), (.text([]), "0300"),
    ] as [(DatabaseValue, String)])
    func binaryVectors(value: DatabaseValue, hex: String) throws {
        #expect(Hex.encode(value.encoded) == hex)
        #expect(try DatabaseValue(encoded: Hex.decode(hex)!) == value)
    }

    @Test(arguments: ["", "05", "0180", "018000", "01ffffffffffffffffff02", "0200", "0305616263", "0000"])
    func binaryRejects(hex: String) {
        #expect(throws: FormatError.self) { try DatabaseValue(encoded: Hex.decode(hex)!) }
    }

    @Test(arguments: [
        (DatabaseValue.null, "null"), (.integer(42), "42"), (.integer(-9007199254740991), "-9007199254740991"),
        (.integer(9007199254740992), #"{"$int":"9007199254740992"}"#), (.integer(.min), #"{"$int":"-9223372036854775808"}"#),
        (.real(4.5), "4.5"), (.real(1e21), "1e+21"), (.real(1e-7), "1e-7"), (.real(3), #"{"$real":"3"}"#),
        (.real(-0.0), #"{"$real":"-0"}"#), (.real(0), #"{"$real":"0"}"#), (.real(.nan), #"{"$real":"NaN"}"#),
        (.real(.infinity), #"{"$real":"Infinity"}"#), (.real(-.infinity), #"{"$real":"-Infinity"}"#),
        (.text("a\"b"), #""a\"b""#), (.text([0xFF, 0x41]), #"{"$textBytes":"/0E="}"#),
        (.blob([]), #"{"$base64":""}"#), (.blob([0xFB, 0xFF]), #"{"$base64":"+/8="}"#), (.blob(Array("abc".utf8)), #"{"$base64":"YWJj"}"#),
    ] as [(DatabaseValue, String)])
    func jsonVectors(value: DatabaseValue, json: String) throws {
        #expect(value.json.canonicalText == json)
        #expect(try DatabaseValue(json: JSONParser.parse(json)) == value)
    }

    @Test(arguments: [
        "true", "[1]", "9007199254740992", #"{"$int":"12"}"# + "x", #"{"$int":"012"}"#, #"{"$int":"99999999999999999999"}"#,
        #"{"$real":"nan"}"#, #"{"$real":"12345678901234567890"}"#, #"{"$base64":"YWJ"}"#, #"{"$base64":"YR=="}"#,
        #"{"$base64":"YQ==","x":"1"}"#, #"{"$blob":"YQ=="}"#, #"{"$base64":1}"#,
    ])
    func jsonRejects(json: String) {
        #expect(throws: (any Error).self) { try DatabaseValue(json: JSONParser.parse(json)) }
    }

    /// Random values survive binary and JSON text round trips exactly (bit patterns included).
    @Test func roundTrips() throws {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20_000 {
            let value = rng.databaseValue()
            #expect(try DatabaseValue(encoded: value.encoded) == value)
            let text = value.json.canonicalBytes
            let back = try DatabaseValue(json: JSONParser.parse(text))
            if case .real(let d) = value, d.isNaN {
                guard case .real(let e) = back else { Issue.record("NaN came back as \(back)"); continue }
                #expect(e.isNaN)
            } else {
                #expect(back == value, "\(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    @Test func rows() throws {
        let row = DatabaseRow([.init("id", .integer(7)), .init("name", .text("Zoë")), .init("photo", .blob([1, 2])),
                               .init("score", .real(2.5)), .init("note", .null)])
        #expect(row.json.canonicalText == #"{"id":7,"name":"Zoë","note":null,"photo":{"$base64":"AQI="},"score":2.5}"#)
        #expect(try DatabaseRow(encoded: row.encoded) == row)
        #expect(try DatabaseRow(json: row.json) == row)
        #expect(throws: FormatError.self) { try DatabaseRow(encoded: row.encoded + [0]) }
    }

    /// Values equal to the key's value at the same position are stored as key references (reals
    /// never): the row decodes exactly with its key, and not without one or with a shorter key.
    @Test func keyReferences() throws {
        let row = DatabaseRow([.init("a", .text("x")), .init("b", .null), .init("c", .integer(3)), .init("d", .real(-0.0)),
                               .init("e", .blob([0])), .init("f", .text("not in key"))])
        let key = DocumentKey.composite([.text("x"), .null, .integer(3), .real(-0.0), .blob([0]), .text("other"), .integer(0)])
        let shared = row.encoded(sharingValuesWith: key)
        #expect(shared.filter { $0 == DatabaseRow.keyReference }.count == 4)
        #expect(shared.count < row.encoded.count)
        let decoded = try DatabaseRow(encoded: shared, key: key.encoded)
        #expect(decoded == row)
        guard case .real(let d) = decoded.columns[3].value else { Issue.record("not a real"); return }
        #expect(d.sign == .minus)
        #expect(row.encoded(sharingValuesWith: nil) == row.encoded)
        #expect(row.encoded(sharingValuesWith: .string(Array("x".utf8))) == row.encoded)
        #expect(throws: FormatError.self) { try DatabaseRow(encoded: shared) }
        #expect(throws: FormatError.self) { try DatabaseRow(encoded: shared, key: DocumentKey.composite([.text("x")]).encoded) }
        #expect(throws: FormatError.self) { try DatabaseRow(encoded: shared, key: DocumentKey.string([0x78]).encoded) }
    }
}
