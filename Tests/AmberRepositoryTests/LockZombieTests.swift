#if os(Linux)
import Foundation
import Glibc
@testable import AmberRepository
import Testing

/// A process killed but not yet reaped by its parent (a zombie, as a backup is for a moment after
/// `kill -9` when its parent has gone too and init reaps late) holds nothing: its lock is stale.
/// The crash harness met it: a compact after a killed backup found the lock live and exited 11.
@Suite("Lock holders that are zombies or whose PID was reused")
struct LockZombieTests {
    @Test func aZombieHolderMakesTheLockStale() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(argv[0]) }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0)
        // Not reaped: once it has exited it is a zombie until waitpid below.
        var zombie = false
        for _ in 0..<200 where !zombie {
            usleep(10_000)
            zombie = ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "").contains(") Z ")
        }
        #expect(zombie, "the child did not become a zombie")
        #expect(kill(pid, 0) == 0, "kill(0) still finds a zombie")
        let now = RFC3339.format(Date())
        let host = ProcessInfo.processInfo.hostName
        #expect(RepositoryLock.isStale(RepositoryLock.Payload(time: now, created: now, exclusive: false, maintenance: nil, hostname: host, pid: pid)))
        #expect(!RepositoryLock.isStale(RepositoryLock.Payload(time: now, created: now, exclusive: false, maintenance: nil, hostname: host, pid: getpid())))
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(RepositoryLock.isStale(RepositoryLock.Payload(time: now, created: now, exclusive: false, maintenance: nil, hostname: host, pid: pid)))
    }

    /// A PID reused by another process: the lock's holder started at another time than the
    /// process now under that PID, so the lock is stale. (The crash harness met it: with Linux's
    /// default 32,768 PIDs, a killed prune's PID went to a later process, and `check` found the
    /// repository locked.) The holder's own start time keeps its lock live.
    @Test func aReusedPIDMakesTheLockStale() throws {
        let now = RFC3339.format(Date())
        let host = ProcessInfo.processInfo.hostName
        let started = try #require(RepositoryLock.startTime(of: getpid()))
        func payload(_ start: UInt64?) -> RepositoryLock.Payload {
            RepositoryLock.Payload(time: now, created: now, exclusive: true, maintenance: nil, hostname: host, pid: getpid(), pidStart: start)
        }
        #expect(!RepositoryLock.isStale(payload(started)))
        #expect(RepositoryLock.isStale(payload(started + 1)))
        #expect(!RepositoryLock.isStale(payload(nil)), "a lock of an older version: the PID alone decides")
    }
}
#endif
