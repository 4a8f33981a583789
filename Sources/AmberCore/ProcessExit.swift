import Dispatch
public import Foundation

/// The end of a child `Process`, awaited without `Process.waitUntilExit()`: on Linux that polls
/// its run loop every 50 ms, so each program amber runs and waits for (`pg_dump`, `pg_restore`,
/// a password command) cost up to 50 ms more than its own time. Foundation calls the
/// termination handler as soon as the child is reaped, its status already set.
public final class ProcessExit: Sendable {
    private let ended = DispatchSemaphore(value: 0)

    /// Watches `process`, whose termination handler it becomes: create it before `run()`.
    public init(of process: Process) {
        process.terminationHandler = { [ended] _ in ended.signal() }
    }

    /// Waits until the process has ended; its `terminationStatus` and `terminationReason` are
    /// then set. Call once.
    public func wait() {
        ended.wait()
    }
}
