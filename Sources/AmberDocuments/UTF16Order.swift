/// The member order of RFC 8785 §3.2.3: keys compared as arrays of UTF-16 code units.
///
/// Computed on UTF-8 without transcoding. UTF-8 byte order is code point order, which agrees with
/// UTF-16 order except between a supplementary character (U+10000…, UTF-16 D800–DBFF) and a BMP
/// character at U+E000–U+FFFF: UTF-16 puts the supplementary one first.
public enum UTF16Order {
    /// Whether the well-formed UTF-8 string `a` sorts strictly before `b` as UTF-16 code units.
    public static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in precedes(a, b) } }
    }

    /// ``precedes(_:_:)-([UInt8],_)`` on strings held in buffers (keys read in place from a text).
    @inline(__always)
    static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(a.count, b.count)
        var i = 0
        while i < n, a[i] == b[i] { i += 1 }
        if i == n { return a.count < b.count }
        // The characters that differ start at the same offset in both strings.
        var start = i
        while start > 0, a[start] & 0xC0 == 0x80 { start -= 1 }
        let (leadA, leadB) = (a[start], b[start])
        let supplementaryA = leadA >= 0xF0
        let supplementaryB = leadB >= 0xF0
        if supplementaryA != supplementaryB {
            // The BMP character's lead byte EE or EF means U+E000…U+FFFF, above the surrogates.
            let bmpLead = supplementaryA ? leadB : leadA
            let bmpAboveSurrogates = bmpLead >= 0xEE
            return supplementaryA ? bmpAboveSurrogates : !bmpAboveSurrogates
        }
        return a[i] < b[i]
    }
}
