import AmberRepository
import Foundation

/// A snapshot's time as retention needs it: an exact instant (whole seconds and nanoseconds, so
/// "within" comparisons have no floating-point rounding) and the UTC offset it was written with.
///
/// Calendar buckets (hour, day, ISO week, month, year) are taken in that offset, as restic takes
/// them in the location the snapshot's time carries. Amber writes snapshot times in UTC
/// (`RFC3339.format`), so for Amber's own snapshots the buckets are UTC days, weeks, months.
struct SnapshotInstant: Sendable, Comparable {
    var seconds: Int64
    var nanoseconds: Int
    /// Seconds east of UTC.
    var offset: Int

    init(seconds: Int64, nanoseconds: Int, offset: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.offset = offset
    }

    /// Parses an RFC 3339 time; an unreadable one is the Unix epoch in UTC (as `Snapshot.date`).
    init(_ text: String) {
        var whole = Substring(text)
        var nanos = 0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            var scaled = String(digits.prefix(9))
            scaled += String(repeating: "0", count: 9 - scaled.count)
            nanos = Int(scaled) ?? 0
            whole = text[..<dot] + text[text.index(after: dot)...].dropFirst(digits.count)
        }
        let date = RFC3339.parse(String(whole))
        seconds = date.map { Int64($0.timeIntervalSince1970.rounded()) } ?? 0
        nanoseconds = date == nil ? 0 : nanos
        offset = date == nil ? 0 : Self.offset(of: whole)
    }

    /// The instant of a `Date`, in UTC.
    init(_ date: Date) {
        let t = date.timeIntervalSince1970
        let whole = t.rounded(.down)
        seconds = Int64(whole)
        nanoseconds = min(999_999_999, Int(((t - whole) * 1e9).rounded()))
        offset = 0
    }

    private static func offset(of text: Substring) -> Int {
        let chars = Array(text.utf8)
        // `…T08:36:09+02:00`: a sign six characters from the end, after the time part.
        guard chars.count >= 16 + 6 else { return 0 }
        let sign = chars[chars.count - 6]
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), chars[chars.count - 3] == UInt8(ascii: ":") else { return 0 }
        let digits = chars.suffix(5).filter { $0 != UInt8(ascii: ":") }.map { Int($0) - 48 }
        guard digits.count == 4, digits.allSatisfy({ (0...9).contains($0) }) else { return 0 }
        let value = (digits[0] * 10 + digits[1]) * 3600 + (digits[2] * 10 + digits[3]) * 60
        return sign == UInt8(ascii: "-") ? -value : value
    }

    static func < (a: SnapshotInstant, b: SnapshotInstant) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    static func == (a: SnapshotInstant, b: SnapshotInstant) -> Bool {
        a.seconds == b.seconds && a.nanoseconds == b.nanoseconds
    }

    /// The local calendar fields in this instant's offset.
    var calendar: (year: Int, month: Int, day: Int, hour: Int, dayNumber: Int64) {
        let local = seconds + Int64(offset)
        let day = floorDivide(local, 86_400)
        let (y, m, d) = CivilDate.fromDays(day)
        return (y, m, d, Int((local - day * 86_400) / 3600), day)
    }
}
