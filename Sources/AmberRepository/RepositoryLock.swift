import AmberCore
import AmberStorage
import Foundation
import Synchronization

/// A lock file (`docs/format.md` §Locks): shared for backups, exclusive for operations that
/// delete. Backups take shared locks, so any number run at once; an exclusive lock conflicts
/// with every other lock.
///
/// A lock is stale when it has not been refreshed for 30 minutes, or when it was taken on this
/// host by a process that no longer exists. The holder refreshes it every 5 minutes.
public final class RepositoryLock: Sendable {
    struct Payload: Codable {
        var time: String
        var exclusive: Bool
        var hostname: String
        var pid: Int32
    }

    public static let staleAfter: TimeInterval = 30 * 60
    public static let refreshEvery: TimeInterval = 5 * 60

    private let repository: Repository
    private let exclusive: Bool
    private let name: Mutex<String?>
    private let timer: Mutex<TimerHandle?>

    private init(repository: Repository, exclusive: Bool) {
        self.repository = repository
        self.exclusive = exclusive
        name = Mutex(nil)
        timer = Mutex(nil)
    }

    /// Takes a lock, or throws `.locked` naming the holder of a conflicting one.
    public static func acquire(_ repository: Repository, exclusive: Bool) throws(RepositoryError) -> RepositoryLock {
        let lock = RepositoryLock(repository: repository, exclusive: exclusive)
        try lock.checkConflicts(ignoring: nil)
        let mine = try lock.write()
        // Two processes may have written at the same moment: check again now that ours is visible.
        do {
            try lock.checkConflicts(ignoring: mine)
        } catch {
            lock.release()
            throw error
        }
        lock.startRefreshing()
        return lock
    }

    /// Removes the lock file. Safe to call twice.
    public func release() {
        timer.withLock { $0?.source.cancel(); $0 = nil }
        if let current = name.withLock({ n -> String? in defer { n = nil }; return n }) {
            try? repository.backend.remove(FileHandle(.locks, current))
        }
    }

    deinit { release() }

    private func write() throws(RepositoryError) -> String {
        let payload = Payload(time: RFC3339.format(Date()), exclusive: exclusive,
                              hostname: ProcessInfo.processInfo.hostName, pid: getpid())
        let bytes = (try? JSONEncoder().encode(payload)).map { Array($0) } ?? []
        let (written, _) = try repository.saveFile(.lock, kind: .locks, payload: bytes)
        let old = name.withLock { n -> String? in defer { n = written }; return n }
        if let old, old != written { try? repository.backend.remove(FileHandle(.locks, old)) }
        return written
    }

    private func startRefreshing() {
        let source = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        source.schedule(deadline: .now() + Self.refreshEvery, repeating: Self.refreshEvery)
        source.setEventHandler { [weak self] in _ = try? self?.write() }
        source.resume()
        timer.withLock { $0 = TimerHandle(source: source) }
    }

    private func checkConflicts(ignoring mine: String?) throws(RepositoryError) {
        let files = try storage { () throws(BackendError) in try repository.backend.list(.locks) }
        for (other, _) in files where other != mine {
            guard let bytes = try? repository.loadFile(.lock, FileHandle(.locks, other)),
                  let payload = try? JSONDecoder().decode(Payload.self, from: Data(bytes)) else { continue }
            guard exclusive || payload.exclusive else { continue }
            if Self.isStale(payload) { continue }
            throw RepositoryError(.locked, "the repository is locked \(payload.exclusive ? "exclusively" : "") by PID \(payload.pid) on \(payload.hostname) since \(payload.time) (lock \(other.prefix(8)))")
        }
    }

    static func isStale(_ payload: Payload) -> Bool {
        guard let time = RFC3339.parse(payload.time) else { return true }
        if Date().timeIntervalSince(time) > staleAfter { return true }
        if payload.hostname == ProcessInfo.processInfo.hostName, kill(payload.pid, 0) != 0, errno == ESRCH { return true }
        return false
    }
}

/// A dispatch timer handed between threads; it is only cancelled under the lock's mutex.
struct TimerHandle: @unchecked Sendable {
    let source: any DispatchSourceTimer
}
