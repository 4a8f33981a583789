import Foundation

/// RFC 3339 timestamps with fractional seconds, in UTC, as snapshots and key files store them.
public enum RFC3339 {
    /// Formats `date` as `2026-11-25T08:36:09.123456Z`.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = Int64(seconds.rounded(.down))
        var micros = Int64(((seconds - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        var t = time_t(whole)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let microText = String(micros)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - microText.count) + microText + "Z"
    }

    /// Parses RFC 3339 / ISO 8601 date-times: `2026-11-25T08:36:09Z`, with optional fraction and
    /// `±hh:mm` offset; also a bare date `2026-11-25` (midnight UTC).
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            var v = 0
            for c in chars[from..<from + count] {
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = number(0, 4), chars.count >= 10, chars[4] == 45, let month = number(5, 2), chars[7] == 45,
              let day = number(8, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, fraction = 0.0, offset = 0
        var i = 10
        if chars.count > 10 {
            guard chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t") || chars[10] == 32,
                  let h = number(11, 2), chars.count > 13, chars[13] == 58, let m = number(14, 2) else { return nil }
            hour = h; minute = m; i = 16
            if i < chars.count, chars[i] == 58 {
                guard let s = number(i + 1, 2) else { return nil }
                second = s; i += 3
            }
            if i < chars.count, chars[i] == 46 {
                var scale = 0.1
                i += 1
                while i < chars.count, chars[i] >= 48, chars[i] <= 57 {
                    fraction += Double(chars[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
            if i < chars.count {
                switch chars[i] {
                case UInt8(ascii: "Z"), UInt8(ascii: "z"): i += 1
                case UInt8(ascii: "+"), UInt8(ascii: "-"):
                    guard let oh = number(i + 1, 2), i + 3 < chars.count, chars[i + 3] == 58, let om = number(i + 4, 2) else { return nil }
                    offset = (oh * 3600 + om * 60) * (chars[i] == UInt8(ascii: "-") ? -1 : 1)
                    i += 6
                default: return nil
                }
            }
            guard i == chars.count, hour < 24, minute < 60, second < 61 else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let epoch = timegm(&parts)
        return Date(timeIntervalSince1970: Double(epoch - offset) + fraction)
    }
}
