/// scrypt (RFC 7914): derives a key from a password.
public enum Scrypt {
    /// The most memory one derivation may use: 4 GiB, so that a hostile repository config
    /// cannot make the process allocate without bound.
    public static let memoryLimit: UInt64 = 4 << 30

    /// Derives `count` bytes from `password` and `salt`. Thread-safe.
    ///
    /// Throws `.invalidInput` unless n is a power of two above 1, r and p are positive,
    /// r · p < 2^30, `count` is positive and the memory needed is at most ``memoryLimit``.
    /// The corresponding C function is libsodium's `crypto_pwhash_scryptsalsa208sha256_ll`
    /// (``SodiumCall``), whose SSE2 implementation derives a third faster than OpenSSL's.
    public static func derive(password: [UInt8], salt: [UInt8], parameters: ScryptParameters,
                              count: Int) throws(CryptoError) -> [UInt8] {
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
}
