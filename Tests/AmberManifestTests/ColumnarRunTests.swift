import AmberCore
@testable import AmberDocuments
@testable import AmberManifest
@testable import AmberRepository
import Testing

@Suite("Runs of database rows stored column by column")
struct ColumnarRunTests {
    private static func rows(_ count: Int, version: Int) -> [[UInt8]: [UInt8]] {
        var map = [[UInt8]: [UInt8]]()
        for i in 0..<count {
            let balance = (i * 7919 + version * 104_729) % 20_000 - 10_000
            let row = DatabaseRow([
                .init("aid", .text(Array(String(i).utf8))),
                .init("abalance", .text(Array(String(balance).utf8))),
                .init("mtime", .text(Array("2026-11-25 17:\(10 + version % 50):\(10 + i % 50).\(i * 31 % 999 + 1)".utf8))),
                .init("filler", .text(Array(repeating: UInt8(ascii: " "), count: 84))),
            ])
            map[DocumentKey.composite([.integer(Int64(i))]).encoded] = row.encoded
        }
        return map
    }

    /// The version bytes of every leaf of a stored tree.
    private static func leafVersions(_ repository: Repository, _ root: ManifestRoot) throws -> [UInt8] {
        var versions = [UInt8]()
        var frontier = [(root.id, root.level)]
        while let (id, level) = frontier.popLast() {
            let bytes = try repository.loadBlob(id, type: .tree)
            if level == 0 {
                versions.append(bytes[1])
            } else if case .internal(let children) = try ManifestNode(decoding: bytes, expectedLevel: level, what: "node").body {
                frontier += children.map { ($0.id, level - 1) }
            }
        }
        return versions
    }

