import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a reader of the repository, or of the files cache, could learn by searching for what
/// they guess is there (issue 15, `docs/threat-model.md`): names, paths, link targets, extended
/// attributes, document keys, member, table and column names, contents, host and tag, the
/// unkeyed SHA-256 of a file (what an unkeyed content address would be), and the blob ids
/// themselves.
@Suite(.serialized)
struct ProbeTests {
    let temp = TemporaryDirectory()
    var amber: AmberRunner { AmberRunner(repository: temp.sub("repo"), cacheDirectory: temp.sub("cache")) }

    /// The strings planted in the sources; none may appear in the repository or the cache.
    private static let planted = [
        "probe-root-Xq7", "probe-file-Q1", "probe-content-K9", "probe-random-R3", "probe-subdir-W2",
        "probe-inner-E5", "probe-small-content-T4", "probe-link-L8", "probe-target-M6",
        "probe-collection-C3", "probe-doc-0", "probeMemberZ", "probe-value-0",
        "probe_table_tq", "probe_column_cz", "probe-cell-", "probe-host-H2", "probe-tag-G6",
    ]

    @Test func noNameKeyContentOrIdAppearsInTheRepositoryOrTheFilesCache() throws {
        var needles = Self.planted.map { Data($0.utf8) }
        let root = temp.sub("probe-root-Xq7")
        try FileManager.default.createDirectory(atPath: root + "/probe-subdir-W2", withIntermediateDirectories: true)
        // Compressible (stored without encryption it would show), incompressible, and tiny; changed
        // long ago, so that the files cache keeps them.
        let past = (1_600_000_000, 0)
        writeFile(root + "/probe-file-Q1.txt", Array(String(repeating: "probe-content-K9 ", count: 4000).utf8), mtime: past)
        writeFile(root + "/probe-random-R3.bin", pseudoRandomBytes(6000, seed: 15), mtime: past)
        writeFile(root + "/probe-subdir-W2/probe-inner-E5.md", Array("probe-small-content-T4\n".utf8), mtime: past)
        #expect(symlink("probe-target-M6", root + "/probe-link-L8") == 0)
        try runTool(["setfattr", "-n", "user.probe-xattr-N4", "-v", "probe-xattr-value-P5", root + "/probe-file-Q1.txt"])
        needles += [Data("probe-xattr-N4".utf8), Data("probe-xattr-value-P5".utf8)]
        // A file's unkeyed SHA-256, raw and in hex: what an unkeyed content address would store.
        for file in ["probe-file-Q1.txt", "probe-random-R3.bin", "probe-subdir-W2/probe-inner-E5.md"] {
            let hex = String(try runTool(["sha256sum", root + "/" + file]).prefix(64))
            needles += [Data(hex.utf8), Data(try #require(Self.bytes(hex: hex)))]
        }

        let collection = temp.sub("probe-collection-C3.ndjson")
        let lines = (1...60).map { String(format: "{\"_id\":\"probe-doc-%05d\",\"probeMemberZ\":\"probe-value-%05d\",\"n\":%d}", $0, $0, $0) }
        writeFile(collection, Array((lines.joined(separator: "\n") + "\n").utf8))
        let database = temp.sub("probe.db")
        try runTool(["sqlite3", database, """
            CREATE TABLE probe_table_tq(id INTEGER PRIMARY KEY, probe_column_cz TEXT NOT NULL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
            INSERT INTO probe_table_tq SELECT i, 'probe-cell-' || i FROM n;
            """])

        #expect(amber.run(["init"]).code == 0)
        sleep(2)  // the files cache keeps no file whose ctime is within a second of the backup
        for arguments in [[root, "--host", "probe-host-H2", "--tag", "probe-tag-G6"], [root], ["ndjson:" + collection], ["sqlite:" + database]] {
            let r = amber.run(["backup"] + arguments)
            #expect(r.code == 0, "\(arguments): \(r.stderr)")
        }
        // The second backup of the tree went through the files cache: every file is in it.
        let cacheFiles = try files(under: temp.sub("cache"))
        let ids = try cacheFiles.filter { $0.hasSuffix("/files") }.flatMap { try Self.blobIDs(inFilesCache: $0) }
        #expect(ids.count >= 3, "the files cache names the blobs of the three files")

        var scanned = 0
        for path in try files(under: temp.sub("repo")) + cacheFiles {
            let data = try #require(FileManager.default.contents(atPath: path))
            scanned += data.count
            for needle in needles {
                #expect(data.range(of: needle) == nil, "\(path) contains \(String(decoding: needle, as: UTF8.self))")
            }
        }
        // Blob ids belong in the cache (keyed MACs, readable only with the key), never outside an envelope.
        for path in try files(under: temp.sub("repo")) {
            let data = try #require(FileManager.default.contents(atPath: path))
            for id in ids {
                #expect(data.range(of: id) == nil, "\(path) holds a blob id in clear")
                #expect(data.range(of: Data(Self.hex(id).utf8)) == nil, "\(path) holds a blob id in hex")
            }
        }
        #expect(scanned > 8_000)
        // The probes were really stored: a restore gives them back.
        #expect(amber.run(["ls", "latest", "--host", "probe-host-H2"]).stdout.contains("probe-inner-E5.md"))
        let list = try #require(try JSONSerialization.jsonObject(with: Data(amber.run(["snapshots", "--json"]).stdout.utf8)) as? [[String: Any]])
        let collectionSnapshot = try #require(list.count == 4 ? list[2]["short_id"] as? String : nil)
        #expect(amber.run(["dump", collectionSnapshot, "probe-collection-C3", "probe-doc-00007"]).stdout.contains("probe-value-00007"))
    }

    /// Every regular file under `directory`, as paths.
    private func files(under directory: String) throws -> [String] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
        var out = [String]()
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { out.append(path) }
        }
        return out
    }

    /// The blob ids a files cache holds (format in `FilesCache`: `"AMBRFC01" ‖ count u32 ‖
    /// (pathKey[32] ‖ age u8 ‖ size, mtime, ctime, inode, device: 8 bytes each ‖ n u32 ‖
    /// id[32] × n) × count`, little-endian).
    private static func blobIDs(inFilesCache path: String) throws -> [Data] {
        let data = try #require(FileManager.default.contents(atPath: path))
        try #require(data.prefix(8) == Data("AMBRFC01".utf8))
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(data[data.startIndex + at + $1]) << (8 * $1) } }
        var at = 12
        var ids = [Data]()
        for _ in 0..<u32(8) {
            at += 32 + 1 + 5 * 8
            let count = u32(at)
            at += 4
            for _ in 0..<count {
                ids.append(data.subdata(in: at..<at + 32))
                at += 32
            }
        }
        #expect(at == data.count, "the files cache parses to its end")
        return ids
    }

    private static func bytes(hex: String) -> Data? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out = Data()
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }

    private static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
}
