#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// The children's output, passed through to this process's own standard output or error, with
/// its last ``limit`` bytes kept for the monitor (a run's log, as healthchecks.io shows it).
final class OutputTail: Sendable {
    static let limit = 32 << 10
    private let kept = Mutex<[UInt8]>([])

    /// The output kept, as text.
    var text: String { String(decoding: kept.withLock { $0 }, as: UTF8.self) }

    /// Keeps `bytes` (a run's own lines go here too).
    func append(_ bytes: some Collection<UInt8>) {
        kept.withLock { buffer in
            buffer += bytes
            if buffer.count > Self.limit { buffer.removeFirst(buffer.count - Self.limit) }
        }
    }

    /// A pipe for one child's stream, read on a thread of its own into `destination` and the tail.
    func relay(to destination: FileHandle) -> Relay { Relay(tail: self, destination: destination) }

    /// One stream being passed through: the child writes into ``writeEnd``.
    final class Relay: @unchecked Sendable {
        let writeEnd: Int32
        private var writeOpen = true
        private let done = DispatchSemaphore(value: 0)

        init(tail: OutputTail, destination: FileHandle) {
            let (readEnd, writeEnd) = ChildProcess.pipe()
            self.writeEnd = writeEnd
            Thread { [done] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { break }
                    // A closed standard output (`amber run | head`) loses the copy, not the run.
                    try? destination.write(contentsOf: buffer[..<count])
                    tail.append(buffer[..<count])
                }
                close(readEnd)
                done.signal()
            }.start()
        }

        /// Closes this process's copy of the write end (once the child has its own).
        func closeWriteEnd() {
            guard writeOpen else { return }
            writeOpen = false
            close(writeEnd)
        }

        /// Waits for the stream's end, at most 5 s: a process a hook left in the background may
        /// hold the pipe open for ever (its later output still passes through).
        func finish() {
            closeWriteEnd()
            _ = done.wait(timeout: .now() + 5)
        }
    }
}
