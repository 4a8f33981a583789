internal import CSodium
import Glibc

/// The call layer between Swift and libsodium (used for scrypt only: its KDF, and the HMAC of
/// its outer PBKDF2 when ``Scrypt`` runs the lanes itself): initializes the library
/// once and turns its return codes into ``CryptoError`` values.
///
/// libsodium functions return 0 on success and -1 on failure, with `errno` set; `sodium_init`
/// returns 1 when the library was already initialized.
enum SodiumCall {
    /// Whether `sodium_init` succeeded; it picks the fastest implementations the CPU allows
    /// (scrypt's SSE2 one) and is thread-safe, but is called once.
    private static let initialized: Bool = sodium_init() >= 0

    /// Throws a `.library` error unless libsodium could be initialized.
    static func ready() throws(CryptoError) {
        guard initialized else { throw CryptoError(.library, message: "libsodium could not be initialized") }
    }

    /// Throws a `.library` error naming `what` unless `rc` is 0.
    static func check(_ rc: Int32, _ what: String) throws(CryptoError) {
        guard rc == 0 else { throw CryptoError(.library, message: "\(what) failed (errno \(errno))") }
    }

    /// scrypt (RFC 7914) of `password` and `salt` into `out`; 0 on success.
    static func scrypt(password: UnsafePointer<UInt8>, _ passwordCount: Int, salt: UnsafePointer<UInt8>, _ saltCount: Int,
                       n: UInt64, r: UInt32, p: UInt32, into out: UnsafeMutableBufferPointer<UInt8>) -> Int32 {
        crypto_pwhash_scryptsalsa208sha256_ll(password, passwordCount, salt, saltCount, n, r, p, out.baseAddress!, out.count)
    }

    /// HMAC-SHA256 under `key` (any length, empty included, as scrypt's PBKDF2 needs) of
    /// `message` followed by `suffix`, into `out` (32 bytes).
    static func hmacSHA256(key: [UInt8], message: [UInt8], suffix: [UInt8], into out: UnsafeMutablePointer<UInt8>) -> Int32 {
        var state = crypto_auth_hmacsha256_state()
        defer { sodium_memzero(&state, MemoryLayout<crypto_auth_hmacsha256_state>.size) }
        guard crypto_auth_hmacsha256_init(&state, key, key.count) == 0,
              crypto_auth_hmacsha256_update(&state, message, UInt64(message.count)) == 0,
              crypto_auth_hmacsha256_update(&state, suffix, UInt64(suffix.count)) == 0
        else { return -1 }
        return crypto_auth_hmacsha256_final(&state, out)
    }

    /// Overwrites `bytes` with zeros in a way the compiler keeps.
    static func wipe(_ bytes: UnsafeMutableRawBufferPointer) {
        if let base = bytes.baseAddress { sodium_memzero(base, bytes.count) }
    }
}
