/// Numbers as people read them in output: sizes in binary units and fixed-point decimals.
public enum ByteCount {
    /// `512 B`, `1.50 MiB`: powers of 1024, two decimals above bytes.
    public static func text(_ n: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : "\(fixed(value, 2)) \(units[unit])"
    }

    /// `value` rounded to `digits` decimals, written with exactly that many (no locale).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(abs(scaled) - Double(abs(whole)) * scale)
        guard digits > 0 else { return String(whole) }
        let text = String(fraction)
        return "\(whole).\(String(repeating: "0", count: max(0, digits - text.count)))\(text)"
    }
}
