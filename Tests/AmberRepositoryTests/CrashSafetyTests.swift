import AmberCore
import AmberRepository
import AmberSnapshot
import AmberStorage
import Synchronization
import Testing
import AmberTesting

/// Lets `packs` pack saves through, then arms the FaultyBackend so every later save
/// "crashes before rename" (writes nothing), like a process killed mid-backup. Use ``faulty``
/// as the backend.
final class CrashAfterPacks: Sendable {
    let faulty: FaultyBackend
    private let remaining = Mutex<Int?>(nil)

    init(base: any Backend) {
        faulty = FaultyBackend(base: base)
        faulty.onEverySave { [weak self] handle in self?.count(handle) }
    }

    func arm(packs: Int) { remaining.withLock { $0 = packs } }

    private func count(_ handle: FileHandle) {
        remaining.withLock { left in
            guard let n = left else { return }
            if handle.kind == .data && n > 0 { left = n - 1 } else { faulty.crashNextSavesBeforeRename(1_000_000) }
        }
    }

    func disarm() {
        remaining.withLock { $0 = nil }
        faulty.reset()
    }
}

@Suite("Crash safety")
struct CrashSafetyTests {
    /// A backup of six 300 KiB blobs under one tree, completed: its blobs, their ids, the tree
    /// and the snapshot.
    private func completeBackup(_ repository: Repository) throws -> ([[UInt8]], [BlobID], BlobID, BlobID) {
        let first = (0..<6).map { _ in randomBytes(300 << 10) }
        let done = try backupOneFile(repository, first)
        return (first, done.ids, done.tree, done.snapshot)
    }

    @Test(arguments: BackendKind.allCases, [0, 1, 2])
    func interruptedBackupLeavesEarlierSnapshotIntact(kind: BackendKind, packsBeforeCrash: Int) throws {
        let store = try TestStore(kind)
        let backend = CrashAfterPacks(base: store.backend)
        let repository = try initRepository(backend.faulty, config: .smallPacks())

        // First backup: completes.
        let (first, ids, treeID, snapshot) = try completeBackup(repository)
        let packsAfterFirst = try store.backend.list(.data).count
        let indexAfterFirst = try store.backend.list(.index).count

        // Second backup: saves stop working after `packsBeforeCrash` packs.
        backend.arm(packs: packsBeforeCrash)
        let second = BlobWriter(repository: repository)
        var failed: RepositoryError?
        do {
            for _ in 0..<10 {
                let blob = randomBytes(400 << 10)
                try second.add(.data, id: blobID(repository, blob), plaintext: blob)
            }
            // Re-adding the first backup's blobs stores nothing.
            for blob in first { #expect(try !second.add(.data, id: blobID(repository, blob), plaintext: blob)) }
            _ = try second.finish()
        } catch {
            failed = error
            _ = try? second.finish()  // wait for the workers before the "restart"
        }
        #expect(failed?.code == .storage)
        backend.disarm()
        #expect(try store.backend.list(.data).count == packsAfterFirst + packsBeforeCrash)
        #expect(try store.backend.list(.index).count == indexAfterFirst)

        // After the restart: the first snapshot and all its blobs load.
        let fresh = try reopen(store.backend)
        let records = try fresh.listSnapshots()
        #expect(records.map(\.id) == [snapshot])
        #expect(try fresh.loadTree(treeID).nodes.first?.content == ids)
        for (id, blob) in zip(ids, first) { #expect(try fresh.loadBlob(id) == blob) }

        let report = try Checker(repository: try Repository.open(backend: store.backend, password: password)).run(readData: .all)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.warnings.count == packsBeforeCrash, "\(report.warnings)")
        #expect(report.warnings.allSatisfy { $0.contains("in no index") })
        #expect(report.damagedBlobs.isEmpty)

        // A new backup after the crash stores the lost blobs again and completes.
        let again = try reopen(store.backend)
        let blob = randomBytes(1000)
        let id = try storeBlobs(again, [(.data, blob)])[0]
        #expect(try reopen(store.backend).loadBlob(id) == blob)
    }

    @Test(arguments: BackendKind.allCases)
    func lostAcknowledgementOfASnapshotSaveIsHarmless(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let faulty = FaultyBackend(base: store.backend)
        let repository = try initRepository(faulty)
        let ids = try storeBlobs(repository, [(.tree, Tree(nodes: []).encoded())])
        faulty.failNextSavesAfterWriting(1, with: .transient)
        let retrying = try Repository.open(backend: RetryingBackend(base: faulty, initialDelay: 0.001), password: password)
        let snapshot = try retrying.saveSnapshot(makeSnapshot(tree: ids[0]))
        #expect(faulty.calls(.save) >= 2)
        #expect(try reopen(store.backend).listSnapshots().map(\.id) == [snapshot])
    }
}
