/// Durations written as Go writes them (`90s`, `5m`, `1h30m`, `1.5h`), with days and weeks
/// where a profile's `check.every` takes them (`7d`, `2w`): `--retry-lock`, `retry-lock:` and
/// `every:` (forget's `keep-within` durations are ``RetentionDuration``s).
public enum Durations {
    static let unitSeconds: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]

    /// The seconds of `text` when each of its units is one of `units`; nil when it is not a
    /// duration, or when it is a zero one and `allowsZero` is false.
    public static func seconds(_ text: String, units: String, allowsZero: Bool = false) -> Double? {
        var total = 0.0, number = ""
        for c in text {
            if c.isNumber || c == "." {
                number.append(c)
            } else if units.contains(c), let unit = unitSeconds[c], let value = Double(number) {
                total += value * unit
                number = ""
            } else {
                return nil
            }
        }
        guard number.isEmpty, !text.isEmpty else { return nil }
        return total > 0 || allowsZero ? total : nil
    }
}
