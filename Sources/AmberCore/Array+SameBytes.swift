import Foundation

extension Array where Element: BitwiseCopyable {
    /// Whether `other` holds the same elements, compared as memory (one `memcmp`, where `==`
    /// compares element by element): for the byte strings and offsets of encoded columns.
    public func hasSameBytes(as other: [Element]) -> Bool {
        count == other.count && withUnsafeBytes { x in
            other.withUnsafeBytes { y in x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether these bytes come before `other` in unsigned-byte lexicographic order (a proper
    /// prefix comes first): `lexicographicallyPrecedes`, as one `memcmp` of the common length.
    public func bytesPrecede(_ other: [UInt8]) -> Bool {
        let common = Swift.min(count, other.count)
        let order = common == 0 ? 0 : withUnsafeBytes { x in
            other.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, common) }
        }
        return order < 0 || (order == 0 && count < other.count)
    }
}
