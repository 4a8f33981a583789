import AmberKit
import Dispatch
import Foundation
import Synchronization
import Testing

/// Prune deletes what no snapshot needs, keeps everything a snapshot needs, and never breaks a
/// backup running at the same time.
@Suite(.serialized)
struct PruneTests {
    @Test func pruneAfterForgettingShrinksTheRepositoryAndKeepsTheRest() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        let source = scratch.sub("src")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        var snapshots = [BlobID]()
        var contents = [[String: Data]]()
        for round in 0..<4 {
            write(source + "/file\(round).bin", bytes(700_000, seed: UInt64(round)))
            if round > 0 { try FileManager.default.removeItem(atPath: source + "/file\(round - 1).bin") }
            write(source + "/common.txt", Array(String(repeating: "shared text ", count: 10_000).utf8))
            snapshots.append(try backup(repository, source))
            contents.append(Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: source)
                .map { ($0, FileManager.default.contents(atPath: source + "/" + $0)!) }))
        }
        let before = try directorySize(scratch.sub("repo"))
        // Forget the first two snapshots.
        for id in snapshots.prefix(2) { try repository.backend.remove(AmberStorage.FileHandle(.snapshots, id.hex)) }
        let report = try Pruner(repository: try openAgain(scratch), options: PruneOptions(maxUnusedPercent: 0)).run()
        #expect(report.plansCompleted == 1)
        #expect(report.unusedBlobs >= 2)
        let after = try directorySize(scratch.sub("repo"))
        #expect(after < before - 1_000_000, "repository \(before) → \(after) bytes")
        let reopened = try openAgain(scratch)
        #expect(try Checker(repository: reopened).run(readData: .all).isClean)
        for i in 2..<4 {
            let files = try restoredFiles(try openAgain(scratch), snapshots[i], into: scratch.sub("restore\(i)"))
            #expect(files == contents[i])
        }
        // A second prune finds nothing unused.
        let again = try Pruner(repository: try openAgain(scratch)).run()
        #expect(again.unusedBlobs == 0)
    }

    @Test func pruneRemovesTemporaryFilesOfKilledSavesButNotOnesStillBeingWritten() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        let source = scratch.sub("src")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        write(source + "/a.bin", bytes(100_000, seed: 7))
        _ = try backup(repository, source)
        let repo = scratch.sub("repo")
        let old = Date().addingTimeInterval(-2 * 3600)
        let planted = [(repo + "/data/00/.tmp-0011223344556677", old), (repo + "/index/.tmp-8899aabbccddeeff", old),
                       (repo + "/data/01/.tmp-fedcba9876543210", Date())]
        for (path, date) in planted {
            write(path, bytes(5_000, seed: 1))
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
        }
        let dry = try Pruner(repository: try openAgain(scratch), options: PruneOptions(dryRun: true)).run()
        #expect(dry.temporaryFilesRemoved == 0)
        #expect(planted.allSatisfy { FileManager.default.fileExists(atPath: $0.0) }, "a dry run removes nothing")

        let report = try Pruner(repository: try openAgain(scratch)).run()
        #expect(report.temporaryFilesRemoved == 2)
        #expect(report.bytesDeleted >= 10_000)
        #expect(!FileManager.default.fileExists(atPath: planted[0].0) && !FileManager.default.fileExists(atPath: planted[1].0))
        #expect(FileManager.default.fileExists(atPath: planted[2].0), "a temporary file written in the last hour may be a save under way")
        #expect(try Checker(repository: try openAgain(scratch)).run(readData: .all).isClean)
    }

    @Test func deletionWaitsForAnOlderBackupAndRescuesWhatItUsed() throws {
        let scratch = Scratch()
        let repository = try makeRepository(scratch)
        let source = scratch.sub("src")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        let payload = bytes(900_000, seed: 42)
        write(source + "/a.bin", payload)
        let first = try backup(repository, source)
        // A backup starts (lock + index) while the blob is still live…
        let racing = try openAgain(scratch)
        let lock = try RepositoryLock.acquire(racing, exclusive: false)
        try racing.loadIndex()
        let writer = BlobWriter(repository: racing)
        // …then the only snapshot using it is forgotten and a prune plans its deletion.
        try repository.backend.remove(AmberStorage.FileHandle(.snapshots, first.hex))
        let report = try Pruner(repository: try openAgain(scratch), options: PruneOptions(maxUnusedPercent: 0)).run()
        #expect(report.plansWritten == 1)
        #expect(report.plansCompleted == 0, "the sweep must wait for the older lock")
        #expect(!report.deferred.isEmpty)
        // The racing backup deduplicates against the planned blob and saves a snapshot using it.
        let hasher = racing.makeIDHasher(for: .data)
        let chunker = racing.makeChunker()
        var ids = [BlobID]()
        for length in chunker.chunkLengths(of: payload).reduce(into: [(Int, Int)](), { acc, l in acc.append(((acc.last.map { $0.0 + $0.1 } ?? 0), l)) }) {
            let chunk = Array(payload[length.0..<(length.0 + length.1)])
            let id = hasher.id(chunk)
            #expect(try !writer.add(.data, id: id, plaintext: chunk), "deduplicated against the old index")
            ids.append(id)
        }
        var node = Node(name: Array("a.bin".utf8), kind: .file, mode: 0o644, uid: 0, gid: 0, mtimeSeconds: 0, mtimeNanoseconds: 0, size: UInt64(payload.count))
        node.content = ids
        let inner = Tree(nodes: [node]).encoded()
        let innerID = racing.makeIDHasher(for: .tree).id(inner)
        try writer.add(.tree, id: innerID, plaintext: inner)
        var dir = Node(name: Array("src".utf8), kind: .directory, mode: 0o755, uid: 0, gid: 0, mtimeSeconds: 0, mtimeNanoseconds: 0, size: 0)
        dir.subtree = innerID
        let root = Tree(nodes: [dir]).encoded()
        let rootID = racing.makeIDHasher(for: .tree).id(root)
        try writer.add(.tree, id: rootID, plaintext: root)
        _ = try writer.finish()
        let snapshot = try racing.saveSnapshot(Snapshot(time: RFC3339.format(Date()), host: "h", username: "", tags: [], sources: ["src"],
                                                        tree: rootID, parent: nil, program: "test", stats: .init()))
        lock.release()
        // The next prune completes the plan and rescues the blob the racing backup used.
        let second = try Pruner(repository: try openAgain(scratch)).run()
        #expect(second.plansCompleted >= 1)
        #expect(second.blobsRescued >= 1)
        #expect(try Checker(repository: try openAgain(scratch)).run(readData: .all).isClean)
        #expect(try restoredFiles(try openAgain(scratch), snapshot, into: scratch.sub("out"))["a.bin"] == Data(payload))
    }

    @Test func backupsAndPrunesRacingForTwentyRoundsLoseNothing() throws {
        let scratch = Scratch()
        _ = try makeRepository(scratch)
        let source = scratch.sub("src")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        let failures = Mutex<[String]>([])
        let expected = Mutex<[BlobID: [String: Data]]>([:])
        let pruneTotals = Mutex((completed: 0, deferred: 0, deleted: UInt64(0)))
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for round in 0..<20 {
                do {
                    if worker == 0 {
                        // Each round: change the tree, back it up, forget all but the latest two.
                        let dir = scratch.sub("src\(round % 3)")
                        try? FileManager.default.createDirectory(atPath: dir + "/src", withIntermediateDirectories: true)
                        write(dir + "/src/r\(round).bin", bytes(200_000 + round * 1_000, seed: UInt64(round)))
                        try? FileManager.default.removeItem(atPath: dir + "/src/r\(round - 3).bin")
                        let repository = try openAgain(scratch)
                        let id = try backup(repository, dir + "/src")
                        let files = Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: dir + "/src")
                            .map { ($0, FileManager.default.contents(atPath: dir + "/src/" + $0)!) })
                        expected.withLock { $0[id] = files }
                        let all = try repository.listSnapshots()
                        for old in all.dropLast(2) {
                            try repository.backend.remove(AmberStorage.FileHandle(.snapshots, old.id.hex))
                            _ = expected.withLock { $0.removeValue(forKey: old.id) }
                        }
                    } else {
                        usleep(150_000)  // spread the prunes over the backups' rounds
                        do {
                            // No clock-skew allowance: both run on this host's clock.
                            var options = PruneOptions(maxUnusedPercent: 0)
                            options.clockSkewAllowance = 0
                            let r = try Pruner(repository: try openAgain(scratch), options: options).run()
                            pruneTotals.withLock { $0.completed += r.plansCompleted; $0.deferred += r.deferred.count; $0.deleted += r.bytesDeleted }
                        } catch let error as RepositoryError where error.code == .locked {
                            // another prune: fine
                        }
                    }
                } catch {
                    failures.withLock { $0.append("worker \(worker) round \(round): \(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        // The race was real: prunes deleted data while backups ran.
        let totals = pruneTotals.withLock { $0 }
        #expect(totals.completed > 0 && totals.deleted > 0, "\(totals)")
        _ = try Pruner(repository: try openAgain(scratch)).run()
        #expect(try Checker(repository: try openAgain(scratch)).run(readData: .all).errors == [])
        for (id, files) in expected.withLock({ $0 }) {
            let out = scratch.sub("verify-\(id.shortHex)")
            let repository = try openAgain(scratch)
            try repository.loadIndex()
            let root = try repository.loadSnapshot(id).treeID!
            _ = try Restorer(repository: repository).restore(root, to: out)
            for (name, data) in files { #expect(FileManager.default.contents(atPath: out + "/src/" + name) == data, "\(id.shortHex) \(name)") }
        }
    }

    private func directorySize(_ path: String) throws -> Int {
        var total = 0
        for item in FileManager.default.enumerator(atPath: path)!.compactMap({ $0 as? String }) {
            total += (try? FileManager.default.attributesOfItem(atPath: path + "/" + item)[.size] as? Int) ?? 0
        }
        return total
    }
}
