internal import CSHA256

/// HMAC-SHA256 (RFC 2104) for many short messages under one key: the hash states after the
/// key's inner and outer pads are computed once, so a message costs its own blocks plus one for
/// the outer hash, run by the CPU's SHA extensions (``isAccelerated``) without OpenSSL's setup
/// per call. Where the CPU lacks them it is ``HMACSHA256``. The MACs are HMAC-SHA256's either way.
///
/// Not thread-safe (it owns its scratch memory): one per thread, ``copy()`` for another.
public final class PreparedHMACSHA256 {
    /// Whether this CPU runs SHA-256 with its SHA extensions (x86-64 SHA-NI).
    public static let isAccelerated = amber_sha256_ni_available() == 1

    private static let blockSize = 64
    private static let initialState: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]

    private let key: [UInt8]
    private let fallback: HMACSHA256?
    /// Inner pad state, outer pad state, working state: 8 words each.
    private let states: UnsafeMutablePointer<UInt32>
    /// Two blocks: the message's last block or two, padded.
    private let blocks: UnsafeMutablePointer<UInt8>

    /// - Parameter accelerated: false to use ``HMACSHA256`` even on a CPU with SHA extensions
    ///   (tests compare the two); true has no effect on a CPU without them.
    public init(key: [UInt8], accelerated: Bool = PreparedHMACSHA256.isAccelerated) {
        self.key = key
        states = .allocate(capacity: 24)
        blocks = .allocate(capacity: 2 * Self.blockSize)
        guard accelerated && Self.isAccelerated else {
            fallback = HMACSHA256(key: key)
            return
        }
        fallback = nil
        // A key longer than a block is replaced by its digest (RFC 2104 §2).
        let shortKey = key.count > Self.blockSize ? SHA256.hash(key) : key
        for (index, pad) in [UInt8(0x36), 0x5C].enumerated() {
            var block = [UInt8](repeating: pad, count: Self.blockSize)
            for (i, byte) in shortKey.enumerated() { block[i] ^= byte }
            let state = states + 8 * index
            for i in 0..<8 { state[i] = Self.initialState[i] }
            block.withUnsafeBufferPointer { amber_sha256_ni_blocks(state, $0.baseAddress, 1) }
        }
    }

    deinit {
        states.update(repeating: 0, count: 24)
        blocks.update(repeating: 0, count: 2 * Self.blockSize)
        states.deallocate()
        blocks.deallocate()
    }

    /// Another instance with the same key, for another thread.
    public func copy() -> PreparedHMACSHA256 {
        PreparedHMACSHA256(key: key, accelerated: fallback == nil)
    }

    /// Writes the 32-byte MAC of `message` to `digest` (at least 32 bytes).
    public func mac(_ message: UnsafeRawBufferPointer, into digest: UnsafeMutableRawBufferPointer) {
        precondition(digest.count >= SHA256.byteCount, "a digest needs 32 bytes")
        if let fallback {
            let bytes = fallback.mac(message)
            digest.copyMemory(from: UnsafeRawBufferPointer(start: bytes, count: bytes.count))
            return
        }
        let work = states + 16
        work.update(from: states, count: 8)
        let full = message.count / Self.blockSize
        if full > 0, let base = message.baseAddress {
            amber_sha256_ni_blocks(work, base.assumingMemoryBound(to: UInt8.self), full)
        }
        // The rest, 0x80, zeros and the length in bits of pad block and message.
        let rest = message.count - full * Self.blockSize
        let tailBlocks = rest + 9 <= Self.blockSize ? 1 : 2
        let tail = UnsafeMutableRawBufferPointer(start: blocks, count: tailBlocks * Self.blockSize)
        tail.initializeMemory(as: UInt8.self, repeating: 0)
        if rest > 0 { tail.copyMemory(from: UnsafeRawBufferPointer(rebasing: message[(full * Self.blockSize)...])) }
        tail[rest] = 0x80
        Self.storeLength(UInt64(Self.blockSize + message.count) * 8, at: tail.count - 8, in: tail)
        amber_sha256_ni_blocks(work, blocks, tailBlocks)
        // The outer hash of the inner digest: one block.
        let outer = UnsafeMutableRawBufferPointer(start: blocks, count: Self.blockSize)
        outer.initializeMemory(as: UInt8.self, repeating: 0)
        Self.storeDigest(work, in: outer)
        outer[SHA256.byteCount] = 0x80
        Self.storeLength(UInt64(Self.blockSize + SHA256.byteCount) * 8, at: Self.blockSize - 8, in: outer)
        work.update(from: states + 8, count: 8)
        amber_sha256_ni_blocks(work, blocks, 1)
        Self.storeDigest(work, in: digest)
    }

    /// The 32-byte MAC of `message`.
    public func mac(_ message: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: SHA256.byteCount) { buffer, initialized in
            message.withUnsafeBytes { mac($0, into: UnsafeMutableRawBufferPointer(buffer)) }
            initialized = SHA256.byteCount
        }
    }

    private static func storeLength(_ bits: UInt64, at offset: Int, in buffer: UnsafeMutableRawBufferPointer) {
        for i in 0..<8 { buffer[offset + i] = UInt8(truncatingIfNeeded: bits >> (56 - 8 * i)) }
    }

    private static func storeDigest(_ state: UnsafeMutablePointer<UInt32>, in buffer: UnsafeMutableRawBufferPointer) {
        for word in 0..<8 {
            for i in 0..<4 { buffer[4 * word + i] = UInt8(truncatingIfNeeded: state[word] >> (24 - 8 * i)) }
        }
    }
}
