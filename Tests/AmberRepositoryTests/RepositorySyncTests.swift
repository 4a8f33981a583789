import AmberCore
import AmberCrypto
@testable import AmberRepository
import AmberStorage
import Foundation
import Synchronization
import Testing
import AmberTesting

/// A backend that stores the first `limit` saves and fails every later one, like a sync killed midway.
final class SaveLimitBackend: Backend {
    let base: any Backend
    private let remaining: Mutex<Int>

    init(base: any Backend, limit: Int) {
        self.base = base
        remaining = Mutex(limit)
    }

    var location: String { base.location }
    func create() throws(BackendError) { try base.create() }
    func save(_ handle: AmberStorage.FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        let allowed = remaining.withLock { n -> Bool in defer { n -= 1 }; return n > 0 }
        guard allowed else { throw BackendError(.permanent, path: handle.path, message: "simulated interruption") }
        try base.save(handle, bytes)
    }
    func load(_ handle: AmberStorage.FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try base.load(handle, offset: offset, length: length)
    }
    func size(_ handle: AmberStorage.FileHandle) throws(BackendError) -> Int { try base.size(handle) }
    func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] { try base.list(kind) }
    func remove(_ handle: AmberStorage.FileHandle) throws(BackendError) { try base.remove(handle) }
    func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) {
        try base.removeAbandonedTemporaries(olderThan: age)
    }
}

/// A backend that silently stores packs with one byte flipped: same size, wrong contents.
final class CorruptingBackend: Backend {
    let base: any Backend
    init(base: any Backend) { self.base = base }
    var location: String { base.location }
    func create() throws(BackendError) { try base.create() }
    func save(_ handle: AmberStorage.FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        var stored = bytes
        if handle.kind == .data { stored[stored.count / 2] ^= 0xff }
        try base.save(handle, stored)
    }
    func load(_ handle: AmberStorage.FileHandle, offset: Int, length: Int?) throws(BackendError) -> [UInt8] {
        try base.load(handle, offset: offset, length: length)
    }
    func size(_ handle: AmberStorage.FileHandle) throws(BackendError) -> Int { try base.size(handle) }
    func list(_ kind: FileKind) throws(BackendError) -> [(name: String, size: Int)] { try base.list(kind) }
    func remove(_ handle: AmberStorage.FileHandle) throws(BackendError) { try base.remove(handle) }
    func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) {
        try base.removeAbandonedTemporaries(olderThan: age)
    }
}

