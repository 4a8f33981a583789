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
