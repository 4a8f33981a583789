import Foundation
import Testing

/// `amber key list | add | remove | passwd`.
@Suite(.serialized)
struct KeyCommandTests {
    struct KeyJSON: Decodable {
        let id: String
        let current: Bool
        let created: String
        let n: UInt64
    }

    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    func keys(_ runner: AmberRunner, password: String? = nil) throws -> [KeyJSON] {
        let result = runner.run(["key", "list", "--json"], password: password)
        #expect(result.code == 0, "\(result.stderr)")
        return try JSONDecoder().decode([KeyJSON].self, from: Data(result.stdout.utf8))
    }

    func adding(_ runner: AmberRunner, _ newPassword: String) -> AmberRunner {
        var runner = runner
        runner.extraEnvironment["AMBER_NEW_PASSWORD"] = newPassword
        return runner
    }

    @Test func addThenOpenWithEitherPassword() throws {
        #expect(amber.run(["init"]).code == 0)
        let add = adding(amber, "second secret").run(["key", "add"])
        #expect(add.code == 0, "\(add.stderr)")
        #expect(add.stdout.contains("added key"))

        let listed = try keys(amber)
        #expect(listed.count == 2)
        #expect(listed.filter(\.current).count == 1)
        #expect(listed.allSatisfy { $0.n == 1024 && !$0.created.isEmpty })
        let viaSecond = try keys(amber, password: "second secret")
        #expect(viaSecond.filter(\.current).map(\.id) != listed.filter(\.current).map(\.id))
        #expect(amber.run(["snapshots"], password: "second secret").code == 0)
        #expect(amber.run(["snapshots"], password: "nope").code == 12)

        let text = amber.run(["key", "list"])
        #expect(text.code == 0)
        #expect(text.stdout.contains("* "), "\(text.stdout)")
    }

    @Test func newPasswordFromAFile() throws {
        #expect(amber.run(["init"]).code == 0)
        let file = temp.sub("new-password")
        writeFile(file, Array("from a file\n".utf8))
        let add = amber.run(["key", "add", "--new-password-file", file])
        #expect(add.code == 0, "\(add.stderr)")
        #expect(amber.run(["snapshots"], password: "from a file").code == 0)
        let missing = amber.run(["key", "add"])
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("AMBER_NEW_PASSWORD"), "\(missing.stderr)")
    }

    @Test func removeRefusesTheKeyInUseAndTheLastKey() throws {
        #expect(amber.run(["init"]).code == 0)
        let only = try #require(try keys(amber).first)
        let last = amber.run(["key", "remove", String(only.id.prefix(8))])
        #expect(last.code == 1)
        #expect(last.stderr.contains("last key"), "\(last.stderr)")

        #expect(adding(amber, "second secret").run(["key", "add"]).code == 0)
        let inUse = amber.run(["key", "remove", String(only.id.prefix(8))])
        #expect(inUse.code == 1)
        #expect(inUse.stderr.contains("in use"), "\(inUse.stderr)")
        #expect(amber.run(["key", "remove", "zz"]).code == 1)

        // Opened with the second password, the first key can go.
        let removed = amber.run(["key", "remove", String(only.id.prefix(10))], password: "second secret")
        #expect(removed.code == 0, "\(removed.stderr)")
        #expect(amber.run(["snapshots"]).code == 12)
        #expect(try keys(amber, password: "second secret").count == 1)
    }

    @Test func passwdChangesThePassword() throws {
        let source = temp.sub("data")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        let old = try keys(amber)
        let passwd = adding(amber, "brand new").run(["key", "passwd"])
        #expect(passwd.code == 0, "\(passwd.stderr)")

        let wrong = amber.run(["snapshots"])
        #expect(wrong.code == 12, "\(wrong.stderr)")
        let now = try keys(amber, password: "brand new")
        #expect(now.count == 1)
        #expect(now[0].id != old[0].id)
        #expect(now[0].current)
        let target = temp.sub("restore")
        #expect(amber.run(["restore", "latest", "--target", target], password: "brand new").code == 0)
        #expect(TreeFixture.differences(source, target + "/data") == [])
    }

    @Test func wrongPasswordIsExit12() {
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["key", "list"], password: "nope").code == 12)
        #expect(adding(amber, "x").run(["key", "add"], password: "nope").code == 12)
    }
}
