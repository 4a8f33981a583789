import Foundation
import Testing

/// restic's snapshot filters (`--host`, `--tag`, `--path`) choose what `snapshots` lists and which
/// snapshot `latest` is for `ls`, `restore` and `dump`; `snapshots --latest N`; and `dump` of a
/// file's bytes to standard output.
@Suite(.serialized)
struct SnapshotSelectionTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func ids(_ arguments: [String]) throws -> [String] {
        let result = amber.run(["snapshots", "--json"] + arguments)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stderr)")
        return list.compactMap { $0["short_id"] as? String }
    }

    @Test func filtersChooseLatestAndDumpPrintsAFile() throws {
        let one = temp.sub("one"), two = temp.sub("two")
        mkdir(one, 0o755)
        mkdir(two, 0o755)
        writeFile(one + "/f", Array("from one\n".utf8))
        writeFile(two + "/f", Array("from two\n".utf8))
        #expect(amber.run(["init"]).code == 0)
        let backups: [(String, String, [String])] = [(one, "alpha", ["daily", "db"]), (two, "beta", ["daily"]), (one, "alpha", ["weekly"])]
        for (source, host, tags) in backups {
            let r = amber.run(["backup", source, "--host", host] + tags.flatMap { ["--tag", $0] } + ["--time", "2026-12-0\(backups.firstIndex { $0.0 == source && $0.2 == tags }! + 1)T10:00:00Z"])
            #expect(r.code == 0, "\(r.stderr)")
        }
        let all = try ids([])
        #expect(all.count == 3)
        #expect(try ids(["--host", "alpha"]) == [all[0], all[2]])
        #expect(try ids(["--tag", "daily,db"]) == [all[0]])
        #expect(try ids(["--tag", "db", "--tag", "weekly"]) == [all[0], all[2]])
        #expect(try ids(["--path", two]) == [all[1]])
        #expect(try ids(["--latest", "1"]) == [all[1], all[2]])
        // --at: the state at a moment.
        #expect(try ids(["--at", "2026-12-02T12:00:00Z"]) == [all[0], all[1]])
        #expect(amber.run(["ls", "latest", "--at", "2026-12-02T12:00:00Z"]).stdout.contains("/two/f"))
        #expect(amber.run(["dump", "latest", "/one/f", "--at", "2026-12-01T23:59:59Z"]).stdout == "from one\n")
        #expect(amber.run(["ls", "latest", "--at", "yesterday"]).code == 1)

        // latest with a filter: the newest match.
        #expect(amber.run(["dump", "latest", "/two/f", "--host", "beta"]).stdout == "from two\n")
        #expect(amber.run(["dump", "latest", "/one/f", "--tag", "db"]).stdout == "from one\n")
        #expect(amber.run(["dump", "latest", "/two/f", "--tag", "daily"]).stdout == "from two\n")
        #expect(amber.run(["ls", "latest", "--host", "beta"]).stdout.contains("/two/f"))
        let out = temp.sub("out")
        #expect(amber.run(["restore", "latest", "--host", "beta", "--target", out]).code == 0)
        #expect(FileManager.default.contents(atPath: out + "/two/f") == Data("from two\n".utf8))
        let none = amber.run(["ls", "latest", "--host", "gamma"])
        #expect(none.code == 1 && none.stderr.contains("no snapshot matches"), "\(none.stderr)")

        // dump of a bigger file is its exact bytes; a directory or a missing path is refused.
        let big = textBytes(3 << 20, seed: 9)
        writeFile(one + "/big", big)
        #expect(amber.run(["backup", one]).code == 0)
        let dumped = amber.run(["dump", "latest", "/one/big"])
        #expect(dumped.code == 0 && Array(dumped.stdout.utf8) == big)
        #expect(amber.run(["dump", "latest", "/one"]).code == 1)
        #expect(amber.run(["dump", "latest", "/one/missing"]).code == 1)
    }
}

