import Foundation
import Synchronization

/// Runs jobs on a fixed number of dedicated threads. Copies wait on the network or the disk,
/// so the number in flight must not be capped at the core count, as
/// `DispatchQueue.concurrentPerform` would be.
enum SyncWorkers {
    private final class State: Sendable {
        let next = Mutex(0)
        let failure = Mutex<RepositoryError?>(nil)
    }

    /// Calls `body(i)` for every `i` in `0..<count` on up to `threads` threads. After the first failure
    /// no new job starts; the jobs in flight finish, then that failure is thrown.
    static func run(count: Int, threads: Int, _ body: @escaping @Sendable (Int) throws(RepositoryError) -> Void) throws(RepositoryError) {
        guard count > 0 else { return }
        let state = State()
        let work: @Sendable () -> Void = {
            while state.failure.withLock({ $0 == nil }) {
                let i = state.next.withLock { n -> Int in defer { n += 1 }; return n }
                guard i < count else { return }
                do throws(RepositoryError) {
                    try body(i)
                } catch {
                    state.failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        let width = max(1, min(threads, count))
        if width == 1 {
            work()
        } else {
            let group = DispatchGroup()
            for _ in 0..<width {
                group.enter()
                let thread = Thread {
                    work()
                    group.leave()
                }
                thread.start()
            }
            group.wait()
        }
        if let error = state.failure.withLock({ $0 }) { throw error }
    }
}
