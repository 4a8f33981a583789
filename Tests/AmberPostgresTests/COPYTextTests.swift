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
