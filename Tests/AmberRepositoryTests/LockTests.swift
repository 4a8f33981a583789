import AmberCore
import AmberRepository
import AmberStorage
import AmberTesting
import Foundation
import Testing

@Suite("Repository locks")
struct LockTests {
    @Test(arguments: BackendKind.allCases)
    func exclusiveConflictsWithShared(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let a = try initRepository(store.backend)
        let b = try Repository.open(backend: store.backend, password: password)

        let exclusive = try RepositoryLock.acquire(a, exclusive: true)
        let sharedError = #expect(throws: RepositoryError.self) { try RepositoryLock.acquire(b, exclusive: false) }
        #expect(sharedError?.code == .locked)
        let exclusiveError = #expect(throws: RepositoryError.self) { try RepositoryLock.acquire(b, exclusive: true) }
        #expect(exclusiveError?.code == .locked)
        #expect(try store.backend.list(.locks).count == 1, "a refused lock leaves no file behind")
        exclusive.release()
        #expect(try store.backend.list(.locks).isEmpty)

        let shared = try RepositoryLock.acquire(a, exclusive: false)
        let error = #expect(throws: RepositoryError.self) { try RepositoryLock.acquire(b, exclusive: true) }
        #expect(error?.code == .locked)
        shared.release()
        let now = try RepositoryLock.acquire(b, exclusive: true)
        now.release()
    }

    @Test(arguments: BackendKind.allCases)
    func sharedLocksCoexistAndReleaseRemovesTheirFiles(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let a = try initRepository(store.backend)
        let b = try Repository.open(backend: store.backend, password: password)
        let first = try RepositoryLock.acquire(a, exclusive: false)
        let second = try RepositoryLock.acquire(b, exclusive: false)
        #expect(try store.backend.list(.locks).count == 2)
        first.release()
        #expect(try store.backend.list(.locks).count == 1)
        first.release()  // twice is safe
        second.release()
        #expect(try store.backend.list(.locks).isEmpty)
    }

    static func payload(exclusive: Bool, age: TimeInterval) -> [UInt8] {
        let object: [String: Any] = [
            "time": RFC3339.format(Date().addingTimeInterval(-age)),
            "exclusive": exclusive,
            "hostname": ProcessInfo.processInfo.hostName,
            "pid": Int(getpid()),  // this process: alive, so only the age can make it stale
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    @Test(arguments: BackendKind.allCases)
    func staleLockIsIgnoredAndFreshOneIsNot(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)

        // A fresh foreign exclusive lock written by hand blocks (so the payload is understood)…
        let (fresh, _) = try repository.saveFile(.lock, kind: .locks, payload: Self.payload(exclusive: true, age: 60))
        let error = #expect(throws: RepositoryError.self) { try RepositoryLock.acquire(repository, exclusive: false) }
        #expect(error?.code == .locked)
        try store.backend.remove(FileHandle(.locks, fresh))

        // …one older than 30 minutes does not.
        _ = try repository.saveFile(.lock, kind: .locks, payload: Self.payload(exclusive: true, age: RepositoryLock.staleAfter + 60))
        let shared = try RepositoryLock.acquire(repository, exclusive: false)
        shared.release()
        let exclusive = try RepositoryLock.acquire(repository, exclusive: true)
        exclusive.release()
        #expect(try store.backend.list(.locks).count == 1, "stale locks are ignored, not removed")
    }

    @Test(arguments: BackendKind.allCases)
    func lockFilesAreSealed(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let lock = try RepositoryLock.acquire(repository, exclusive: true)
        defer { lock.release() }
        let name = try #require(try store.backend.list(.locks).first?.name)
        let payload = try repository.loadFile(.lock, FileHandle(.locks, name))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
        #expect(json["exclusive"] as? Bool == true)
        #expect((json["pid"] as? NSNumber)?.int32Value == getpid())
        #expect(RFC3339.parse(try #require(json["time"] as? String)) != nil)
        let raw = try store.backend.load(FileHandle(.locks, name))
        #expect(!contains(raw, Array("exclusive".utf8)))
    }


    @Test(arguments: BackendKind.allCases)
    func unlockRemovesStaleLocksAndRemoveAllEveryLock(kind: BackendKind) throws {
        let store = try TestStore(kind)
        let repository = try initRepository(store.backend)
        let (old, _) = try repository.saveFile(.lock, kind: .locks, payload: Self.payload(exclusive: true, age: RepositoryLock.staleAfter + 60))
        var dead = try JSONSerialization.jsonObject(with: Data(Self.payload(exclusive: false, age: 60))) as! [String: Any]
        dead["pid"] = Int(try DeadProcess.pid())
        let (killed, _) = try repository.saveFile(.lock, kind: .locks, payload: Array(try JSONSerialization.data(withJSONObject: dead)))
        try store.backend.save(FileHandle(.locks, String(repeating: "ab", count: 32)), Array("not a lock".utf8))
        let held = try RepositoryLock.acquire(repository, exclusive: false)
        defer { held.release() }
        #expect(try store.backend.list(.locks).count == 4)

        let removed = try RepositoryLock.removeStale(repository, all: false)
        #expect(removed == [old, killed].sorted(), "the old lock and the dead process's lock, nothing else")
        let left = Set(try store.backend.list(.locks).map(\.name))
        #expect(left == [try #require(held.fileName), String(repeating: "ab", count: 32)])
        #expect(try RepositoryLock.removeStale(repository, all: false).isEmpty)

        #expect(try RepositoryLock.removeStale(repository, all: true).count == 2)
        #expect(try store.backend.list(.locks).isEmpty)
    }
}
