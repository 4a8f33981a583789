/// A 32-byte identifier: the keyed id of a blob (HMAC-SHA256 of its plaintext) or the
/// storage id of a repository file (SHA-256 of its bytes).
///
/// Stored as four machine words so that hashing and comparing it in the in-memory
/// index costs a few instructions.
public struct BlobID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes in an id.
    public static let byteCount = 32

    @usableFromInline var w0, w1, w2, w3: UInt64

    /// Creates an id from exactly 32 bytes; `nil` for any other length.
    ///
    /// Contiguous collections (arrays, slices) are read as four big-endian words directly: this runs
    /// for every blob id computed or parsed, so it must not iterate generically.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        if let words = bytes.withContiguousStorageIfAvailable({ Self.words($0) }) {
            (w0, w1, w2, w3) = words
        } else {
            (w0, w1, w2, w3) = Array(bytes).withUnsafeBufferPointer { Self.words($0) }
        }
    }

    /// The four big-endian words of 32 bytes.
    @usableFromInline
    static func words(_ p: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64) {
        func word(_ offset: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in offset..<offset + 8 { v = v << 8 | UInt64(p[k]) }
            return v
        }
        return (word(0), word(8), word(16), word(24))
    }

    /// Creates an id from 32 bytes at `offset` of `buffer`; `nil` if they are not there.
    public init?(_ buffer: [UInt8], at offset: Int) {
        guard offset >= 0, offset + Self.byteCount <= buffer.count else { return nil }
        self.init(bytes: buffer[offset..<offset + Self.byteCount])
    }

    /// Parses 64 hexadecimal digits (either case).
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex), bytes.count == Self.byteCount else { return nil }
        self.init(bytes: bytes)
    }

    /// The id's 32 bytes, most significant first.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount)
        append(to: &out)
        return out
    }

    /// Appends the id's 32 bytes to `buffer`.
    public func append(to buffer: inout [UInt8]) {
        withUnsafeBytes(of: (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)) { buffer.append(contentsOf: $0) }
    }

    /// 64 lowercase hexadecimal digits.
    public var hex: String { Hex.encode(bytes) }

    /// The first 8 hexadecimal digits, as `amber snapshots` shows them.
    public var shortHex: String {
        Hex.encode((0..<4).map { UInt8(truncatingIfNeeded: w0 >> UInt64(56 - 8 * $0)) })
    }

    public var description: String { hex }

    public static func < (a: BlobID, b: BlobID) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }

    /// The first 8 bytes as a big-endian word: uniformly distributed for keyed and content ids,
    /// so hash tables of ids use it as the hash directly.
    @inlinable public var leadingWord: UInt64 { w0 }

    public func hash(into hasher: inout Hasher) {
        // The id is already uniformly distributed: one word is enough.
        hasher.combine(w0 ^ w3)
    }
}
