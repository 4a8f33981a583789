import Foundation

/// Reads the encoding `ByteWriter` writes. Every read checks bounds and throws
/// ``FormatError`` instead of trapping: repository bytes are untrusted input.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int
    /// What is being decoded, for error messages ("tree", "pack header").
    public let context: String

    public init(_ bytes: [UInt8], context: String, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.context = context
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }
    public var remaining: Int { bytes.count - offset }

    public mutating func u8() throws(FormatError) -> UInt8 {
        guard offset < bytes.count else { throw truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }
    public mutating func u16() throws(FormatError) -> UInt16 { try integer() }
    public mutating func u32() throws(FormatError) -> UInt32 { try integer() }
    public mutating func u64() throws(FormatError) -> UInt64 { try integer() }
    public mutating func i64() throws(FormatError) -> Int64 { try integer() }

    public mutating func raw(_ count: Int) throws(FormatError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw truncated() }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// The next `count` bytes as `candidate` when they equal it (sharing its storage, so no
    /// allocation), else as a new array.
    public mutating func raw(_ count: Int, reusing candidate: [UInt8]) throws(FormatError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw truncated() }
        if candidate.count == count, Self.equal(bytes, offset, candidate) {
            offset += count
            return candidate
        }
        return try raw(count)
    }

    /// Whether the next `count` bytes are `expected` (compared in place), moving past them.
    public mutating func next(_ count: Int, equal expected: [UInt8]) throws(FormatError) -> Bool {
        guard count >= 0, count <= remaining else { throw truncated() }
        defer { offset += count }
        return count == expected.count && Self.equal(bytes, offset, expected)
    }

    /// Whether `bytes` holds `expected` at `offset` (which leaves room for it).
    private static func equal(_ bytes: [UInt8], _ offset: Int, _ expected: [UInt8]) -> Bool {
        guard !expected.isEmpty else { return true }
        return bytes.withUnsafeBufferPointer { b in
            expected.withUnsafeBufferPointer { e in memcmp(b.baseAddress! + offset, e.baseAddress!, e.count) == 0 }
        }
    }

    /// The next `count` bytes as a slice of ``bytes`` (no copy).
    public mutating func slice(_ count: Int) throws(FormatError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw truncated() }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Appends the next `count` bytes to `buffer` (no intermediate array).
    public mutating func raw(_ count: Int, appendingTo buffer: inout [UInt8]) throws(FormatError) {
        guard count >= 0, count <= remaining else { throw truncated() }
        // Through a buffer pointer: an ArraySlice append costs several times a memcpy for the
        // short values (a few bytes) this mostly copies.
        let start = offset
        bytes.withUnsafeBufferPointer { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
        offset += count
    }

    public mutating func id() throws(FormatError) -> BlobID {
        guard let id = BlobID(bytes, at: offset) else { throw truncated() }
        offset += BlobID.byteCount
        return id
    }

    public mutating func string16() throws(FormatError) -> [UInt8] { try raw(Int(try u16())) }
    public mutating func string32() throws(FormatError) -> [UInt8] { try raw(Int(try u32())) }

    /// Throws unless every byte has been consumed.
    public func expectEnd() throws(FormatError) {
        guard isAtEnd else { throw FormatError(context: context, reason: "\(remaining) trailing bytes at offset \(offset)") }
    }

    @usableFromInline @inline(__always)
    mutating func integer<T: FixedWidthInteger>() throws(FormatError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw truncated() }
        var v: T = 0
        for i in 0..<size { v |= T(bytes[offset + i]) << (8 * i) }
        offset += size
        return v
    }

    @usableFromInline
    func truncated() -> FormatError {
        FormatError(context: context, reason: "truncated at offset \(offset) of \(bytes.count)")
    }
}
