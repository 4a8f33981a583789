import AmberStorage
import Dispatch
import Synchronization

/// Runs `body(i)` for `0..<count` on `threads` threads (thread t takes t, t+threads, …) and rethrows
/// the first failure.
enum ThreadedRun {
    static func run(threads: Int, count: Int, _ body: @Sendable (Int) throws(BackendError) -> Void) throws(BackendError) {
        let failure = Mutex<BackendError?>(nil)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for i in stride(from: thread, to: count, by: threads) {
                do throws(BackendError) {
                    try body(i)
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                    return
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
