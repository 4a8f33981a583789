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
    /// The unsigned-byte lexicographic order of these bytes and `other` (a proper prefix comes
    /// first): negative, zero or positive, from one `memcmp` of the common length.
    public func compareBytes(_ other: [UInt8]) -> Int {
        withUnsafeBufferPointer { x in other.withUnsafeBufferPointer { y in x.compareBytes(y) } }
    }

    /// Whether these bytes come before `other` (``compareBytes(_:)``): `lexicographicallyPrecedes`.
    public func bytesPrecede(_ other: [UInt8]) -> Bool { compareBytes(other) < 0 }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// ``Swift/Array/compareBytes(_:)`` of bytes lent.
    public func compareBytes(_ other: UnsafeBufferPointer<UInt8>) -> Int {
        let common = Swift.min(count, other.count)
        let order = common == 0 ? 0 : Int(memcmp(baseAddress!, other.baseAddress!, common))
        return order != 0 ? order : count - other.count
    }
}
