import AmberKit
import Dispatch
import Foundation

/// A one-line progress display on standard error, redrawn twice a second: items, bytes,
/// rate, and an ETA once the total is known. Only shown on a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let progress: ProgressCounter
    private let verb: String
    private let start = Date()
    private var timer: (any DispatchSourceTimer)?

    init(progress: ProgressCounter, verb: String, enabled: Bool) {
        self.progress = progress
        self.verb = verb
        guard enabled else { return }
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
        self.timer = timer
    }

    private func draw() {
        let c = progress.current
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(c.bytes) / elapsed : 0
        var text = "[\(Output.duration(elapsed))] \(verb) \(c.items) items, \(Output.bytes(c.bytes))"
        if let total = c.totalBytes {
            text += " of \(Output.bytes(total))"
        }
        text += ", \(Output.bytes(UInt64(rate)))/s"
        if let total = c.totalBytes, rate > 0, total > c.bytes {
            text += ", ETA \(Output.duration(Double(total - c.bytes) / rate))"
        }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// Stops the display and clears its line.
    func finish() {
        guard let timer else { return }
        timer.cancel()
        self.timer = nil
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
