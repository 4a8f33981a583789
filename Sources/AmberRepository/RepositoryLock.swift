import AmberCore
import AmberStorage
import Foundation
import Synchronization

/// How a lock shares the repository.
public enum LockMode: Sendable, Equatable {
    /// Backups, restores, checks: any number at once.
    case shared
    /// Prune: excludes other prunes and exclusive holders, but not backups (`docs/format.md` §Prune).
    case maintenance
    /// Conflicts with every other lock.
    case exclusive

    func conflicts(with other: LockMode) -> Bool {
        switch (self, other) {
        case (.exclusive, _), (_, .exclusive): return true
        case (.maintenance, .maintenance): return true
        default: return false
        }
    }
}

/// What a lock file says about its holder.
public struct LockInfo: Sendable {
    public let name: String
    public let mode: LockMode
    /// When the holder first took the lock (the refresh time for locks written before this field existed).
    public let created: Date
    public let refreshed: Date
    public let hostname: String
    public let pid: Int32
    public let isStale: Bool
}

/// A lock file (`docs/format.md` §Locks): shared for backups, maintenance for prune, exclusive
/// for operations that must run alone. Any number of shared locks coexist; a maintenance lock
/// excludes other maintenance locks; an exclusive lock conflicts with every other lock.
///
/// A lock is stale when it has not been refreshed for 30 minutes, or when it was taken on this
/// host by a process that no longer exists. The holder refreshes it every 5 minutes.
public final class RepositoryLock: Sendable {
    struct Payload: Codable {
        /// Last refresh.
        var time: String
        /// First acquisition (absent in locks written by older versions).
        var created: String?
        var exclusive: Bool
        var maintenance: Bool?
        var hostname: String
        var pid: Int32
        /// When the process started, in clock ticks after boot (`/proc/PID/stat` field 22;
        /// absent where there is no /proc, and in locks of older versions): a PID reused by
        /// another process since is told from the holder.
        var pidStart: UInt64?

        var mode: LockMode { exclusive ? .exclusive : (maintenance == true ? .maintenance : .shared) }
    }

    public static let staleAfter: TimeInterval = 30 * 60
    public static let refreshEvery: TimeInterval = 5 * 60

    private let repository: Repository
    public let mode: LockMode
    /// When this lock was first taken.
    public let created: Date
    private let name: Mutex<String?>
    private let timer: Mutex<TimerHandle?>

    private init(repository: Repository, mode: LockMode) {
        self.repository = repository
        self.mode = mode
        created = Date()
        name = Mutex(nil)
        timer = Mutex(nil)
    }

    /// The name of this lock's current file.
    public var fileName: String? { name.withLock { $0 } }

    /// Takes a shared or exclusive lock, or throws `.locked` naming the holder of a conflicting one.
    public static func acquire(_ repository: Repository, exclusive: Bool) throws(RepositoryError) -> RepositoryLock {
        try acquire(repository, mode: exclusive ? .exclusive : .shared)
    }

    /// Takes a lock; while a conflicting one is held, tries again every few seconds for up to
    /// `retry` seconds (restic's `--retry-lock`), then throws `.locked` naming its holder.
    public static func acquire(_ repository: Repository, mode: LockMode, retryingFor retry: Double) throws(RepositoryError) -> RepositoryLock {
        let deadline = Date().addingTimeInterval(retry)
        var pause = 1.0
        while true {
            do {
                return try acquire(repository, mode: mode)
            } catch where error.code == .locked && Date() < deadline && (try? repository.newerKeyFile()) == nil {
                // (Keys that a rotation made stale stay stale: no waiting helps.)
                Thread.sleep(forTimeInterval: min(pause, max(0.1, deadline.timeIntervalSinceNow)))
                pause = min(pause * 2, 10)
            }
        }
    }

