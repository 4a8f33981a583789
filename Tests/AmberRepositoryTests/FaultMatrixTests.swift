import AmberCore
import AmberRepository
import AmberSnapshot
import AmberStorage
import AmberStorageS3
import Synchronization
import Testing
import AmberTesting

/// The storage faults of the matrix, each injected at one save of a backup.
enum StorageFault: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The process dies before the save's rename: this save and every later one write nothing.
    case crashBeforeRename
    /// The process dies while the save's file is torn: half of it under its final name; every
    /// later save writes nothing.
    case tornWrite
    /// The disk fills: this save and every later one fail with ENOSPC; the process goes on.
    case diskFull
    /// The save is stored but its acknowledgement is lost; the retry finds it done.
    case lostAcknowledgement
    /// The save stores half of its bytes and reports success: only reading finds it.
    case shortWrite

    var testDescription: String { rawValue }
}

/// Injects one ``StorageFault`` at the `k`-th save after ``arm(_:atSave:)`` (1-based), through
/// ``faulty``'s save hook: use ``faulty`` as the backend.
final class FaultAtSave: Sendable {
    let faulty: FaultyBackend
    private let plan = Mutex<(fault: StorageFault, save: Int)?>(nil)
    private let hasStruck = Mutex(false)

    init(base: any Backend) {
        faulty = FaultyBackend(base: base)
        faulty.onEverySave { [weak self] _ in self?.strikeIfDue() }
    }

    func arm(_ fault: StorageFault, atSave save: Int) {
        plan.withLock { $0 = (fault, save) }
        hasStruck.withLock { $0 = false }
    }

    /// Whether the fault armed last has struck.
    var struck: Bool { hasStruck.withLock { $0 } }

    func disarm() {
        plan.withLock { $0 = nil }
        faulty.reset()  // ends a full disk too
    }

    private func strikeIfDue() {
        plan.withLock { plan in
            guard let (fault, save) = plan else { return }
            if save > 1 {
                plan = (fault, save - 1)
                return
            }
            hasStruck.withLock { $0 = true }
            switch fault {
            case .crashBeforeRename: faulty.crashNextSavesBeforeRename(1_000_000)
            case .tornWrite:
                faulty.tearNextSaves(1)
                plan = (.crashBeforeRename, 2)  // then dead: every later save writes nothing
                return
            case .diskFull: faulty.fillDisk(afterBytes: 0)
            case .lostAcknowledgement: faulty.failNextSavesAfterWriting(1, with: .transient)
            case .shortWrite: faulty.shortenNextSaves(1)
            }
            plan = nil
        }
    }
}

/// Every storage fault at every save of a backup, on every backend (S3 when a moto server is
/// there): the backup fails with a storage error naming the fault, or, for a fault it can
/// absorb, succeeds; the snapshot made before stays whole (listed, every blob equal to what was
/// stored); `check --read-data` finds no error a crash caused and names what a hidden short
/// write damaged; and a backup after the fault succeeds and checks clean.
@Suite("Fault matrix")
struct FaultMatrixTests {
    /// The backends: memory, local directory, and S3 (moto) when available.
    static let backends: [String] = ["memory", "local"] + (S3TestServer.isAvailable ? ["s3"] : [])
    /// The saves an unfaulted second backup makes (counted by ``savesOfABackup()``): packs, the
    /// index, the snapshot.
    static let saves = 5

    private struct Store {
        let backend: any Backend
        let keep: AnyObject?
    }

    private func store(_ kind: String) throws -> Store {
        switch kind {
        case "s3":
            return Store(backend: try S3TestServer.backend("faults"), keep: nil)
        default:
            let store = try TestStore(kind == "local" ? .local : .memory)
            return Store(backend: store.backend, keep: store)
        }
    }

    /// A backup of `blobs` (``backupOneFile(_:_:)``): the tree and the snapshot.
    private func backup(_ repository: Repository, _ blobs: [[UInt8]]) throws -> (tree: BlobID, snapshot: BlobID) {
        let done = try backupOneFile(repository, blobs)
        return (done.tree, done.snapshot)
    }