/// `backup --stdin`: what a pipe gives, stored as a file at the snapshot's root (restic's
/// `--stdin --stdin-filename`), deduplicated like any file.
@Suite(.serialized)
struct StandardInputBackupTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func standardInputIsAFileOfTheSnapshot() throws {
        let data = Data(textBytes(2 << 20, seed: 5))
        #expect(amber.run(["init"]).code == 0)
        let first = amber.run(["backup", "--stdin", "--stdin-filename", "db.sql", "--json"], stdin: data)
        #expect(first.code == 0, "\(first.stderr)")
        #expect(Data(amber.run(["dump", "latest", "/db.sql"]).stdout.utf8) == data)
        let listing = amber.run(["snapshots", "--json"]).stdout
        #expect(listing.contains("\"stdin:db.sql\""), "\(listing)")
        // The same bytes again add no data.
        let second = amber.run(["backup", "--stdin", "--stdin-filename", "db.sql", "--json"], stdin: data)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.split(separator: "\n").last!.utf8)) as? [String: Any])
        #expect(((summary["added_bytes"] as? Int) ?? Int.max) < 10_000, "\(second.stdout)")
        // With a directory beside it; a name with / is refused.
        let dir = temp.sub("dir")
        mkdir(dir, 0o755)
        writeFile(dir + "/f", [1])
        #expect(amber.run(["backup", dir, "--stdin"], stdin: Data("x".utf8)).code == 0)
        #expect(Set(amber.run(["ls", "latest"]).stdout.split(separator: "\n")) == ["/dir", "/dir/f", "/stdin"])
        #expect(amber.run(["backup", "--stdin", "--stdin-filename", "a/b"], stdin: Data("x".utf8)).code == 1)
    }
}

/// `amber tag`: tags added, removed and set, on named snapshots or those a filter selects; a
/// changed snapshot gets a new id, names its original, and restores as before.
@Suite(.serialized)
struct TagCommandTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func snapshots() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
    }

    @Test func tagsChange() throws {
        let source = temp.sub("d")
        mkdir(source, 0o755)
        writeFile(source + "/f", Array("tagged\n".utf8))
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source, "--tag", "daily", "--host", "h1"]).code == 0)
        #expect(amber.run(["backup", source, "--tag", "daily", "--host", "h2"]).code == 0)
        let before = try snapshots().compactMap { $0["id"] as? String }

        #expect(amber.run(["tag", "--host", "h1", "--add", "keep,archive", "--remove", "daily"]).code == 0)
        let after = try snapshots()
        let tags = after.map { ($0["hostname"] as? String ?? $0["host"] as? String ?? "", $0["tags"] as? [String] ?? []) }
        #expect(tags.contains { $0.0 == "h1" && $0.1 == ["keep", "archive"] }, "\(after)")
        #expect(tags.contains { $0.0 == "h2" && $0.1 == ["daily"] }, "\(after)")
        let retagged = try #require(after.first { ($0["tags"] as? [String]) == ["keep", "archive"] })
        #expect(retagged["original"] as? String == before[0] && retagged["id"] as? String != before[0], "\(retagged)")
        #expect(amber.run(["restore", "latest", "--tag", "keep", "--target", temp.sub("out"), "--verify"]).code == 0)

        let set = amber.run(["tag", "latest", "--set", "only", "--json"])
        #expect(set.code == 0 && set.stdout.contains("\"changed_snapshots\":1"), "\(set.stdout)")
        #expect(try snapshots().contains { ($0["tags"] as? [String]) == ["only"] })
        #expect(amber.run(["tag", "latest"]).code == 1, "nothing to change")
        #expect(amber.run(["tag", "latest", "--set", "a", "--add", "b"]).code == 1)
    }
}

/// `amber find`: the snapshots that hold a file of a name, and where.
@Suite(.serialized)
struct FindCommandTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    @Test func findsByNameAcrossSnapshots() throws {
        let source = temp.sub("d")
        mkdir(source, 0o755)
        mkdir(source + "/sub", 0o755)
        writeFile(source + "/a.sql", [1])
        writeFile(source + "/sub/README.md", [2])
        #expect(amber.run(["init"]).code == 0)
        #expect(amber.run(["backup", source]).code == 0)
        writeFile(source + "/sub/b.sql", [3])
        #expect(amber.run(["backup", source]).code == 0)