    /// Takes a lock, or throws `.locked` naming the holder of a conflicting one.
    public static func acquire(_ repository: Repository, mode: LockMode) throws(RepositoryError) -> RepositoryLock {
        let lock = RepositoryLock(repository: repository, mode: mode)
        try lock.checkConflicts(ignoring: nil)
        let mine = try lock.write()
        // Two processes may have written at the same moment: check again now that ours is visible.
        // Then the keys: a `key rotate` that ended before our lock was visible made keys newer
        // than ours (a later one waits for our lock).
        do {
            try lock.checkConflicts(ignoring: mine)
            try repository.checkKeysAreCurrent()
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
        let payload = Payload(time: RFC3339.format(Date()), created: RFC3339.format(created), exclusive: mode == .exclusive,
                              maintenance: mode == .maintenance, hostname: ProcessInfo.processInfo.hostName, pid: getpid(),
                              pidStart: Self.startTime(of: getpid()))
        let bytes = (try? JSONEncoder().encode(payload)).map { Array($0) } ?? []
        // A lock the others cannot read protects nothing: read it back.
        let (written, _) = try repository.saveFile(.lock, kind: .locks, payload: bytes, verifying: true)
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
        for other in try Self.list(repository) where other.name != mine && !other.isStale && mode.conflicts(with: other.mode) {
            let how = other.mode == .shared ? "" : " \(other.mode == .exclusive ? "exclusively" : "for maintenance")"
            throw RepositoryError(.locked, "the repository is locked\(how) by PID \(other.pid) on \(other.hostname) since \(RFC3339.format(other.created)) (lock \(other.name.prefix(8)))")
        }
    }

    /// Every lock file that can be read, with its holder and whether it is stale. A lock sealed
    /// under a key generation newer than these keys' (a process with newer keys: `key retire`
    /// under way) is listed as a live exclusive lock of an unknown holder: nothing shows whether
    /// it is stale, and ignoring it could let this process write what the retirement would lose.
    /// (One of an older generation these keys no longer hold cannot be read, so is ignored: its
    /// holder's keys were stale, and such a holder writes nothing.)
    public static func list(_ repository: Repository) throws(RepositoryError) -> [LockInfo] {
        let files = try storage { () throws(BackendError) in try repository.backend.list(.locks) }
        var result = [LockInfo]()
        for (other, _) in files {
            if let generation = repository.newerGeneration(of: FileHandle(.locks, other)) {
                result.append(LockInfo(name: other, mode: .exclusive, created: Date(), refreshed: Date(),
                                       hostname: "a process with newer keys (key generation \(generation))", pid: 0, isStale: false))
                continue
            }
            guard let bytes = try? repository.loadFile(.lock, FileHandle(.locks, other)),
                  let payload = try? JSONDecoder().decode(Payload.self, from: Data(bytes)),
                  let refreshed = RFC3339.parse(payload.time) else { continue }
            let created = payload.created.flatMap(RFC3339.parse) ?? refreshed
            result.append(LockInfo(name: other, mode: payload.mode, created: created, refreshed: refreshed,
                                   hostname: payload.hostname, pid: payload.pid, isStale: isStale(payload)))
        }
        return result
    }

    static func isStale(_ payload: Payload) -> Bool {
        guard let time = RFC3339.parse(payload.time) else { return true }
        if Date().timeIntervalSince(time) > staleAfter { return true }
        if payload.hostname == ProcessInfo.processInfo.hostName {
            if isGone(payload.pid) { return true }
            // The PID is taken, but by another process than the holder (PIDs are reused: 32,768
            // of them by default on Linux).
            if let started = payload.pidStart, let now = startTime(of: payload.pid), now != started { return true }
        }
        return false
    }

    /// When process `pid` started, in clock ticks after boot (`/proc/PID/stat` field 22); nil
    /// where it cannot be read.
    static func startTime(of pid: Int32) -> UInt64? {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        // After "(command)": state is field 3, starttime field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
        #else
        return nil
        #endif
    }

    /// Whether no process `pid` runs on this host: none exists, or it is a zombie (killed, not
    /// yet reaped by its parent: it holds nothing, and a slow parent must not keep its lock).
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        #if os(Linux)
        // /proc/PID/stat: "PID (command) STATE …"; the command may hold spaces and parentheses.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            let state = stat[stat.index(after: close)...].split(separator: " ").first
            return state == "Z" || state == "X"
        }
        #endif
        return false
    }
}

/// A dispatch timer handed between threads; it is only cancelled under the lock's mutex.
struct TimerHandle: @unchecked Sendable {
    let source: any DispatchSourceTimer
}
