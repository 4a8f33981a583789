import AmberKit
import Dispatch
import Foundation

/// A one-line progress display on standard error, redrawn twice a second (`AMBER_PROGRESS_FPS`
/// times a second when set, as restic's RESTIC_PROGRESS_FPS): items, bytes, rate, and an ETA
/// once the total is known. Only shown on a terminal.
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
        let period = Self.period(environment: ProcessInfo.processInfo.environment)
        timer.schedule(deadline: .now() + period, repeating: period)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
        self.timer = timer
    }

    /// Seconds between two redraws: 1 / `AMBER_PROGRESS_FPS` (0.01…60 s), else 0.5.
    static func period(environment: [String: String]) -> Double {
        guard let fps = environment["AMBER_PROGRESS_FPS"].flatMap(Double.init), fps > 0 else { return 0.5 }
        return min(60, max(0.01, 1 / fps))
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
        if let total = c.totalBytes, total > 0, rate > 0, total > c.bytes {
            text += ", ETA \(Output.duration(Double(total - c.bytes) / rate))"
        } else if let items = c.totalItems, c.items > 0, items > c.items {
            // No byte total (collections restored document by document): the ETA by items.
            text += ", ETA \(Output.duration(Double(items - c.items) * elapsed / Double(c.items)))"
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