        let json = amber.run(["find", "*.sql", "--json"])
        let results = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let paths = results.map { ($0["matches"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String } }
        #expect(paths == [["/d/a.sql"], ["/d/a.sql", "/d/sub/b.sql"]], "\(json.stdout)")
        // Kinds are named as ls --json names them.
        let types = Set(results.flatMap { ($0["matches"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String } })
        #expect(types == ["file"], "\(json.stdout)")
        let directories = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["find", "sub", "--json"]).stdout.utf8)) as? [[String: Any]])
        #expect(directories.flatMap { ($0["matches"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String } }.allSatisfy { $0 == "dir" })
        #expect(!directories.isEmpty)
        #expect(amber.run(["find", "readme*"]).stdout.isEmpty)
        #expect(amber.run(["find", "-i", "readme*"]).stdout.contains("/d/sub/README.md"))
        #expect(amber.run(["find", "/d/sub/*"]).stdout.contains("/d/sub/README.md"))
    }
}

/// `backup --dry-run`: reads and counts everything, writes nothing, and says what a real backup
/// adds (the same blobs; bytes within the packs' few hundred bytes of headers).
@Suite(.serialized)
struct DryRunTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func summary(_ result: RunResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.split(separator: "\n").last!.utf8)) as? [String: Any], "\(result.stderr)")
    }

    @Test func aDryRunWritesNothingAndCountsWhatARealOneAdds() throws {
        let source = temp.sub("d")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo")).sorted()
        let dry = try summary(amber.run(["backup", source, "--dry-run", "--json"]))
        #expect(dry["dry_run"] as? Bool == true)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: temp.sub("repo")).sorted() == before, "nothing written")
        #expect(amber.run(["snapshots", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let real = try summary(amber.run(["backup", source, "--json"]))
        #expect(dry["blobs_added"] as? Int == real["blobs_added"] as? Int)
        let dryBytes = try #require(dry["added_bytes"] as? Int), realBytes = try #require(real["added_bytes"] as? Int)
        #expect(dryBytes <= realBytes && realBytes - dryBytes < 4096, "\(dryBytes) vs \(realBytes)")
        // After the real backup, a dry run of the same tree would add only a snapshot's trees.
        let again = try summary(amber.run(["backup", source, "-n", "--json"]))
        #expect(((again["added_bytes"] as? Int) ?? Int.max) < 2048)
    }
}

/// `amber stats` in restic's three modes.
@Suite(.serialized)
struct StatsCommandTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let result = amber.run(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.split(separator: "\n").last!.utf8)) as? [String: Any], "\(result.stderr)")
    }

    @Test func statsInEveryMode() throws {
        let source = temp.sub("d")
        TreeFixture.make(at: source)
        #expect(amber.run(["init"]).code == 0)
        let backup = try json(["backup", source])
        #expect(amber.run(["backup", source]).code == 0)
        let bytes = try #require(backup["bytes"] as? Int), documents = try #require(backup["documents"] as? Int)

        let restore = try json(["stats"])
        #expect(restore["snapshots_count"] as? Int == 2 && restore["total_size"] as? Int == 2 * bytes
                && restore["total_file_count"] as? Int == 2 * documents, "\(restore)")
        #expect(try json(["stats", "latest"])["total_size"] as? Int == bytes)
        let contents = try json(["stats", "--mode", "files-by-contents"])
        let unique = try #require(contents["total_size"] as? Int)
        #expect(unique > 0 && unique <= bytes, "\(contents)")
        let raw = try json(["stats", "--mode", "raw-data"])
        let stored = try #require(raw["total_size"] as? Int), plain = try #require(raw["total_uncompressed_size"] as? Int)
        let packs = Int(try runTool(["du", "-sb", temp.sub("repo/data")]).split(separator: "\t").first ?? "0") ?? 0
        #expect(stored > 0 && stored < packs && plain > stored && (raw["compression_ratio"] as? Double ?? 0) > 1, "\(raw), packs \(packs)")
        #expect(amber.run(["stats", "--mode", "nonsense"]).code == 1)
    }
}
