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
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, b) in bytes.enumerated() {
            words[i / 8] = (words[i / 8] << 8) | UInt64(b)
        }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
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
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
        return out
    }

    /// Appends the id's 32 bytes to `buffer`.
    public func append(to buffer: inout [UInt8]) {
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
    }

    /// 64 lowercase hexadecimal digits.
    public var hex: String { Hex.encode(bytes) }

    /// The first 8 hexadecimal digits, as `amber snapshots` shows them.
    public var shortHex: String { String(hex.prefix(8)) }

    public var description: String { hex }

    public static func < (a: BlobID, b: BlobID) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }

    public func hash(into hasher: inout Hasher) {
        // The id is already uniformly distributed: one word is enough.
        hasher.combine(w0 ^ w3)
    }
}
