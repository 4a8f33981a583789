import AmberDocuments
@testable import AmberPostgres
import Testing

@Suite("COPY text format")
struct COPYTextTests {
    @Test(arguments: [
        (#"1\N\Nx"#.replacing("\\N\\N", with: "\t\\N\t"), [DatabaseValue.text("1"), .null, .text("x")]),
        (#"a\tb\\c\nd\re\101\x41\q"#, [.text("a\tb\\c\nd\reAAq")]),
        ("\t", [.text(""), .text("")]),
        (#"\N"#, [.null]),
        // Plain fields (copied whole) beside escaped ones, and empty fields at either end.
        ("plain\t" + #"es\tc"# + "\t\tlast", [.text("plain"), .text("es\tc"), .text(""), .text("last")]),
        ("\tx\t", [.text(""), .text("x"), .text("")]),
        ("", [.text("")]),
        (#"\Nx"#, [.text("Nx")]),
        (#"\0\377\x7"#, [.text([0, 255, 7])]),
    ] as [(String, [DatabaseValue])])
    func parse(line: String, values: [DatabaseValue]) throws {
        #expect(try COPYText.parse(Array(line.utf8)) == values)
    }

    /// Encoding a line straight into row bytes gives exactly `DatabaseRow(…).encoded` of the
    /// parsed values, and the recorded positions hold each value's text.
    @Test(arguments: [
        "1\t\\N\tx", #"a\tb\\c\nd\re\101\x41\q"# + "\tz\t", "\t\t", #"\N"# + "\t" + #"\N"# + "\tplain",
        // Lengths of two and three varint bytes, escapes in a long value, an empty last value.
        String(repeating: "x", count: 200) + "\t" + String(repeating: "\\t", count: 17_000) + "\t",
    ])
    func encodeRowMatchesTheRowEncoding(line: String) throws {
        let bytes = Array(line.utf8)
        let values = try COPYText.parse(bytes)
        // Names of one- and two-byte length varints.
        let names = values.indices.map { Array("column \($0)".utf8) + ($0 == 1 ? Array(repeating: 0x6E, count: 130) : []) }
        let (out, fields) = try encode(bytes, names: names)
        #expect(out == DatabaseRow(zip(names, values).map { DatabaseRow.Column(name: $0, value: $1) }).encoded)
        for (field, value) in zip(fields, values) {
            if case .text(let text) = value { #expect(field.map { Array(out[$0]) } == text) } else { #expect(field == nil) }
        }
        // A line with another number of values than the columns is refused.
        #expect(throws: PGError.self) { _ = try encode(bytes, names: names + [[0x78]]) }
        if !names.isEmpty { #expect(throws: PGError.self) { _ = try encode(bytes, names: Array(names.dropLast())) } }
    }

    /// A backslash ending the line is refused by both readers, in a plain line or after an escape.
    @Test(arguments: ["abc\\", "a\\tb\\", "x\t\\"])
    func aBackslashEndingTheLineIsRefused(line: String) {
        let bytes = Array(line.utf8)
        #expect(throws: PGError.self) { _ = try COPYText.parse(bytes) }
        #expect(throws: PGError.self) { _ = try encode(bytes, names: [[0x61], [0x62]]) }
    }

    private func encode(_ line: [UInt8], names: [[UInt8]]) throws -> ([UInt8], [Range<Int>?]) {
        try line.withUnsafeBytes { raw in
            Result { () throws(PGError) -> ([UInt8], [Range<Int>?]) in
                var fields = [Range<Int>?]()
                let out = try COPYText.encodeRow(raw, layout: COPYText.RowLayout(names: names), fields: &fields)
                return (out, fields)
            }
        }.get()
    }

    /// A stored row becomes the same COPY line whether decoded first or not; other engines'
    /// value types and escapes included, and values stored as references to the row's key (a
    /// content key: the values then an ordinal); other column names are refused.
    @Test func encodedRowsBecomeTheSameCOPYLine() throws {
        let rows: [[DatabaseValue]] = [
            [.text("plain"), .null, .text("tab\there\\ and\nnewline"), .text("")],
            [.integer(-42), .real(2.5), .blob([0, 0xFF]), .null],
            [.text("ünïcødé ✓")],
        ]
        for values in rows {
            let names = values.indices.map { Array("c\($0)".utf8) }
            let row = DatabaseRow(zip(names, values).map { DatabaseRow.Column(name: $0, value: $1) })
            let key = DocumentKey.composite(values + [.integer(0)])
            var decoded = [UInt8]()
            COPYText.append(values, to: &decoded)
            for encoded in [row.encoded, row.encoded(sharingValuesWith: key)] {
                var direct = [UInt8]()
                try COPYText.appendEncodedRow(encoded, key: key.encoded, columns: names, to: &direct)
                #expect(direct == decoded)
                var other = [UInt8]()
                #expect(throws: PGError.self) { try COPYText.appendEncodedRow(encoded, key: key.encoded, columns: names.reversed() + [[0x7A]], to: &other) }
                #expect(throws: PGError.self) { try COPYText.appendEncodedRow(encoded + [0], key: key.encoded, columns: names, to: &other) }
            }
            // A row that refers to its key cannot be read with another one.
            let shared = row.encoded(sharingValuesWith: key)
            if shared != row.encoded {
                var other = [UInt8]()
                #expect(throws: PGError.self) { try COPYText.appendEncodedRow(shared, key: DocumentKey.composite([]).encoded, columns: names, to: &other) }
            }
        }
    }

    @Test(arguments: [
        ("0", Int64(0)), ("-1", -1), ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("9223372036854775808", nil), ("", nil), ("-", nil), ("1.5", nil), ("+1", nil), (" 1", nil),
    ] as [(String, Int64?)])
    func integerKeyText(text: String, value: Int64?) {
        #expect(PostgresSchema.Table.integer(ArraySlice(Array(text.utf8))) == value)
    }

    @Test func roundTrip() throws {
        let values: [DatabaseValue] = [.text("a\tb\\\n\r\u{8}"), .null, .text(""), .text("\\N"), .blob([0, 0xAB]), .integer(-3)]
        var line = [UInt8]()
        COPYText.append(values, to: &line)
        #expect(try COPYText.parse(line) == [values[0], .null, .text(""), .text("\\N"), .text("\\xab".replacing("\\xab", with: "\\x00ab")), .text("-3")])
    }

    @Test func backslashAtEnd() {
        #expect(throws: PGError.self) { try COPYText.parse(Array("abc\\".utf8)) }
    }
}
