/// FastCDC 2020 content-defined chunking: Gear rolling hash, cut-point skipping below the minimum,
/// normalized chunking, and two bytes rolled per loop step.
///
/// The cut rules, frozen by golden vectors in the tests because they decide every chunk id:
/// - the hash restarts at 0 at offset ``ChunkerParameters/minimum`` of every chunk; bytes before
///   the minimum are never hashed, so no cut falls below it;
/// - the hash is `h = (h << 1) &+ G[byte]`;
/// - for a byte at index `i < normal` the strict mask applies (`log2(normal) + normalization` one-bits),
///   from `normal` on the loose mask (`log2(normal) - normalization` one-bits); both masks are contiguous
///   runs of one-bits ending at bit 62 (never bit 63, so the two-byte loop sees the same cuts);
/// - `h & mask == 0` after hashing the byte at index `i` cuts after that byte: the chunk is `i + 1` bytes;
/// - a cut is forced at ``ChunkerParameters/maximum`` bytes, or at the end of the input.
///
/// The chunker is pure: no I/O, no allocation per call, and no trap on any input. Parameters that
/// fail ``ChunkerParameters/isValid`` are clamped into a usable shape rather than trapping.
public struct FastCDC: Sendable {
    /// The parameters as given.
    public let parameters: ChunkerParameters

    /// Effective sizes after clamping: `0 <= minimumSize <= normalSize <= maximumSize`, `maximumSize >= 1`.
    let minimumSize: Int
    let normalSize: Int
    let maximumSize: Int
    /// The strict mask (used before `normal`) and the loose mask (used from `normal` on).
    let strictMask: UInt64
    let looseMask: UInt64
    /// `G` in entries 0..<256 and `GL = G << 1` in entries 256..<512.
    let tables: [UInt64]

    public init(parameters: ChunkerParameters, gear: GearTable) {
        self.parameters = parameters
        let maximumSize = max(1, parameters.maximum)
        let minimumSize = min(max(0, parameters.minimum), maximumSize)
        self.maximumSize = maximumSize
        self.minimumSize = minimumSize
        self.normalSize = min(max(parameters.normal, minimumSize), maximumSize)

        let bits = parameters.normal > 0 ? Int.bitWidth - 1 - parameters.normal.leadingZeroBitCount : 0
        let level = min(max(parameters.normalization, 0), 3)
        self.strictMask = Self.mask(oneBits: bits + level)
        self.looseMask = Self.mask(oneBits: bits - level)
        self.tables = gear.values + gear.values.map { $0 &<< 1 }
    }

    /// A run of `oneBits` one-bits (clamped to `1...63`) ending at bit 62.
    static func mask(oneBits: Int) -> UInt64 {
        let k = UInt64(min(max(oneBits, 1), 63))
        return ((1 &<< k) &- 1) &<< (63 &- k)
    }

    /// The length of the chunk that starts at `buffer[0]`.
    ///
    /// The caller passes at least ``ChunkerParameters/maximum`` bytes, or all the bytes left in the
    /// stream; the result is in `1...min(buffer.count, maximum)`, and 0 only for an empty buffer.
    public func cutPoint(in buffer: UnsafeRawBufferPointer) -> Int {
        guard let bytes = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if buffer.count <= minimumSize { return buffer.count }
        let end = min(buffer.count, maximumSize)
        let normalEnd = min(normalSize, end)
        return tables.withUnsafeBufferPointer { table -> Int in
            guard let gear = table.baseAddress else { return end }
            let shiftedGear = gear + GearTable.count
            var hash: UInt64 = 0
            if let cut = Self.scan(bytes, from: minimumSize, to: normalEnd, hash: &hash, mask: strictMask,
                                   gear: gear, shiftedGear: shiftedGear) {
                return cut
            }
            if let cut = Self.scan(bytes, from: max(minimumSize, normalEnd), to: end, hash: &hash, mask: looseMask,
                                   gear: gear, shiftedGear: shiftedGear) {
                return cut
            }
            return end
        }
    }

    /// Hashes `bytes[start..<end]` two bytes per step and returns the length of the chunk if a byte
    /// triggers a cut; otherwise leaves the one-byte hash of the last byte in `hash` and returns `nil`.
    ///
    /// After `h = (h << 2) &+ GL[a]` the word is the one-byte hash shifted left by one; because
    /// `mask` never has bit 63 set, testing it against `mask << 1` gives the one-byte answer.
    @inline(__always)
    private static func scan(
        _ bytes: UnsafeRawPointer, from start: Int, to end: Int, hash: inout UInt64, mask: UInt64,
        gear: UnsafePointer<UInt64>, shiftedGear: UnsafePointer<UInt64>
    ) -> Int? {
        let shiftedMask = mask &<< 1
        var h = hash
        var i = start
        while i &+ 1 < end {
            h = (h &<< 2) &+ shiftedGear[Int(bytes.load(fromByteOffset: i, as: UInt8.self))]
            if h & shiftedMask == 0 { return i &+ 1 }
            h = h &+ gear[Int(bytes.load(fromByteOffset: i &+ 1, as: UInt8.self))]
            if h & mask == 0 { return i &+ 2 }
            i &+= 2
        }
        if i < end {
            h = (h &<< 1) &+ gear[Int(bytes.load(fromByteOffset: i, as: UInt8.self))]
            if h & mask == 0 { return i &+ 1 }
        }
        hash = h
        return nil
    }

    /// Splits a whole byte array into chunk lengths (summing to `bytes.count`; empty for no bytes).
    public func chunkLengths(of bytes: [UInt8]) -> [Int] {
        lengths(of: bytes, using: cutPoint(in:))
    }

    /// Splits `bytes` with any cut function; shared by the fast and the reference loop.
    func lengths(of bytes: [UInt8], using cut: (UnsafeRawBufferPointer) -> Int) -> [Int] {
        var lengths: [Int] = []
        bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let length = cut(UnsafeRawBufferPointer(rebasing: all[offset...]))
                guard length > 0 else { break }
                lengths.append(length)
                offset += length
            }
        }
        return lengths
    }
}
