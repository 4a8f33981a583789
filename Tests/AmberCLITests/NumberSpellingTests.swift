import Foundation
import Testing

/// JSON documents give back the numbers they were given (issue: "Numbers change"): `1.0`,
/// `-0.0`, `1E2`, digits beyond a double's and underflowing exponents come back as written,
/// through both the one-pass transcoder and the general parser, from `ndjson:` and `json:`
/// sources. The oracle is the source file itself: its lines are written in stored form (members
/// in key order, no spaces, ids ascending), so a restore must give back the same bytes.
@Suite(.serialized)
struct NumberSpellingTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// Documents whose numbers RFC 8785 would respell. The ones with an exponent or more than
    /// 300 integer digits take the general parser, the others the transcoder.
    static let lines = [
        #"{"id":1,"v":1.0}"#,
        #"{"id":2,"v":-0.0}"#,
        #"{"id":3,"v":1E2}"#,
        #"{"id":4,"v":3.14159265358979323846}"#,
        #"{"id":5,"v":-0}"#,
        #"{"id":6,"v":1e-400}"#,
        #"{"id":7,"v":[0.10,100.50,2.5e+3,12345678901234567890.000,-0.000001]}"#,
        #"{"id":8,"v":{"x":9007199254740993,"y":1.5E-7,"z":0.0000001}}"#,
        #"{"id":9,"v":1"# + String(repeating: "0", count: 301) + ".5}",
        #"{"id":10,"v":[4.50,1e21]}"#,
    ]

    private func write(_ lines: [String], to path: String) {
        writeFile(path, Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    @Test func ndjsonNumbersComeBackAsWritten() throws {
        let source = temp.sub("numbers.ndjson")
        write(Self.lines, to: source)
        #expect(amber.run(["init"]).code == 0)
        let backup = amber.run(["backup", "ndjson:" + source])
        #expect(backup.code == 0, "\(backup.stderr)")
        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", "ndjson:" + out, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(text(out + "/numbers.ndjson") == text(source))
        #expect(amber.run(["dump", "latest", "numbers", "4"]).stdout == Self.lines[3] + "\n")
        #expect(amber.run(["dump", "latest", "numbers", "7"]).stdout == Self.lines[6] + "\n")

        // Spacing, member order and escapes still make no difference; a respelled number does.
        var respaced = Self.lines
        respaced[0] = #"{ "v" : 1.0 , "id" : 1 }"#
        respaced[1] = #"{"v":-0.0,"id":2,"s":"\u00e9"}"#
        respaced[2] = #"{"id":3,"v":100}"#
        write(respaced, to: source)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        let list = amber.run(["snapshots", "--json"])
        let ids = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]).compactMap { $0["short_id"] as? String }
        try #require(ids.count == 2)
        let diff = amber.run(["diff", ids[0], ids[1], "--json"])
        let changes = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        let collection = try #require((changes["collections"] as? [[String: Any]])?.first, "\(diff.stdout)")
        #expect(collection["changed"] as? [String] == ["2", "3"], "\(diff.stdout)")
        let again = temp.sub("again")
        #expect(amber.run(["restore", "latest", "--target", "ndjson:" + again, "--verify"]).code == 0)
        var expected = Self.lines
        expected[1] = #"{"id":2,"s":"é","v":-0.0}"#
        expected[2] = #"{"id":3,"v":100}"#
        #expect(text(again + "/numbers.ndjson") == expected.joined(separator: "\n") + "\n")
    }

    @Test func jsonArrayNumbersComeBackAsWritten() throws {
        let source = temp.sub("numbers.json")
        writeFile(source, Array(("[\n" + Self.lines.joined(separator: ",\n") + "\n]\n").utf8))
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "json:" + source]).code == 0)
        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", "ndjson:" + out])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(text(out + "/numbers.ndjson") == Self.lines.joined(separator: "\n") + "\n")
    }

    /// An id is a key by value: `1.0` and `1` are one id, so a file holding both is refused.
    @Test func idsCompareByValue() throws {
        let source = temp.sub("ids.ndjson")
        write([#"{"id":1.0,"v":"a"}"#, #"{"id":2,"v":"b"}"#], to: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        #expect(amber.run(["dump", "latest", "ids", "1"]).stdout == #"{"id":1.0,"v":"a"}"# + "\n")
        write([#"{"id":1.0,"v":"a"}"#, #"{"id":1,"v":"b"}"#], to: source)
        let duplicate = amber.run(["backup", "ndjson:" + source])
        #expect(duplicate.code != 0)
        #expect(duplicate.stderr.contains("ids.ndjson"), "\(duplicate.stderr)")
    }
}
