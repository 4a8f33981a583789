import Foundation
import Synchronization

/// The children's output, passed through to this process's own standard output and error,
/// with its last ``limit`` bytes kept for the monitor (a run's log, as healthchecks.io shows it).
final class OutputTail: Sendable {
    static let limit = 32 << 10
    private let kept = Mutex<[UInt8]>([])

    /// The output kept, as text.
    var text: String { String(decoding: kept.withLock { $0 }, as: UTF8.self) }

    /// Keeps `bytes` (a run's own lines go here too).
    func append(_ bytes: [UInt8]) {
        kept.withLock { buffer in
            buffer += bytes
            if buffer.count > Self.limit { buffer.removeFirst(buffer.count - Self.limit) }
        }
    }

    /// A pipe for one child's stream, read on a thread of its own into `destination` and the tail.
    func relay(to destination: FileHandle) -> Relay { Relay(tail: self, destination: destination) }

    /// One stream being passed through.
    final class Relay: @unchecked Sendable {
        let pipe = Pipe()
        private let done = DispatchSemaphore(value: 0)

        init(tail: OutputTail, destination: FileHandle) {
            let reading = pipe.fileHandleForReading
            Thread { [done] in
                while true {
                    let data = reading.availableData
                    if data.isEmpty { break }
                    destination.write(data)
                    tail.append(Array(data))
                }
                done.signal()
            }.start()
        }

        /// Waits for the stream's end, at most 5 s after the child ended: a daemon a hook
        /// started may hold the pipe open for ever.
        func finish() {
            try? pipe.fileHandleForWriting.close()
            _ = done.wait(timeout: .now() + 5)
        }
    }
}
