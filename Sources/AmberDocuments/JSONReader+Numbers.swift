extension JSONReader {
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value  // exact: 10^22 < 2^53 · 2^22
    }

    /// Reads a number (RFC 8259 §6) and converts it as ``JSONNumber`` documents, keeping the
    /// spelling of one with a fraction, an exponent or a minus zero.
    mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                throw error(.invalidNumber, "NaN and Infinity are not JSON numbers")
            }
        }
        // Significant digits, accumulated while they fit (at most 19).
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var decimalExponent = 0  // value = mantissa × 10^decimalExponent (before the explicit exponent)

        guard index < bytes.count, isDigit(bytes[index]) else {
            throw error(index < bytes.count ? .invalidNumber : .unexpectedEnd, "expected a digit")
        }
        let integerStart = index
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error(.invalidNumber, "leading zeros are not allowed") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                accumulate(bytes[index], &mantissa, &significantDigits, &decimalExponent, fraction: false)
                index += 1
            }
        }
        let integerDigits = index - integerStart
        var isIntegerLiteral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isIntegerLiteral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber, "expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) {
                accumulate(bytes[index], &mantissa, &significantDigits, &decimalExponent, fraction: true)
                index += 1
            }
        }
        var explicitExponent = 0
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isIntegerLiteral = false
            index += 1
            explicitExponent = try parseExponent()
        }

        let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
        let value = try doubleValue(mantissa, significantDigits: significantDigits, exponent: decimalExponent + explicitExponent,
                                    digits: integerStart..<index, start: start)
        guard value.isFinite else {
            throw error(.numberOutOfRange, "number beyond the double range", at: start)
        }
        let signed = negative ? -value : value
        if isIntegerLiteral && (integerDigits > 15 || negative && value == 0) {
            return JSONNumber(integerLiteral: Array(text), double: signed)
        }
        return isIntegerLiteral ? JSONNumber(signed)! : JSONNumber(literal: Array(text), double: signed)
    }

    /// The exponent's sign and digits, after `e` or `E` (capped in magnitude at 100,000).
    @inline(__always)
    private mutating func parseExponent() throws(JSONError) -> Int {
        var exponent = 0
        var exponentNegative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            exponentNegative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error(.invalidNumber, "expected a digit in the exponent") }
        while index < bytes.count, isDigit(bytes[index]) {
            if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            index += 1
        }
        return exponentNegative ? -exponent : exponent
    }

    /// `mantissa × 10^exponent`, by Clinger's fast path when both operands are exact, else by
    /// parsing the digits (`digits`: the number without its sign) correctly rounded.
    @inline(__always)
    private func doubleValue(_ mantissa: UInt64, significantDigits: Int, exponent: Int, digits: Range<Int>,
                             start: Int) throws(JSONError) -> Double {
        if significantDigits <= 15 && exponent >= -22 && exponent <= 22 {
            // Clinger's fast path: both operands exact, one correctly rounded operation.
            let m = Double(mantissa)
            return exponent >= 0 ? m * Self.powersOfTen[exponent] : m / Self.powersOfTen[-exponent]
        } else if let parsed = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[digits]), as: UTF8.self)) {
            return parsed
        } else {
            throw error(.invalidNumber, "not a number", at: start)
        }
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    private func accumulate(_ digit: UInt8, _ mantissa: inout UInt64, _ count: inout Int, _ exponent: inout Int,
                            fraction: Bool) {
        let d = UInt64(digit - UInt8(ascii: "0"))
        if count == 0 && d == 0 {
            // A leading zero (0.000123): not significant.
            if fraction { exponent -= 1 }
            return
        }
        if count < 19 {
            mantissa = mantissa * 10 + d
            count += 1
            if fraction { exponent -= 1 }
        } else {
            count += 1  // beyond 19 digits the slow path decides; keep the count honest
            if !fraction { exponent += 1 }
        }
    }
}