@Suite struct RepositorySyncTests {
    /// A source repository with several packs and one snapshot; returns it and the stored blobs.
    func makeSource(_ kind: BackendKind) throws -> (store: TestStore, repository: Repository, blobs: [(BlobID, [UInt8])]) {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend, config: .smallPacks())
        let contents = (0..<12).map { _ in randomBytes(300_000) }
        let ids = try storeBlobs(repository, contents.map { (.data, $0) })
        let one = randomBytes(1000)
        let (blob, _) = try backupOneFile(repository, data: one)
        return (store, repository, Array(zip(ids, contents)) + [(blob, one)])
    }

    /// Opens the destination with the password and reads back every blob.
    func expectRestorable(_ backend: any Backend, _ blobs: [(BlobID, [UInt8])]) throws {
        let copy = try reopen(backend)
        for (id, plaintext) in blobs { #expect(try copy.loadBlob(id) == plaintext) }
        #expect(try copy.listSnapshots().count == 1)
    }

    @Test(arguments: BackendKind.allCases, BackendKind.allCases)
    func copiesOnlyWhatIsMissing(from sourceKind: BackendKind, to destinationKind: BackendKind) throws {
        let (source, _, blobs) = try makeSource(sourceKind)
        let destination = try TestStore(destinationKind)
        try destination.backend.create()
        let packs = try source.backend.list(.data)
        #expect(packs.count >= 3)
        let seeded = AmberStorage.FileHandle(.data, packs[0].name)
        try destination.backend.save(seeded, try source.backend.load(seeded))

        let first = try RepositorySync(source: source.backend, destination: destination.backend).run()
        #expect(first[.data].presentFiles == 1)
        #expect(first[.data].copiedFiles == packs.count - 1)
        #expect(first[.config].copiedFiles == 1)
        #expect(first[.keys].copiedFiles == 1)
        #expect(first[.snapshots].copiedFiles == 1)
        #expect(first.copiedBytes == Int64(try allBytes(source.backend) - packs[0].size))
        try expectRestorable(destination.backend, blobs)

        let second = try RepositorySync(source: source.backend, destination: destination.backend).run()
        #expect(second.copiedFiles == 0)
        #expect(second.copiedBytes == 0)
        #expect(second.presentFiles == first.copiedFiles + 1)
    }

    @Test func interruptedSyncResumes() throws {
        let (source, _, blobs) = try makeSource(.memory)
        let destination = MemoryBackend()
        let interrupted = SaveLimitBackend(base: destination, limit: 5)
        #expect(throws: RepositoryError.self) {
            try RepositorySync(source: source.backend, destination: interrupted, options: SyncOptions(parallelism: 2)).run()
        }
        // No config yet: the interrupted copy does not look like a repository.
        #expect(throws: RepositoryError.self) { try Repository.open(backend: destination, password: password) }
        #expect(try destination.exists(.config) == false)
        let copied = try FileKind.allCases.reduce(0) { $0 + (try destination.list($1).count) }
        #expect(copied == 5)

        let rerun = try RepositorySync(source: source.backend, destination: destination).run()
        #expect(rerun.presentFiles == 5)
        #expect(rerun[.config].copiedFiles == 1)
        try expectRestorable(destination, blobs)
    }

    @Test func deleteRemovesWhatTheSourceNoLongerHas() throws {
        let (source, repository, blobs) = try makeSource(.local)
        let destination = try TestStore(.local)
        try RepositorySync(source: source.backend, destination: destination.backend).run()
        // The source forgets its snapshot and gains another; the destination has a stray pack and a lock.
        let old = try #require(try source.backend.list(.snapshots).first?.name)
        try source.backend.remove(AmberStorage.FileHandle(.snapshots, old))
        _ = try backupOneFile(repository, data: blobs[0].1)
        let stray = String(repeating: "ab", count: 32)
        try destination.backend.save(AmberStorage.FileHandle(.data, stray), [1, 2, 3])
        let lock = String(repeating: "cd", count: 32)
        try destination.backend.save(AmberStorage.FileHandle(.locks, lock), [4, 5])

        let kept = try RepositorySync(source: source.backend, destination: destination.backend).run()
        #expect(kept.deletedFiles == 0)
        #expect(try destination.backend.list(.snapshots).count == 2)

        let report = try RepositorySync(source: source.backend, destination: destination.backend, options: SyncOptions(delete: true)).run()
        #expect(report[.snapshots].deletedFiles == 1)
        #expect(report[.data].deletedFiles == 1)
        #expect(report[.data].deletedBytes == 3)
        #expect(try destination.backend.list(.snapshots).map(\.name) == (try source.backend.list(.snapshots).map(\.name)))
        #expect(try destination.backend.exists(AmberStorage.FileHandle(.locks, lock)))
        #expect(try destination.backend.exists(.config))
        try expectRestorable(destination.backend, blobs)
    }

    @Test func verifyContentsCatchesACorruptedCopy() throws {
        let (source, _, _) = try makeSource(.memory)
        let destination = MemoryBackend()
        // Sizes match, so only reading back finds the damage.
        _ = try RepositorySync(source: source.backend, destination: CorruptingBackend(base: MemoryBackend())).run()
        let error = #expect(throws: RepositoryError.self) {
            try RepositorySync(source: source.backend, destination: CorruptingBackend(base: destination),
                               options: SyncOptions(verifyContents: true)).run()
        }
        #expect(error?.code == .damaged)
        #expect(error?.message.contains("do not match") == true)
        // The bad copy was removed, and the sync stopped before index files and the config.
        #expect(try destination.list(.data).isEmpty)
        #expect(try destination.list(.index).isEmpty)
        #expect(try destination.exists(.config) == false)

        let good = try RepositorySync(source: source.backend, destination: destination, options: SyncOptions(verifyContents: true)).run()
        #expect(good.verifiedContents)
        #expect(good[.config].copiedFiles == 1)
    }

    @Test func refusesADifferentRepository() throws {
        let (source, _, _) = try makeSource(.memory)
        let other = MemoryBackend()
        _ = try initRepository(other)
        let error = #expect(throws: RepositoryError.self) { try RepositorySync(source: source.backend, destination: other).run() }
        #expect(error?.code == .invalidArgument)
        #expect(try other.list(.data).isEmpty)
    }

    @Test func doesNotPropagateADamagedSourceFile() throws {
        let (source, _, _) = try makeSource(.memory)
        let pack = try #require(try source.backend.list(.data).first?.name)
        try source.flip(AmberStorage.FileHandle(.data, pack), at: 10)
        let destination = MemoryBackend()
        let error = #expect(throws: RepositoryError.self) { try RepositorySync(source: source.backend, destination: destination).run() }
        #expect(error?.code == .damaged)
        #expect(try destination.exists(AmberStorage.FileHandle(.data, pack)) == false)
        #expect(try destination.exists(.config) == false)
    }

    func allBytes(_ backend: any Backend) throws -> Int {
        var total = try backend.size(.config)
        for kind in [FileKind.keys, .data, .index, .snapshots, .plans, .copies] { total += try backend.list(kind).reduce(0) { $0 + $1.size } }
        return total
    }
}