    private func content(_ count: Int) -> [[UInt8]] { (0..<count).map { _ in randomBytes(300 << 10) } }

    /// Checks that the snapshot of `tree` loads and holds `blobs`.
    private func expectWhole(_ repository: Repository, snapshot: BlobID, tree: BlobID, _ blobs: [[UInt8]],
                             _ comment: Comment) throws {
        #expect(try repository.readableSnapshots().map(\.id).contains(snapshot), comment)
        let ids = try repository.loadTree(tree).nodes.first?.content ?? []
        #expect(ids.count == blobs.count, comment)
        for (id, blob) in zip(ids, blobs) { #expect(try repository.loadBlob(id) == blob, comment) }
    }

    @Test func savesOfABackup() throws {
        let store = try TestStore(.memory)
        let faulty = FaultyBackend(base: store.backend)
        let repository = try initRepository(faulty, config: .smallPacks())
        _ = try backup(repository, content(6))
        faulty.reset()
        _ = try backup(repository, content(8))
        #expect(faulty.calls(.save) == Self.saves)
    }

    @Test(arguments: backends, StorageFault.allCases)
    func aFaultAtEverySaveOfABackup(backend kind: String, fault: StorageFault) throws {
        for save in 1...Self.saves {
            let comment: Comment = "\(fault) at save \(save) on \(kind)"
            let store = try store(kind)
            let backend = FaultAtSave(base: store.backend)
            let repository = try initRepository(backend.faulty, config: .smallPacks())
            let first = content(6)
            let (firstTree, firstSnapshot) = try backup(repository, first)

            let second = content(8)
            backend.arm(fault, atSave: save)
            var secondSnapshot: (tree: BlobID, snapshot: BlobID)?
            do {
                let retrying = try Repository.open(backend: RetryingBackend(base: backend.faulty, initialDelay: 0.001), password: password)
                try retrying.loadIndex()
                secondSnapshot = try backup(retrying, second)
            } catch {
                let message = "\(error)"
                #expect((error as? RepositoryError)?.code == .storage, comment)
                #expect(message.contains("injected") || message.contains("simulated"), "\(comment): \(message)")
            }
            let absorbs = fault == .lostAcknowledgement || fault == .shortWrite
            #expect((secondSnapshot != nil) == absorbs, comment)
            backend.disarm()

            // The snapshot made before the fault is whole, and so is the second when it succeeded
            // (unless a hidden short write damaged it: check names that below).
            let fresh = try reopen(store.backend)
            try expectWhole(fresh, snapshot: firstSnapshot, tree: firstTree, first, comment)
            if let secondSnapshot, fault == .lostAcknowledgement {
                try expectWhole(fresh, snapshot: secondSnapshot.snapshot, tree: secondSnapshot.tree, second, comment)
            }
            let report = try check(store.backend)
            switch fault {
            case .shortWrite:
                #expect(!report.errors.isEmpty, "\(comment): a short file went unnoticed")
            case .tornWrite where save == Self.saves - 1:
                // The index file torn: named; its packs are read from their headers meanwhile.
                #expect(report.errors.count == 1 && report.errors.allSatisfy { $0.hasPrefix("index file") }, "\(comment): \(report.errors)")
            case .tornWrite where save == Self.saves:
                // The snapshot file torn: named, and left out of every listing.
                #expect(report.errors.count == 1 && report.errors.allSatisfy { $0.contains("snapshot") }, "\(comment): \(report.errors)")
                #expect(try fresh.readableSnapshots().map(\.id) == [firstSnapshot], comment)
            default:
                // A torn pack is in no index: nothing needs it, a warning.
                #expect(report.errors.isEmpty, "\(comment): \(report.errors)")
            }

            // Life goes on: a backup after the fault succeeds; `repair index`, forgetting a
            // snapshot whose file is damaged, and prune leave a repository that checks clean.
            let after = try reopen(store.backend)
            let third = content(3)
            let (thirdTree, thirdSnapshot) = try backup(after, third)
            try expectWhole(try reopen(store.backend), snapshot: thirdSnapshot, tree: thirdTree, third, comment)
            let repaired = try reopen(store.backend)
            _ = try IndexRepair(repository: repaired).run()
            _ = try repaired.readableSnapshots()
            for name in repaired.skippedSnapshots.keys { try repaired.removeSnapshot(BlobID(hex: name)!) }
            if fault == .shortWrite, let secondSnapshot { try repaired.removeSnapshot(secondSnapshot.snapshot) }
            _ = try Pruner(repository: try reopen(store.backend)).run()
            let again = try check(store.backend)
            #expect(again.errors.isEmpty, "\(comment): \(again.errors)")
            #expect(again.warnings.isEmpty, "\(comment): \(again.warnings)")
            try expectWhole(try reopen(store.backend), snapshot: firstSnapshot, tree: firstTree, first, comment)
            try expectWhole(try reopen(store.backend), snapshot: thirdSnapshot, tree: thirdTree, third, comment)
        }
    }

    /// A prune that repacks (the first snapshot forgotten, half of its blobs still used by the
    /// second) with every fault at each of its saves: the prune fails with a storage error (but
    /// for a lost acknowledgement, which it absorbs); the second snapshot stays whole whatever
    /// happens; a prune run again completes, and the repository then checks clean. A short write
    /// the storage hides is caught by prune itself: it reads back every file it writes before it
    /// deletes what they replace.
    @Test(arguments: backends, StorageFault.allCases)
    func aFaultAtEverySaveOfAPrune(backend kind: String, fault: StorageFault) throws {
        var save = 1
        while true {
            let comment: Comment = "\(fault) at prune save \(save) on \(kind)"
            let store = try store(kind)
            let backend = FaultAtSave(base: store.backend)
            let repository = try initRepository(backend.faulty, config: .smallPacks())
            let first = content(6)
            let (_, firstSnapshot) = try backup(repository, first)
            let second = Array(first.prefix(3)) + content(3)
            let (secondTree, secondSnapshot) = try backup(repository, second)
            try repository.removeSnapshot(firstSnapshot)

            backend.arm(fault, atSave: save)
            var failed = false
            do {
                let pruning = try Repository.open(backend: RetryingBackend(base: backend.faulty, initialDelay: 0.001), password: password)
                _ = try Pruner(repository: pruning, options: PruneOptions(maxUnusedPercent: 0)).run()
            } catch {
                failed = true
                #expect((error as? RepositoryError)?.code == .storage, "\(comment): \(error)")
            }
            let reached = backend.struck
            backend.disarm()
            if !reached { break }  // the prune made fewer saves than `save`: every save was covered

            try expectWhole(try reopen(store.backend), snapshot: secondSnapshot, tree: secondTree, second, comment)
            #expect(failed == (fault != .lostAcknowledgement), comment)
            if failed {
                // A torn index file is named, and prune asks for `repair index` first.
                if fault == .tornWrite { _ = try IndexRepair(repository: try reopen(store.backend)).run() }
                _ = try Pruner(repository: try reopen(store.backend), options: PruneOptions(maxUnusedPercent: 0)).run()
            }
            let report = try check(store.backend)
            #expect(report.errors.isEmpty, "\(comment): \(report.errors)")
            try expectWhole(try reopen(store.backend), snapshot: secondSnapshot, tree: secondTree, second, comment)
            save += 1
        }
        #expect(save > 2, "the prune made \(save - 1) saves: it did not repack")
    }

    /// A prune that dies at each of its removes in turn (the process killed between deleting
    /// one file and the next: the old packs it repacked, the index files it replaced, the
    /// snapshots forget left to it, its lock), on every backend: the prune fails with a storage
    /// error (but at the lock's release, its last remove, when its work is done); the snapshot
    /// kept stays whole; `check --read-data` finds no error (only leftovers, as
    /// warnings); a prune run again completes, and the repository then checks clean.
    @Test(arguments: backends)
    func aCrashAtEveryRemoveOfAPrune(backend kind: String) throws {
        var removes = 0
        while true {
            let comment: Comment = "crash after \(removes) removes of a prune on \(kind)"
            let store = try store(kind)
            let faulty = FaultyBackend(base: store.backend)
            let repository = try initRepository(faulty, config: .smallPacks())
            let first = content(6)
            let (_, firstSnapshot) = try backup(repository, first)
            let second = Array(first.prefix(3)) + content(3)
            let (secondTree, secondSnapshot) = try backup(repository, second)
            try repository.removeSnapshot(firstSnapshot)

            faulty.reset()
            faulty.dieAfter(.remove, count: removes)
            var failed = false
            do {
                let pruning = try Repository.open(backend: RetryingBackend(base: faulty, initialDelay: 0.001), password: password)
                _ = try Pruner(repository: pruning, options: PruneOptions(maxUnusedPercent: 0)).run()
            } catch {
                failed = true
                #expect((error as? RepositoryError)?.code == .storage, "\(comment): \(error)")
            }
            let died = faulty.hasDied
            let made = faulty.calls(.remove)
            faulty.reset()
            // Dying at its last remove, the lock's release, leaves a prune that had done its work.
            let locksLeft = try store.backend.list(.locks).count
            #expect(failed == died || (died && made == removes + 1 && locksLeft == 1), comment)
            if !died {
                #expect(made == removes, "\(comment): the prune made \(made) removes")
                break  // every remove of the prune was covered
            }

            // The dead prune's lock stays, as a killed process's does: `amber unlock --remove-all`.
            #expect(try RepositoryLock.removeStale(try reopen(store.backend), all: true).count == 1, comment)
            try expectWhole(try reopen(store.backend), snapshot: secondSnapshot, tree: secondTree, second, comment)
            let afterCrash = try check(store.backend)
            #expect(afterCrash.errors.isEmpty, "\(comment): \(afterCrash.errors)")
            _ = try Pruner(repository: try reopen(store.backend), options: PruneOptions(maxUnusedPercent: 0)).run()
            let report = try check(store.backend)
            #expect(report.errors.isEmpty, "\(comment): \(report.errors)")
            #expect(report.warnings.isEmpty, "\(comment): \(report.warnings)")
            try expectWhole(try reopen(store.backend), snapshot: secondSnapshot, tree: secondTree, second, comment)
            removes += 1
        }
        #expect(removes >= 2, "the prune made \(removes) removes: it did not repack")
    }

    /// A pack that cannot be read (EIO, a bad sector), on every backend: loading one of its blobs
    /// fails with a storage error naming the pack; every blob in other packs loads; `check
    /// --read-data` names the pack as an error and the snapshot and path it damages; and a slow
    /// storage (every save waiting) changes nothing but the time.
    @Test(arguments: backends)
    func anUnreadablePackCostsOnlyItsBlobs(backend kind: String) throws {
        let store = try store(kind)
        let faulty = FaultyBackend(base: store.backend)
        faulty.slowSaves(by: 0.01)
        let repository = try initRepository(faulty, config: .smallPacks())
        let blobs = content(8)
        let (tree, snapshot) = try backup(repository, blobs)
        let ids = try repository.loadTree(tree).nodes.first?.content ?? []
        let location = try #require(repository.index.lookup(ids[0]))
        faulty.makeUnreadable(FileHandle(.data, location.pack.hex))

        let reading = try Repository.open(backend: faulty, password: password)
        try reading.loadIndex()
        var lost = 0
        for (id, blob) in zip(ids, blobs) {
            do {
                #expect(try reading.loadBlob(id) == blob)
            } catch {
                lost += 1
                #expect(error.code == .storage && error.message.contains(location.pack.hex.prefix(2)) && error.message.contains("injected EIO"),
                        "\(error.message)")
                #expect(reading.index.lookup(id)?.pack == location.pack)
            }
        }
        #expect(lost >= 1 && lost < ids.count)
        let report = try Checker(repository: try Repository.open(backend: faulty, password: password)).run(readData: .all)
        #expect(report.errors.contains { $0.contains(location.pack.shortHex) && $0.contains("cannot be read") }, "\(report.errors)")
        #expect(report.affected.contains { $0.snapshot == snapshot && $0.path.contains("big") }, "\(report.affected)")
    }

    private func check(_ backend: any Backend) throws -> CheckReport {
        try Checker(repository: try Repository.open(backend: backend, password: password)).run(readData: .all)
    }
}