    /// A chain of backups of rows with scattered updates, inserts and deletes: the leaves of the
    /// packed base and of the runs are columnar (version 2), and every snapshot and diff reads
    /// back exactly as from row-by-row leaves.
    @Test func runsOfRowsAreColumnarAndReadBackExactly() throws {
        let repository = makeRepository()
        var map = Self.rows(3_000, version: 0)
        var previous: (manifest: CollectionManifest, map: [[UInt8]: [UInt8]])?
        var rng = SeededRandom(seed: 3)
        for step in 0..<4 {
            let (manifest, _) = try buildCollection(repository, map, parent: previous?.manifest)
            #expect(try contents(repository, manifest) == map, "step \(step)")
            #expect(manifest.canonical == (try build(makeRepository(), entries(map))), "history independence at step \(step)")
            #expect(try Self.leafVersions(repository, manifest.base).allSatisfy { $0 == ManifestFormat.columnarVersion })
            for run in manifest.runs {
                #expect(try Self.leafVersions(repository, run).allSatisfy { $0 == ManifestFormat.columnarVersion })
            }
            if step > 0 { #expect(!manifest.runs.isEmpty) }
            // Entries lent by the cursor (flat columnar leaves) are the entries it returns, from
            // the start and from keys inside the tree; the lent scan reads what the scan reads.
            let reader = ManifestReader(repository: repository, manifest: manifest)
            let sorted = map.keys.sorted { $0.lexicographicallyPrecedes($1) }
            for start in [nil, sorted[sorted.count / 3], sorted[sorted.count - 1] + [0]] {
                var cursor = try reader.cursor(from: start)
                var lent = [ManifestEntry]()
                while let entry = try cursor.nextLent({ key, value throws(ManifestError) -> ManifestEntry in
                    switch value {
                    case .inline(let bytes): ManifestEntry(key: Array(key), value: .inline(Array(bytes)))
                    case .tombstone: ManifestEntry(key: Array(key), value: .tombstone)
                    case .stored(let stored): ManifestEntry(key: Array(key), value: stored)
                    }
                }) { lent.append(entry) }
                #expect(lent == (try readAll(reader, from: start)), "step \(step), start \(start.map { Hex.encode($0) } ?? "none")")
            }
            var scanned = [[UInt8]: [UInt8]]()
            try reader.scanLent { key, value in
                scanned[Array(key)] = Array(value)
                return true
            }
            #expect(scanned == map, "step \(step)")
            if let previous {
                let changes = try ManifestDiff.diff(repository, from: previous.manifest, to: manifest)
                #expect(changes.map(\.key) == naiveDiff(previous.map, map).map(\.key), "diff at step \(step)")
            }
            previous = (manifest, map)
            let updated = Self.rows(3_000, version: step + 1)
            let keys = map.keys.sorted { $0.lexicographicallyPrecedes($1) }
            for _ in 0..<40 {
                let k = keys[Int(rng.next() % UInt64(keys.count))]
                map[k] = updated[k]
            }
            map[keys[Int(rng.next() % UInt64(keys.count))]] = nil
            map[DocumentKey.composite([.integer(Int64(10_000 + step))]).encoded] = updated[keys[0]]
        }
    }

    /// A packed tree whose leaves worker threads encode and store (``LeafWorkers``) is the tree
    /// one thread builds, node for node: the same root, the same blobs, the same counts, with
    /// leaves of rows, of other documents (their version 1 fallback), and a lone leaf.
    @Test(arguments: [30_000, 500])
    func leafWorkersBuildTheSameTree(rows: Int) throws {
        var map = Self.rows(rows, version: 0)
        map.merge(makeEntries(rows / 10)) { a, _ in a }
        let sorted = map.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var results = [(root: ManifestRoot, nodes: Int, newNodes: Int, blobs: Set<BlobID>)]()
        for workers in [false, true] {
            let repository = makeRepository()
            let writer = BlobWriter(repository: repository)
            let builder = ManifestBuilder.packed(repository: repository, writer: writer, leafWorkers: workers)
            for (key, value) in sorted { try builder.append(key: key, value: value) }
            let root = try builder.finish()
            _ = try writer.finish()
            let reader = ManifestReader(repository: repository, root: root)
            #expect(try readAll(reader).map(\.key) == sorted.map(\.key))
            results.append((root, builder.statistics.nodes, builder.statistics.newNodes, Set(repository.index.allBlobs.keys)))
        }
        #expect(results[0].root == results[1].root)
        #expect(results[0].nodes == results[1].nodes && results[0].newNodes == results[1].newNodes)
        #expect(results[0].blobs == results[1].blobs)
        if rows > 1_000 { #expect(results[1].root.height >= 2, "several leaves") }
    }

    /// A leaf of tombstones for consecutive keys (rows deleted in a range) is 2 bytes an entry
    /// before compression, fewer than any version 1 entry: readers take it.
    @Test func aLeafOfDeletedConsecutiveKeysReadsBack() throws {
        let entries = (0..<2_000).map { ManifestEntry(key: DocumentKey.composite([.integer(Int64($0))]).encoded, value: .tombstone) }
        let leaf = ManifestNode.columnarLeaf(entries)
        let bytes = try #require(leaf, "the leaf is written columnar and reads back")
        #expect(bytes.count < 2 * entries.count + 32)
        guard case .leaf(let decoded) = try ManifestNode(decoding: bytes, expectedLevel: 0, what: "leaf").body else {
            Issue.record("not a leaf")
            return
        }
        #expect(decoded == entries)

        let repository = makeRepository()
        var map = Self.rows(3_000, version: 0)
        let (first, _) = try buildCollection(repository, map, parent: nil)
        for i in 1_000..<1_300 { map[DocumentKey.composite([.integer(Int64(i))]).encoded] = nil }
        let (second, _) = try buildCollection(repository, map, parent: first)
        #expect(second.runs.count == 1)
        #expect(try contents(repository, second) == map)
    }

    /// A run whose values are not rows (JSON documents under string keys) keeps version 1 leaves.
    @Test func runsOfOtherDocumentsStayRowByRow() throws {
        let repository = makeRepository()
        var map = makeEntries(2_000)
        let (first, _) = try buildCollection(repository, map, parent: nil)
        var rng = SeededRandom(seed: 5)
        edit(&map, changes: 20, version: 1, rng: &rng)
        let (second, _) = try buildCollection(repository, map, parent: first)
        #expect(!second.runs.isEmpty)
        #expect(try Self.leafVersions(repository, second.runs[0]).allSatisfy { $0 == ManifestFormat.version })
        #expect(try contents(repository, second) == map)
    }

    /// The check before a columnar leaf is stored reads its streams back: the exact bytes pass;
    /// a missing or extra byte fails; and a single flipped byte anywhere either fails the check
    /// or gives, read by the node reader, exactly the same entries (a flip in a bit-packed
    /// stream's unused padding bits changes nothing a reader sees).
    @Test func theReadBackCheckRefusesEveryChangeAReaderWouldSee() throws {
        var entries = Self.rows(200, version: 1).map { ManifestEntry(key: $0.key, value: .inline($0.value)) }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        entries[7].value = .tombstone
        let bytes = try #require(ManifestNode.columnarLeaf(entries))
        guard case .leaf(let decoded) = try ManifestNode(decoding: bytes, expectedLevel: 0, what: "test").body else {
            Issue.record("a columnar leaf is a leaf")
            return
        }
        #expect(decoded == entries)
        let rows = entries.map { entry -> RowColumns.Entry in
            guard case .inline(let row) = entry.value else { return RowColumns.Entry(key: entry.key, row: nil) }
            return RowColumns.Entry(key: entry.key, row: row)
        }
        let parts = try #require(RowColumns.split(rows))
        let payload = Array(bytes[ManifestNode.header(level: 0, count: entries.count, version: ManifestFormat.columnarVersion).count...])
        let limit = ManifestFormat.columnarExpansionLimit
        #expect(parts.readsBack(payload, expansionLimit: limit, entryBytes: 0))
        #expect(!parts.readsBack(Array(payload.dropLast()), expansionLimit: limit, entryBytes: 0))
        #expect(!parts.readsBack(payload + [0], expansionLimit: limit, entryBytes: 0))
        #expect(!parts.readsBack(payload, expansionLimit: limit, entryBytes: limit + 1), "the budget counts the entries")
        var passed = 0
        for position in payload.indices {
            var flipped = payload
            flipped[position] ^= 0x10
            guard parts.readsBack(flipped, expansionLimit: limit, entryBytes: 0) else { continue }
            passed += 1
            let leaf = Array(bytes[..<(bytes.count - payload.count)]) + flipped
            guard case .leaf(let read) = try ManifestNode(decoding: leaf, expectedLevel: 0, what: "flipped").body else {
                Issue.record("flip at \(position) passed the check but is not a leaf")
                continue
            }
            #expect(read == entries, "flip at \(position) passed the check but reads back differently")
        }
        #expect(passed < payload.count / 10)
    }
}
