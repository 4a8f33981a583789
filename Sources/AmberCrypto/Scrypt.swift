internal import CScrypt
import Dispatch
import Foundation

/// scrypt (RFC 7914): derives a key from a password.
///
/// A derivation has p independent *lanes*: each is ROMix of its own 128 · r bytes of the
/// salted password, in 128 · r · n bytes of memory. libsodium computes them one after another;
/// ``derive(password:salt:parameters:count:lanesAtOnce:)`` can compute several at once on as
/// many cores (``CScrypt``), each in memory of its own: the same bytes, in less time for the
/// one who knows the password, the same work for one who guesses it.
public enum Scrypt {
    /// The most memory one derivation may use: 4 GiB, so that a hostile repository config
    /// cannot make the process allocate without bound.
    public static let memoryLimit: UInt64 = 4 << 30

    /// The most memory the lanes computed at once may use together (``lanesAtOnce(for:)``):
    /// 128 MiB, two lanes of the 64 MiB that ``ScryptParameters/calibrated(seconds:)`` gives.
    public static let parallelMemoryLimit: UInt64 = 128 << 20

    /// How many lanes of a derivation with `parameters` to compute at once: one per core, at
    /// most p, and at most as many as fit in ``parallelMemoryLimit`` (at least one).
    public static func lanesAtOnce(for parameters: ScryptParameters) -> Int {
        let lane = 128 * UInt64(parameters.r) * parameters.n
        let fitting = lane == 0 ? 1 : Swift.max(1, parallelMemoryLimit / lane)
        return Int(Swift.max(1, Swift.min(UInt64(parameters.p), UInt64(ProcessInfo.processInfo.activeProcessorCount), fitting)))
    }

    /// Derives `count` bytes from `password` and `salt`. Thread-safe.
    ///
    /// Throws `.invalidInput` unless n is a power of two above 1, r and p are positive,
    /// r · p < 2^30, `count` is positive and the memory needed is at most ``memoryLimit``.
    /// With `lanesAtOnce` 1 (or p = 1) the corresponding C function is libsodium's
    /// `crypto_pwhash_scryptsalsa208sha256_ll` (``SodiumCall``), whose SSE2 implementation derives
    /// a third faster than OpenSSL's; with more, that many lanes at a time run on as many threads
    /// (``CScrypt``'s ROMix, as fast per lane), each thread with 128 · r · n bytes of its own.
    ///
    /// - Parameter lanesAtOnce: the lanes computed at once; ``lanesAtOnce(for:)`` by default.
    ///   The calibration measures with 1: the cost of a guess, whatever the cores.
    public static func derive(password: [UInt8], salt: [UInt8], parameters: ScryptParameters,
                              count: Int, lanesAtOnce: Int? = nil) throws(CryptoError) -> [UInt8] {
        let (n, r, p) = (parameters.n, parameters.r, parameters.p)
        guard n > 1, n & (n - 1) == 0 else { throw .invalidInput("scrypt N must be a power of two above 1, not \(n)") }
        guard r > 0, p > 0, UInt64(r) * UInt64(p) < 1 << 30 else {
            throw .invalidInput("scrypt r and p must be positive with r·p < 2^30, not r=\(r) p=\(p)")
        }
        guard let memory = parameters.memoryCount, memory <= memoryLimit else {
            throw .invalidInput("scrypt N=\(n) r=\(r) p=\(p) needs more than \(memoryLimit >> 30) GiB")
        }
        guard count > 0 else { throw .invalidInput("scrypt output must be at least 1 byte") }

        try SodiumCall.ready()
        let lanes = Swift.min(Int(p), Swift.max(1, lanesAtOnce ?? Self.lanesAtOnce(for: parameters)))
        if lanes > 1 {
            return try deriveInLanes(password: password, salt: salt, parameters: parameters, count: count, lanesAtOnce: lanes)
        }
        var rc: Int32 = 0
        let key = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            rc = CBytes.with(password) { password, passwordCount in
                CBytes.with(salt) { salt, saltCount in
                    SodiumCall.scrypt(password: password, passwordCount, salt: salt, saltCount, n: n, r: r, p: p, into: out)
                }
            }
            initialized = rc == 0 ? count : 0
        }
        try SodiumCall.check(rc, "scrypt")
        return key
    }

    /// scrypt as RFC 7914 section 6 has it, lane by lane: B = PBKDF2-HMAC-SHA256(P, S, 1, p · 128 · r);
    /// each B_i = ROMix(B_i), `lanesAtOnce` at a time on as many threads; the key is
    /// PBKDF2-HMAC-SHA256(P, B, 1, count).
    private static func deriveInLanes(password: [UInt8], salt: [UInt8], parameters: ScryptParameters,
                                      count: Int, lanesAtOnce: Int) throws(CryptoError) -> [UInt8] {
        let (n, r, p) = (parameters.n, Int(parameters.r), Int(parameters.p))
        let laneBytes = 128 * r
        let work = amber_scrypt_romix_memory(UInt32(r), n)
        guard work > 0 else { throw .invalidInput("scrypt N=\(n) r=\(r) does not fit in memory") }
        var blocks = try pbkdf2(password: password, salt: salt, count: p * laneBytes)
        defer { blocks.withUnsafeMutableBytes { SodiumCall.wipe($0) } }
        blocks.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: lanesAtOnce) { thread in
                let memory = UnsafeMutableRawPointer.allocate(byteCount: work, alignment: 64)
                defer { memory.deallocate() }
                for lane in stride(from: thread, to: p, by: lanesAtOnce) {
                    amber_scrypt_romix(base + lane * laneBytes, UInt32(r), n, memory)
                }
            }
        }
        return try pbkdf2(password: password, salt: blocks, count: count)
    }

    /// PBKDF2-HMAC-SHA256 with one iteration (RFC 8018 section 5.2, c = 1), as scrypt uses it:
    /// T_1 ‖ T_2 ‖ … cut to `count` bytes, with T_i = HMAC-SHA256(password, salt ‖ be32(i)).
    static func pbkdf2(password: [UInt8], salt: [UInt8], count: Int) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: (count + 31) / 32 * 32)
        var rc: Int32 = 0
        output.withUnsafeMutableBufferPointer { out in
            for block in 0..<out.count / 32 where rc == 0 {
                let i = UInt32(block + 1)
                let index = [UInt8(i >> 24), UInt8(truncatingIfNeeded: i >> 16), UInt8(truncatingIfNeeded: i >> 8), UInt8(truncatingIfNeeded: i)]
                rc = SodiumCall.hmacSHA256(key: password, message: salt, suffix: index, into: out.baseAddress! + block * 32)
            }
        }
        try SodiumCall.check(rc, "scrypt's PBKDF2")
        let key = Array(output.prefix(count))
        output.withUnsafeMutableBytes { SodiumCall.wipe($0) }
        return key
    }
}
