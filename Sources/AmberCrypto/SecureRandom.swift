internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// Stops the process if OpenSSL's generator fails (it cannot be seeded): continuing with
    /// predictable keys or nonces would be worse. The corresponding C function is `RAND_bytes`.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var offset = 0
            while offset < count {
                let step = min(count - offset, Int(Int32.max))
                let rc = RAND_bytes(buffer.baseAddress! + offset, Int32(step))
                if rc != 1 { fatalError("\(OpenSSLCall.libraryError("RAND_bytes"))") }
                offset += step
            }
            initialized = count
        }
    }
}
