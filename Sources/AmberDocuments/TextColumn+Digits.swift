extension TextColumn {
    // Decimal digits, written without String: for slot runs, fraction runs and decimal integers.

    /// The number of decimal digits of `v` (1 for 0).
    static func digitCount(_ v: UInt64) -> Int {
        var n = 1, t = v
        while t >= 10 {
            t /= 10
            n += 1
        }
        return n
    }

    /// The number of zero digits `v` ends in (0 for 0).
    static func trailingZeros(_ v: Int64) -> Int {
        var n = 0, t = v
        while t > 0 && t % 10 == 0 {
            t /= 10
            n += 1
        }
        return n
    }

    /// Appends `v` in decimal, zero-padded on the left to `width` digits (at least its own).
    static func appendDigits(_ v: UInt64, width: Int, to out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var t = v
        var j = out.count - 1
        while t > 0 {
            out[j] = UInt8(ascii: "0") + UInt8(t % 10)
            t /= 10
            j -= 1
        }
    }

    /// Appends fraction digits stored padded on the right: `v` (> 0) as `width` digits, without
    /// the trailing zeros.
    static func appendFraction(_ v: Int64, width: Int, to out: inout [UInt8]) {
        var t = v
        let zeros = trailingZeros(v)
        for _ in 0..<zeros { t /= 10 }
        appendDigits(UInt64(t), width: width - zeros, to: &out)
    }
}
