import AmberKit
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Collections end to end: NDJSON and SQLite sources, diff, dump, restore to ndjson:/sqlite:
/// targets, incremental restore with --from, and --verify.
@Suite(.serialized)
struct CollectionTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func documents(_ count: Int, changed: Set<Int> = [], dropped: Set<Int> = []) -> [String] {
        (0..<count).filter { !dropped.contains($0) }.map { i in
            let age = changed.contains(i) ? 1000 + i : i % 90
            return "{\"_id\":\"u\(String(format: "%05d", i))\",\"name\":\"user \(i) ✓ 名前\",\"age\":\(age),\"nested\":{\"z\":[1,2.5,null],\"a\":{\"deep\":true}}}"
        }
    }

    private func write(_ lines: [String], to path: String) {
        writeFile(path, Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func snapshotIDs() throws -> [String] {
        let r = amber.run(["snapshots", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return list.compactMap { $0["short_id"] as? String }
    }

    private func canonicalSet(_ path: String) throws -> Set<[UInt8]> {
        let text = try #require(FileManager.default.contents(atPath: path))
        return Set(try [UInt8](text).split(separator: 10).map { try JSONParser.parse(Array($0)).canonicalBytes })
    }

    @Test func ndjsonRoundTripsAndIsHistoryIndependent() throws {
        let source = temp.sub("users.ndjson")
        write(documents(300), to: source)
        #expect(amber.run(["init"]).code == 0)
        let first = amber.run(["backup", "ndjson:" + source, "--json"])
        #expect(first.code == 0, "\(first.stderr)")
        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", "ndjson:" + out, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(try canonicalSet(out + "/users.ndjson") == canonicalSet(source))

        // Same documents, other order, other key order and whitespace: nothing new but the root tree.
        let reordered = documents(300).reversed().map { line -> String in
            let value = try! JSONParser.parse(line)
            guard case .object(let members) = value else { return line }
            return String(decoding: JSONValue.object(members.reversed()).canonicalBytes, as: UTF8.self).replacingOccurrences(of: ",", with: ", ")
        }
        write(Array(reordered), to: source)
        let second = amber.run(["backup", "ndjson:" + source, "--json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect((summary["blobs_added"] as? Int ?? 99) <= 1, "at most the root tree (it records the backup time) is new: \(second.stdout)")
        let ids = try snapshotIDs()
        let diff = amber.run(["diff", ids[0], ids[1], "--json"])
        #expect(diff.stdout.contains("\"added\":[]") && diff.stdout.contains("\"changed\":[]") && diff.stdout.contains("\"removed\":[]"), "\(diff.stdout)")
    }

    /// Later backups store runs on the first one's tree; forgetting and pruning the first snapshot
    /// keeps the tree the others are built on, and every remaining snapshot restores exactly.
    /// `backup --parent`: collections build on the snapshot named, not on the newest backup.
    @Test func parentNamesTheSnapshotCollectionsBuildOn() throws {
        let source = temp.sub("users.ndjson")
        write(documents(400), to: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        let first = try #require(try snapshotIDs().first)
        write(Array(documents(400).prefix(50)), to: source)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        write(documents(400).enumerated().map { $0.offset == 7 ? $0.element.replacingOccurrences(of: "}", with: ",\"x\":1}") : $0.element }, to: source)
        let third = amber.run(["backup", "ndjson:" + source, "--parent", first, "--json"])
        #expect(third.code == 0, "\(third.stderr)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
        let firstID = try #require(records.first { ($0["short_id"] as? String) == first }?["id"] as? String)
        #expect(records.last?["parent"] as? String == firstID, "\(records.last ?? [:])")
        let out = temp.sub("out")
        #expect(amber.run(["restore", "latest", "--target", "ndjson:" + out, "--verify"]).code == 0)
        #expect(try canonicalSet(out + "/users.ndjson") == canonicalSet(source))
        #expect(amber.run(["backup", "ndjson:" + source, "--parent", "nosuch"]).code != 0)
        // A snapshot of another source: said, and the collection is stored whole.
        let other = temp.sub("other.ndjson")
        write(Array(documents(3)), to: other)
        let unrelated = amber.run(["backup", "ndjson:" + other, "--parent", first])
        #expect(unrelated.code == 0 && unrelated.stderr.contains("--parent \(first) is not a backup of this source"), "\(unrelated.stderr)")
    }

    @Test func runsSurviveForgetAndPrune() throws {
        let source = temp.sub("users.ndjson")
        write(documents(3000), to: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        var expected = [Set<[UInt8]>]()
        expected.append(try canonicalSet(source))
        for step in 1...3 {
            write(documents(3000, changed: [step * 11, step * 500], dropped: [step * 7]), to: source)
            #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
            expected.append(try canonicalSet(source))
        }
        let list = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
        let added = list.map { (($0["stats"] as? [String: Any])?["added_bytes"] as? Int) ?? -1 }
        // The packed base compresses 3,000 documents of one shape as document columns (~6.5 KB); a
        // run of three documents costs its leaf, the collection set, the snapshot and an index file
        // (under 2 KiB).
        #expect(added[1] > 0 && added[1] < 2048 && added[1] * 5 < added[0], "a run of three documents against the whole collection: \(added)")
        let ids = try snapshotIDs()

        let diff = amber.run(["diff", ids[2], ids[3], "--json"])
        // Step 3 reverts step 2's edits (22, 1000 changed; 14 dropped) and makes its own.
        #expect(diff.stdout.contains("\"added\":[\"u00014\"]") && diff.stdout.contains("\"removed\":[\"u00021\"]")
                && diff.stdout.contains("\"changed\":[\"u00022\",\"u00033\",\"u01000\",\"u01500\"]"), "\(diff.stdout)")
        let forget = amber.run(["forget", ids[0], "--prune"])
        #expect(forget.code == 0, "\(forget.stderr)")
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("rebuilt 3 collection manifests kept as runs"), "\(check.stdout)")
        for i in 1...3 {
            let out = temp.sub("out\(i)")
            let restore = amber.run(["restore", ids[i], "--target", "ndjson:" + out, "--verify"])
            #expect(restore.code == 0, "\(restore.stderr)")
            #expect(try canonicalSet(out + "/users.ndjson") == expected[i])
        }
        // --force stores the collection whole; it equals the last snapshot, whose layers differ.
        #expect(amber.run(["backup", "--force", "ndjson:" + source]).code == 0)
        let forced = try #require(try snapshotIDs().last)
        let same = amber.run(["diff", ids[3], forced, "--json"])
        #expect(same.stdout.contains("\"added\":[]") && same.stdout.contains("\"changed\":[]") && same.stdout.contains("\"removed\":[]"), "\(same.stdout)")
        let versusFirst = amber.run(["diff", ids[1], forced, "--json"])
        // Step 1 changed 11 and 500 and dropped 7; step 3 changed 33 and 1500 and dropped 21.
        #expect(versusFirst.stdout.contains("\"added\":[\"u00007\"],\"changed\":[\"u00011\",\"u00033\",\"u00500\",\"u01500\"]")
                && versusFirst.stdout.contains("\"removed\":[\"u00021\"]"), "\(versusFirst.stdout)")
    }

    /// Backups of two sources running at once, each building runs on its own parent while the
    /// other saves snapshots: all succeed, and every snapshot restores exactly.
    @Test func concurrentBackupsWithParentsAllRestore() throws {
        let first = temp.sub("users.ndjson"), second = temp.sub("items.ndjson")
        write(documents(1500), to: first)
        write(documents(1500, changed: [1]), to: second)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + first]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + second]).code == 0)
        for round in 1...3 {
            write(documents(1500, changed: [round, round * 100]), to: first)
            write(documents(1500, changed: [round * 7], dropped: [round * 3]), to: second)
            let runner = amber
            let commands = [["backup", "ndjson:" + first], ["backup", "ndjson:" + second], ["backup", "ndjson:" + first, "--tag", "again"]]
            final class Codes: @unchecked Sendable {
                let lock = NSLock()
                var values: [Int: Int32] = [:]
            }
            let codes = Codes()
            DispatchQueue.concurrentPerform(iterations: commands.count) { i in
                let code = runner.run(commands[i]).code
                codes.lock.withLock { codes.values[i] = code }
            }
            #expect(codes.values == [0: 0, 1: 0, 2: 0], "round \(round): \(codes.values)")
        }
        let check = amber.run(["check", "--read-data"])
        #expect(check.code == 0, "\(check.stdout) \(check.stderr)")
        for (n, id) in try snapshotIDs().enumerated() {
            let restore = amber.run(["restore", id, "--target", "ndjson:" + temp.sub("out\(n)"), "--verify"])
            #expect(restore.code == 0, "\(id): \(restore.stderr)")
        }
    }

    /// A previous backup that cannot be read does not block the next one: the collection is
    /// stored whole, with a note, and the backup succeeds.
    @Test func anUnreadableParentIsSkippedWithANote() throws {
        let source = temp.sub("users.ndjson")
        write(documents(2000), to: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        write(documents(2000, changed: [5]), to: source)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        // The second backup's pack (its run, collection set and root tree) goes missing.
        let data = temp.sub("repo") + "/data"
        let packs = try FileManager.default.subpathsOfDirectory(atPath: data).filter { $0.count > 3 }.map { data + "/" + $0 }
        let newest = try #require(try packs.max { a, b in
            let da = try FileManager.default.attributesOfItem(atPath: a)[.modificationDate] as! Date
            let db = try FileManager.default.attributesOfItem(atPath: b)[.modificationDate] as! Date
            return da < db
        })
        try FileManager.default.removeItem(atPath: newest)
        write(documents(2000, changed: [5, 6]), to: source)
        let third = amber.run(["backup", "ndjson:" + source])
        #expect(third.code == 0, "\(third.stderr)")
        #expect(third.stderr.contains("note:") && third.stderr.contains("stored whole"), "\(third.stderr)")
        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", "ndjson:" + out, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(try canonicalSet(out + "/users.ndjson") == canonicalSet(source))
    }

    @Test func diffDumpAndIncrementalRestore() throws {
        let source = temp.sub("users.ndjson")
        write(documents(500), to: source)
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        var changed = documents(500, changed: [7, 123], dropped: [42])
        changed.append("{\"_id\":\"new-one\",\"x\":1}")
        write(changed, to: source)
        #expect(amber.run(["backup", "ndjson:" + source]).code == 0)
        let ids = try snapshotIDs()

        let diff = amber.run(["diff", ids[0], ids[1], "--json"])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        let collection = try #require((parsed["collections"] as? [[String: Any]])?.first)
        #expect(collection["name"] as? String == "users")
        #expect(collection["added"] as? [String] == ["new-one"])
        #expect(collection["changed"] as? [String] == ["u00007", "u00123"])
        #expect(collection["removed"] as? [String] == ["u00042"])

        let dump = amber.run(["dump", ids[1], "users", "u00007"])
        #expect(dump.stdout.contains("\"age\":1007"), "\(dump.stdout)")
        #expect(amber.run(["dump", ids[1], "users"]).stdout.split(separator: "\n").count == 500)
        #expect(amber.run(["dump", ids[1], "users", "u00042"]).code == 1)

        let out = temp.sub("out")
        #expect(amber.run(["restore", ids[0], "--target", "ndjson:" + out]).code == 0)
        let incremental = amber.run(["restore", ids[1], "--target", "ndjson:" + out, "--from", ids[0], "--verify", "--json"])
        #expect(incremental.code == 0, "\(incremental.stderr)")
        #expect(incremental.stdout.contains("\"inserted\":1") && incremental.stdout.contains("\"updated\":2") && incremental.stdout.contains("\"deleted\":1"))
        #expect(try canonicalSet(out + "/users.ndjson") == canonicalSet(source))

        // A target that is not at A is refused; forced onto it, --verify reports the damage.
        let other = temp.sub("other")
        #expect(amber.run(["restore", ids[0], "--target", "ndjson:" + other]).code == 0)
        var lines = String(decoding: FileManager.default.contents(atPath: other + "/users.ndjson")!, as: UTF8.self).split(separator: "\n").map(String.init)
        lines[300] = lines[300].replacingOccurrences(of: "\"age\":", with: "\"age\":7")
        write(lines, to: other + "/users.ndjson")
        let refused = amber.run(["restore", ids[1], "--target", "ndjson:" + other, "--from", ids[0]])
        #expect(refused.code == 1 && refused.stderr.contains("does not hold"), "\(refused.stderr)")
        let forced = amber.run(["restore", ids[1], "--target", "ndjson:" + other, "--from", ids[0], "--force", "--verify"])
        #expect(forced.code == 1 && forced.stderr.contains("mismatch: users u00300: different"), "\(forced.stderr)")
    }

    @Test(arguments: [
        ("{\"_id\":\"a\"}\n{\"_id\":\"b\",\n{\"_id\":\"c\"}\n", "users.ndjson:2", "malformed JSON"),
        ("{\"_id\":\"a\"}\n{\"_id\":\"b\"}\n{\"_id\":\"a\",\"x\":1}\n", "users.ndjson:3 (id a)", "duplicate id (also on line 1)"),
        ("{\"_id\":\"a\"}\n{\"name\":\"no id\"}\n", "users.ndjson:2", "no \"_id\" field"),
        ("{\"_id\":\"a\"}\n[1,2]\n", "users.ndjson:2", "not a JSON object"),
        ("{\"_id\":{\"nested\":1}}\n", "users.ndjson:1", "must be a string or a number"),
    ])
    func badInputNamesWhereAndWritesNoSnapshot(input: String, place: String, message: String) throws {
        let source = temp.sub("users.ndjson")
        writeFile(source, Array(input.utf8))
        #expect(amber.run(["init"]).code == 0)
        let r = amber.run(["backup", "ndjson:" + source])
        #expect(r.code == 1)
        #expect(r.stderr.contains(place) && r.stderr.contains(message), "\(r.stderr)")
        #expect(try snapshotIDs().isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: temp.sub("repo/index"))) ?? []).isEmpty, "nothing written")
    }

    /// Every file of the repository with its size, for "left exactly as it was".
    private func repositoryFiles() -> [String] {
        let root = temp.sub("repo")
        let paths = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return paths.filter { !$0.hasPrefix("locks") }.sorted().map { path in
            "\(path) \((try? FileManager.default.attributesOfItem(atPath: root + "/" + path)[.size] as? Int) ?? -1)"
        }
    }

    /// An NDJSON file in id order is stored as it is read, so a bad line far into it is found
    /// after packs were saved (here ~70 MB of incompressible documents and a directory before
    /// them): the backup removes them all, and the repository is left exactly as it was.
    @Test func badInputFoundWhileStoringLeavesTheRepositoryAsItWas() throws {
        #expect(amber.run(["init"]).code == 0)
        let tree = temp.sub("tree")
        try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
        writeFile(tree + "/file", Array("kept before".utf8))
        #expect(amber.run(["backup", tree]).code == 0)
        writeFile(tree + "/other", (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255) })
        let before = repositoryFiles()
        let random = Array(try #require(FileHandle(forReadingAtPath: "/dev/urandom")).readData(ofLength: 4500 * 12000).base64EncodedString().utf8)
        var lines = (0..<12000).map { i in "{\"_id\":\(i),\"text\":\"\(String(decoding: random[(i * 6000)..<((i + 1) * 6000)], as: UTF8.self))\"}" }
        lines.append("{\"_id\":11999,\"text\":\"again\"}")
        write(lines, to: temp.sub("users.ndjson"))
        let r = amber.run(["backup", tree, "ndjson:" + temp.sub("users.ndjson")])
        #expect(r.code == 1 && r.stderr.contains("users.ndjson:12001 (id 11999): duplicate id (also on line 12000)"), "\(r.stderr)")
        #expect(try snapshotIDs().count == 1)
        #expect(repositoryFiles() == before)
        #expect(amber.run(["check", "--read-data"]).code == 0)
    }

    /// A file not in id order is stored through the sort, to the same snapshot content as the
    /// same documents in order.
    /// The id field is found in the file (`id` here, without `--id-field`) by the thread that
    /// reads it ahead of the backup, and recorded: `restore --verify` reads the target by it.
    @Test func anIdFieldFoundWhileReadingAheadIsRecorded() throws {
        #expect(amber.run(["init"]).code == 0)
        let source = temp.sub("items.ndjson")
        write((0..<5_000).map { "{\"id\":\($0),\"v\":\"x\($0)\"}" }, to: source)
        let backup = amber.run(["backup", "ndjson:" + source])
        #expect(backup.code == 0, "\(backup.stderr)")
        let out = temp.sub("out")
        let restore = amber.run(["restore", "latest", "--target", "ndjson:" + out, "--verify"])
        #expect(restore.code == 0, "\(restore.stderr)")
        #expect(try canonicalSet(out + "/items.ndjson") == canonicalSet(source))
    }

    @Test func fileOutOfIdOrderIsSortedFirst() throws {
        #expect(amber.run(["init"]).code == 0)
        for directory in ["a", "b"] { try FileManager.default.createDirectory(atPath: temp.sub(directory), withIntermediateDirectories: true) }
        let documents = (0..<3000).map { "{\"_id\":\"u\(String(format: "%05d", $0))\",\"n\":\($0)}" }
        write(documents, to: temp.sub("a/users.ndjson"))
        var shuffled = documents
        shuffled.swapAt(2000, 2500)
        write(shuffled, to: temp.sub("b/users.ndjson"))
        #expect(amber.run(["backup", "ndjson:" + temp.sub("a/users.ndjson")]).code == 0)
        let b = amber.run(["backup", "ndjson:" + temp.sub("b/users.ndjson"), "--json"])
        #expect(b.code == 0, "\(b.stderr)")
        let ids = try snapshotIDs()
        let diff = amber.run(["diff", ids[0], ids[1]])
        #expect(diff.code == 0 && !diff.stdout.contains("u0"), "\(diff.stdout)")
        let out = temp.sub("out")
        #expect(amber.run(["restore", ids[1], "--target", "ndjson:" + out, "--verify"]).code == 0)
        #expect(try canonicalSet(out + "/users.ndjson") == canonicalSet(temp.sub("b/users.ndjson")))
    }
}
