import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A repository written by an earlier release stays readable and writable: the fixture
/// `Tests/Fixtures/repository-v1` (written by a release build of 24f7fd2 with
/// `Tests/Fixtures/make-repository-v1.sh`; see its README) is restored snapshot by snapshot and
/// compared with outputs that come from the inputs, not from amber; then a new backup goes into a
/// copy of it. A format change must keep this test passing (format.md §19).
///
/// Snapshots are found by tag (s1…s6, `expected/snapshots.json`): their ids change whenever the
/// fixture is regenerated. Needs the sqlite3 and gzip commands.
@Suite(.serialized)
struct OldRepositoryTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let expected = fixture + "/repository-v1/expected"

    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// One snapshot of the fixture: which state of each source it holds (`expected/snapshots.json`).
    struct Entry: Decodable {
        let tag: String
        let host: String
        let files: Int?
        let users: Int?
        let app: Int?
    }

    // MARK: - Reading

    @Test func everySnapshotRestoresAsItWasBackedUp() throws {
        try copyFixture()
        try expectEverySnapshotRestores()
    }

    /// The keys of the old repository rotate (its objects stay readable under generation 0),
    /// then retire: every snapshot restores as before each time, and `check --read-data` is clean.
    @Test func theOldRepositorysKeysRotateAndRetire() throws {
        try copyFixture()
        let rotate = amber.run(["key", "rotate", "--json"])
        #expect(rotate.code == 0 && rotate.stdout.contains("\"generation\":1"), "\(rotate.stdout) \(rotate.stderr)")
        try expectEverySnapshotRestores(into: "rotated-")
        let retire = amber.run(["key", "retire", "--json"])
        #expect(retire.code == 0 && retire.stdout.contains("\"complete\":true"), "\(retire.stdout) \(retire.stderr)")
        #expect(retire.stdout.contains("\"retiredGenerations\":[0]"), "\(retire.stdout)")
        try expectEverySnapshotRestores(into: "retired-")
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")
    }

    /// Restores every snapshot of the fixture (found by tag) into targets named with `prefix`
    /// and compares them with the expected outputs.
    private func expectEverySnapshotRestores(into prefix: String = "") throws {
        let ids = try snapshotIDs()
        let entries = try fixtureEntries()
        #expect(Set(ids.keys) == Set(entries.map(\.tag)), "\(ids)")
        for entry in entries {
            let id = try #require(ids[entry.tag]?.id)
            #expect(ids[entry.tag]?.host == entry.host)
            if let state = entry.files {
                let target = temp.sub(prefix + "files-" + entry.tag)
                let r = amber.run(["restore", id, "--target", target, "--include", "files"])
                #expect(r.code == 0, "\(entry.tag): \(r.stderr)")
                #expect(try listing(target + "/files") == text(Self.expected + "/files-\(state).txt"), "\(entry.tag)")
            }
            if let state = entry.users {
                let want = try gunzip(Self.expected + "/users-\(state).ndjson.gz")
                let target = temp.sub(prefix + "ndjson-" + entry.tag)
                let r = amber.run(["restore", id, "--target", "ndjson:" + target, "--verify"])
                #expect(r.code == 0, "\(entry.tag): \(r.stderr)")
                #expect(try text(target + "/users.ndjson") == want, "\(entry.tag)")
                let dump = amber.run(["dump", id, "users"])
                #expect(dump.code == 0 && dump.stdout == want, "\(entry.tag): \(dump.stderr)")
                try expectDocuments(id, tag: entry.tag, expected: want)
            }
            if let state = entry.app {
                let target = temp.sub(prefix + "app-\(entry.tag).db")
                let r = amber.run(["restore", id, "--target", "sqlite:" + target, "--verify"])
                #expect(r.code == 0, "\(entry.tag): \(r.stderr)")
                #expect(try sqliteDump(target) == expectedDump(Self.expected + "/app-\(state).sql"), "\(entry.tag)")
            }
        }
    }

    @Test func diffsListExactlyTheChangedKeys() throws {
        try copyFixture()
        let ids = try snapshotIDs().mapValues(\.id)
        let users = try #require(try JSONSerialization.jsonObject(with: data(Self.expected + "/users-diff.json")) as? [String: [String: [String]]])
        for (a, b, states) in [("s1", "s2", "0-1"), ("s2", "s3", "1-2"), ("s1", "s3", "0-2")] {
            let got = try diff(ids[a]!, ids[b]!)
            #expect(got["users"] == users[states], "\(a)..\(b): \(String(describing: got["users"]))")
        }
        let app = try #require(try JSONSerialization.jsonObject(with: data(Self.expected + "/app-diff.json")) as? [String: [String: [String]]])
        #expect(try diff(ids["s4"]!, ids["s5"]!) == app)
        // The forced snapshot holds compact manifests with the contents of the runs before it.
        let none = ["added": [String](), "changed": [], "removed": []]
        #expect(try diff(ids["s3"]!, ids["s6"]!)["users"] == none)
        let tables = try diff(ids["s5"]!, ids["s6"]!)
        for table in ["events", "items", "notes", "pairs", "tags", "unused"] { #expect(tables[table] == none, "\(table)") }
    }

    @Test func incrementalRestoresAndCheckPass() throws {
        try copyFixture()
        let ids = try snapshotIDs().mapValues(\.id)
        let db = temp.sub("incremental.db")
        #expect(amber.run(["restore", ids["s4"]!, "--target", "sqlite:" + db]).code == 0)
        let sqlite = amber.run(["restore", ids["s5"]!, "--target", "sqlite:" + db, "--from", ids["s4"]!, "--verify", "--json"])
        #expect(sqlite.code == 0 && sqlite.stdout.contains("\"verified\":true"), "\(sqlite.stdout) \(sqlite.stderr)")
        #expect(try sqliteDump(db) == expectedDump(Self.expected + "/app-1.sql"))

        let out = temp.sub("incremental-ndjson")
        #expect(amber.run(["restore", ids["s1"]!, "--target", "ndjson:" + out]).code == 0)
        let ndjson = amber.run(["restore", ids["s3"]!, "--target", "ndjson:" + out, "--from", ids["s1"]!, "--verify", "--json"])
        #expect(ndjson.code == 0 && ndjson.stdout.contains("\"verified\":true"), "\(ndjson.stdout) \(ndjson.stderr)")
        #expect(try text(out + "/users.ndjson") == gunzip(Self.expected + "/users-2.ndjson.gz"))

        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")
    }

    // MARK: - Writing

    /// A new backup of changed sources builds on the old snapshots (runs on their runs, for host
    /// "fixture"; on the compact manifests of s6 for host "fixture-forced"), restores exactly,
    /// and the repository still checks after pruning the first snapshot away.
    @Test func aNewBackupIntoTheOldRepositoryRestoresExactly() throws {
        try copyFixture()
        let ids = try snapshotIDs().mapValues(\.id)
        let src = temp.sub("src")
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        var runner = amber
        runner.currentDirectory = src  // sources as the fixture recorded them: relative paths

        // The directory: s3's tree, as restored (and compared above), changed.
        #expect(amber.run(["restore", ids["s3"]!, "--target", src, "--include", "files"]).code == 0)
        #expect(try listing(src + "/files") == text(Self.expected + "/files-1.txt"))
        writeFile(src + "/files/new.txt", Array("added after the format change\n".utf8), mtime: (1_800_000_000, 42))
        writeFile(src + "/files/readme.txt", Array(try text(src + "/files/readme.txt").utf8) + Array("appended\n".utf8), mtime: (1_800_000_001, 0))
        try FileManager.default.removeItem(atPath: src + "/files/sub/nested.json")
        setTime(src + "/files/sub", 1_800_000_002, 7)
        let files = try listing(src + "/files")

        // The collection: the last state, changed, added to and deleted from (key order kept).
        var lines = try gunzip(Self.expected + "/users-2.ndjson.gz").split(separator: "\n").map(String.init)
        func index(_ id: String) throws -> Int {
            let found = lines.indices.filter { lines[$0].contains("\"id\":\(id),") }
            try #require(found.count == 1, "id \(id)")
            return found[0]
        }
        let big = #"{"id":1024,"payload":""# + String(repeating: "after ", count: 900) + #""}"#  // chunked
        for (id, line) in [("2", #"{"city":"Oslo","id":2,"n":7,"tags":["after"]}"#), ("1024", big),
                           (#""escapes""#, #"{"id":"escapes","s":"\u0000 \"after\""}"#)] {
            let i = try index(id)
            lines[i] = line
        }
        let beforeLast = try index(#""élève""#)
        lines.insert(#"{"id":"zz-after","n":1}"#, at: beforeLast)
        let after4500 = try index("4500") + 1
        lines.insert(#"{"id":5000,"n":2}"#, at: after4500)
        for id in [#""alpha""#, "1"] {
            let i = try index(id)
            lines.remove(at: i)
        }
        let users = lines.joined(separator: "\n") + "\n"
        writeFile(src + "/users.ndjson", Array(users.utf8))

        // The database: s5's, loaded from its dump, changed.
        _ = try runTool(["sqlite3", src + "/app.db"], stdin: data(Self.expected + "/app-1.sql"))
        _ = try runTool(["sqlite3", src + "/app.db", """
            UPDATE items SET qty = 999 WHERE id = 42;
            DELETE FROM pairs WHERE region = 'eu' AND code = 'c001';
            INSERT INTO notes(rowid, body, n) VALUES (200, 'after', 1);
            UPDATE notes SET body = 'short now' WHERE rowid = 100;
            PRAGMA user_version = 7;
            """])
        let app = try sqliteDump(src + "/app.db")

        let sources = ["files", "ndjson:users.ndjson", "sqlite:app.db"]
        let backup = runner.run(["backup"] + sources + ["--host", "fixture", "--tag", "after", "--json"])
        #expect(backup.code == 0, "\(backup.stderr)")
        #expect(!backup.stderr.contains("note:"), "the old snapshots are parents: \(backup.stderr)")
        let forced = runner.run(["backup"] + sources + ["--host", "fixture-forced", "--tag", "after-forced"])
        #expect(forced.code == 0, "\(forced.stderr)")
        let after = try snapshotIDs()
        let new = try #require(after["after"]?.id), newForced = try #require(after["after-forced"]?.id)

        for id in [new, newForced] {
            let tree = temp.sub("restored-files-" + id)
            #expect(amber.run(["restore", id, "--target", tree, "--include", "files"]).code == 0)
            #expect(try listing(tree + "/files") == files, "\(id)")
            let ndjson = temp.sub("restored-ndjson-" + id)
            let r = amber.run(["restore", id, "--target", "ndjson:" + ndjson, "--verify"])
            #expect(r.code == 0, "\(r.stderr)")
            #expect(try text(ndjson + "/users.ndjson") == users, "\(id)")
            let db = temp.sub("restored-\(id).db")
            let intoSQLite = amber.run(["restore", id, "--target", "sqlite:" + db, "--verify"])
            #expect(intoSQLite.code == 0)
            // The NDJSON collection backed up with the database is named, not silently left out.
            #expect(intoSQLite.stderr.contains("the snapshot also holds users (1 collection: users)"), "\(intoSQLite.stderr)")
            #expect(try sqliteDump(db) == app, "\(id)")
        }
        #expect(amber.run(["dump", new, "users", "1024"]).stdout == big + "\n")
        #expect(amber.run(["dump", new, "users", "alpha"]).code == 1)

        #expect(try diff(ids["s3"]!, new)["users"]
                == ["added": ["5000", "zz-after"], "changed": ["2", "1024", "escapes"], "removed": ["1", "alpha"]])
        let tables = try diff(ids["s5"]!, new)
        #expect(tables["events"] == ["added": ["[28]"], "changed": [], "removed": []])  // the trigger's row
        #expect(tables["items"] == ["added": [], "changed": ["[42]"], "removed": []])
        #expect(tables["notes"] == ["added": ["[200]"], "changed": ["[100]"], "removed": []])
        #expect(tables["pairs"] == ["added": [], "changed": [], "removed": ["[\"eu\",\"c001\"]"]])
        let same = try diff(new, newForced)
        #expect(same.values.allSatisfy { $0 == ["added": [], "changed": [], "removed": []] }, "\(same)")

        let incremental = temp.sub("incremental.db")
        #expect(amber.run(["restore", ids["s5"]!, "--target", "sqlite:" + incremental]).code == 0)
        let applied = amber.run(["restore", new, "--target", "sqlite:" + incremental, "--from", ids["s5"]!, "--verify", "--json"])
        #expect(applied.code == 0 && applied.stdout.contains("\"verified\":true"), "\(applied.stdout) \(applied.stderr)")
        #expect(try sqliteDump(incremental) == app)

        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")

        // s1 holds the tree that s2, s3 and the new snapshot build on: pruning it keeps that tree.
        let prune = amber.run(["forget", ids["s1"]!, "--prune"])
        #expect(prune.code == 0, "\(prune.stderr)")
        let checkAfterPrune = amber.run(["check", "--read-data"])
        #expect(checkAfterPrune.code == 0, "\(checkAfterPrune.stdout) \(checkAfterPrune.stderr)")
        for (id, want) in [(ids["s2"]!, try gunzip(Self.expected + "/users-1.ndjson.gz")), (new, users)] {
            let out = temp.sub("after-prune-" + id)
            #expect(amber.run(["restore", id, "--target", "ndjson:" + out, "--verify"]).code == 0)
            #expect(try text(out + "/users.ndjson") == want, "\(id)")
        }
        // All of this went into the copy.
        let committed = try FileManager.default.contentsOfDirectory(atPath: Self.fixture + "/repository-v1/repository/snapshots")
        #expect(committed.count == 6, "\(committed)")
    }

    // MARK: - Helpers

    /// Copies the committed repository (never used in place) and adds the empty directories a git
    /// checkout leaves out: `locks`, `plans` and the `data/00` … `data/ff` a new pack may go to.
    private func copyFixture() throws {
        let repo = temp.sub("repo")
        try FileManager.default.copyItem(atPath: Self.fixture + "/repository-v1/repository", toPath: repo)
        for dir in ["keys", "data", "index", "snapshots", "locks", "plans"] + (0..<256).map({ "data/" + String(format: "%02x", $0) }) {
            try FileManager.default.createDirectory(atPath: repo + "/" + dir, withIntermediateDirectories: true)
        }
    }

    private func fixtureEntries() throws -> [Entry] {
        try JSONDecoder().decode([Entry].self, from: data(Self.expected + "/snapshots.json"))
    }

    /// Tag → (short id, host) of every snapshot in the copy.
    private func snapshotIDs() throws -> [String: (id: String, host: String)] {
        let r = amber.run(["snapshots", "--json"])
        try #require(r.code == 0, "\(r.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        var result = [String: (id: String, host: String)]()
        for s in list {
            for tag in s["tags"] as? [String] ?? [] { result[tag] = (s["short_id"] as? String ?? "", s["host"] as? String ?? "") }
        }
        return result
    }

    /// Collection name → added, changed, removed keys, from `amber diff --json`.
    private func diff(_ a: String, _ b: String) throws -> [String: [String: [String]]] {
        let r = amber.run(["diff", a, b, "--json"])
        try #require(r.code == 0, "\(r.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        var result = [String: [String: [String]]]()
        for c in parsed["collections"] as? [[String: Any]] ?? [] {
            let name = try #require(c["name"] as? String)
            result[name] = ["added": c["added"] as? [String] ?? ["?"], "changed": c["changed"] as? [String] ?? ["?"],
                            "removed": c["removed"] as? [String] ?? ["?"]]
        }
        return result
    }

    /// `dump SNAPSHOT users KEY` for keys of every kind (numbers, a fraction, strings, chunked
    /// documents): the expected line, or exit 1 where the state has no such document.
    private func expectDocuments(_ id: String, tag: String, expected: String) throws {
        let lines = expected.split(separator: "\n")
        for (key, json) in [("17", "17"), ("1024", "1024"), ("-3", "-3"), ("2.5", "2.5"), ("2.75", "2.75"), ("5", "5"), ("2000", "2000"),
                            ("alpha", "\"alpha\""), ("escapes", "\"escapes\""), ("big-string-id", "\"big-string-id\""),
                            ("élève", "\"élève\""), ("new-2", "\"new-2\"")] {
            let want = lines.filter { $0.contains("\"id\":\(json),") }
            try #require(want.count <= 1)
            let r = amber.run(["dump", id, "users", "--", key])  // -- : a key may start with "-"
            if let line = want.first {
                #expect(r.code == 0 && r.stdout == line + "\n", "\(tag) \(key): \(r.stderr)")
            } else {
                #expect(r.code == 1, "\(tag) \(key): no such document, yet \(r.stdout)")
            }
        }
    }

    /// The comparison the fixture's SQL files were made with (make-repository-v1.sh `dump`).
    private func sqliteDump(_ path: String) throws -> String {
        try runTool(["sqlite3", path, ".dump --preserve-rowids"])
            + "PRAGMA user_version=" + runTool(["sqlite3", path, "PRAGMA user_version"]).trimmingCharacters(in: .whitespacesAndNewlines) + ";\n"
    }

    /// An expected dump as this machine's sqlite3 prints it: loaded into a new database and dumped
    /// again (the generator checked that this gives the file back with the sqlite3 it used).
    private func expectedDump(_ file: String) throws -> String {
        let db = temp.sub("expected-\(UUID().uuidString).db")
        _ = try runTool(["sqlite3", db], stdin: data(file))
        return try sqliteDump(db)
    }

    private func listing(_ directory: String) throws -> String {
        try runTool(["/bin/sh", Self.fixture + "/tree-listing.sh", directory])
    }

    private func gunzip(_ file: String) throws -> String { try runTool(["gzip", "-dc", file]) }

    private func data(_ file: String) throws -> Data {
        try #require(FileManager.default.contents(atPath: file), "cannot read \(file)")
    }

    private func text(_ file: String) throws -> String { String(decoding: try data(file), as: UTF8.self) }
}
