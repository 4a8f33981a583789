/// Well-formed UTF-8 (Unicode Table 3-7), checked one sequence at a time.
enum UTF8Sequence {
    /// The length of the well-formed UTF-8 sequence starting at `offset` in `bytes`, or `nil` if
    /// it is not one: a bad lead byte, a truncated sequence, an overlong form, an encoded
    /// surrogate, or a code point beyond U+10FFFF.
    @inline(__always)
    static func length(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F  // excludes encoded surrogates
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard offset + length <= bytes.count, (low...high).contains(bytes[offset + 1]) else { return nil }
        for k in 2..<max(length, 2) where bytes[offset + k] & 0xC0 != 0x80 { return nil }
        return length
    }
}
