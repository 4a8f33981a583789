/// A decimal number in scientific form: `±0.d₁d₂…dₖ × 10ⁿ` with `d₁ ≠ 0` and `dₖ ≠ 0`, or zero
/// (no digits). The shared vocabulary of number formatting (RFC 8785 §3.2.2.3) and number keys.
struct DecimalDigits: Sendable, Hashable {
    var negative: Bool
    /// ASCII digits `d₁…dₖ`, without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// `n`: the power of ten of the position just left of `d₁`.
    var exponent: Int

    static let zero = DecimalDigits(negative: false, digits: [], exponent: 0)

    /// The shortest digits that round-trip to `value` (closest of those, ties to even), taken from
    /// Swift's `description` (SwiftDtoa) and re-read: `100.0`, `1e-05`, `1.5e+300`, `5e-324`.
    init(shortest value: Double) {
        precondition(value.isFinite)
        if value == 0 { self = .zero; return }
        let text = Array(value.magnitude.description.utf8)
        var digits = [UInt8]()
        digits.reserveCapacity(17)
        var pointPosition = -1
        var exponent = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                var sign = 1
                var j = i + 1
                if text[j] == UInt8(ascii: "-") { sign = -1; j += 1 } else if text[j] == UInt8(ascii: "+") { j += 1 }
                var e = 0
                while j < text.count { e = e * 10 + Int(text[j] - UInt8(ascii: "0")); j += 1 }
                exponent = sign * e
                break
            } else {
                digits.append(c)
            }
            i += 1
        }
        if pointPosition < 0 { pointPosition = digits.count }
        self.init(negative: value < 0, rawDigits: digits, pointPosition: pointPosition + exponent)
    }

    /// Digits with the decimal point after `pointPosition` of them; strips zeros at both ends.
    init(negative: Bool, rawDigits: [UInt8], pointPosition: Int) {
        var start = 0
        var end = rawDigits.count
        while start < end, rawDigits[start] == UInt8(ascii: "0") { start += 1 }
        while end > start, rawDigits[end - 1] == UInt8(ascii: "0") { end -= 1 }
        if start == end { self = .zero; return }
        self.negative = negative
        self.digits = Array(rawDigits[start..<end])
        self.exponent = pointPosition - start
    }

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        self.negative = negative
        self.digits = digits
        self.exponent = exponent
    }

    var isZero: Bool { digits.isEmpty }

    /// ECMAScript `Number::toString` layout (ECMA-262 §6.1.6.1.20, RFC 8785 §3.2.2.3):
    /// `100000000000000000000`, `4.5`, `0.000001`, `1e+21`, `1.5e-7`.
    func appendECMAScriptText(to out: inout [UInt8]) {
        if isZero { out.append(UInt8(ascii: "0")); return }
        if negative { out.append(UInt8(ascii: "-")) }
        let k = digits.count
        let n = exponent
        if k <= n && n <= 21 {
            out.append(contentsOf: digits)
            for _ in 0..<(n - k) { out.append(UInt8(ascii: "0")) }
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: digits[0..<n])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-n) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: digits)
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            out.append(contentsOf: String((n - 1).magnitude).utf8)
        }
    }

    /// Orders by numeric value.
    static func numericallyPrecedes(_ a: DecimalDigits, _ b: DecimalDigits) -> Bool {
        func sign(_ d: DecimalDigits) -> Int { d.isZero ? 0 : (d.negative ? -1 : 1) }
        let (sa, sb) = (sign(a), sign(b))
        if sa != sb { return sa < sb }
        if sa == 0 { return false }
        let magnitudeLess: Bool
        if a.exponent != b.exponent {
            magnitudeLess = a.exponent < b.exponent
        } else if a.digits == b.digits {
            return false
        } else {
            magnitudeLess = a.digits.lexicographicallyPrecedes(b.digits)
        }
        return sa > 0 ? magnitudeLess : !magnitudeLess
    }
}
