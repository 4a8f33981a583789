import AmberKit
import Dispatch
import Foundation

/// A one-line progress display on standard error, redrawn twice a second (`AMBER_PROGRESS_FPS`
/// times a second when set, as restic's RESTIC_PROGRESS_FPS): items, bytes, rate, and an ETA
/// once the total is known. Only shown on a terminal. With `--json`, a `status` line on standard
/// output instead (as restic's status messages), when standard output is a terminal or
/// `AMBER_PROGRESS_FPS` is set (``GlobalOptions/progressStyle``).
final class ProgressDisplay: @unchecked Sendable {
    /// How progress is shown.
    enum Style {
        case none
        /// A line on standard error, redrawn in place.
        case line
        /// `{"message_type":"status",…}` lines on standard output.
        case json
    }

    private let progress: ProgressCounter
    private let verb: String
    private let style: Style
    private let start = Date()
    private var timer: (any DispatchSourceTimer)?
    /// Held while drawing, so that ``finish()`` returns only once no line is being written.
    private let drawing = NSLock()
    private var finished = false

    init(progress: ProgressCounter, verb: String, style: Style) {
        self.progress = progress
        self.verb = verb
        self.style = style
        guard style != .none else { return }
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
        drawing.lock()
        defer { drawing.unlock() }
        guard !finished else { return }
        if style == .json {
            Output.json(status())
            return
        }
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

    /// A `--json` status message: what is done, the totals when known, the rate, and the
    /// seconds left when they can be told (by bytes, else by items).
    struct Status: Encodable {
        var messageType = "status"
        let action: String
        let secondsElapsed: Double
        let secondsRemaining: Double?
        let percentDone: Double?
        let itemsDone: UInt64
        let totalItems: UInt64?
        let bytesDone: UInt64
        let totalBytes: UInt64?
        let bytesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case messageType = "message_type", action, secondsElapsed = "seconds_elapsed", secondsRemaining = "seconds_remaining"
            case percentDone = "percent_done", itemsDone = "items_done", totalItems = "total_items", bytesDone = "bytes_done"
            case totalBytes = "total_bytes", bytesPerSecond = "bytes_per_second"
        }
    }

    func status() -> Status {
        let c = progress.current
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(c.bytes) / elapsed : 0
        var fraction: Double?
        if let total = c.totalBytes, total > 0 {
            fraction = min(1, Double(c.bytes) / Double(total))
        } else if let items = c.totalItems, items > 0 {
            fraction = min(1, Double(c.items) / Double(items))
        }
        let remaining = fraction.flatMap { $0 > 0 ? elapsed * (1 - $0) / $0 : nil }
        return Status(action: verb.trimmingCharacters(in: CharacterSet(charactersIn: ":")), secondsElapsed: (elapsed * 10).rounded() / 10,
                      secondsRemaining: remaining.map { ($0 * 10).rounded() / 10 }, percentDone: fraction, itemsDone: c.items,
                      totalItems: c.totalItems, bytesDone: c.bytes, totalBytes: c.totalBytes, bytesPerSecond: rate.rounded())
    }

    /// Runs `body` and then stops the display, whether `body` returns or throws: an error is
    /// then printed on a cleared line, never after a progress line left in place.
    func showing<T>(_ body: () throws -> T) rethrows -> T {
        defer { finish() }
        return try body()
    }

    /// Stops the display and clears its line; no status is written after it returns.
    func finish() {
        guard let timer else { return }
        timer.cancel()
        self.timer = nil
        drawing.lock()
        finished = true
        drawing.unlock()
        if style == .line { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
