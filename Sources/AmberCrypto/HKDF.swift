internal import COpenSSL

/// HKDF (RFC 5869): derives subkeys from a master key.
public enum HKDF {
    /// Derives `count` bytes (1 through 8160) from `key` with HKDF-SHA256, extract then expand.
    ///
    /// An empty `salt` means a salt of 32 zero bytes, as in the RFC. Thread-safe.
    /// The corresponding C function is `EVP_KDF_derive` with the "HKDF" algorithm.
    public static func sha256(key: [UInt8], salt: [UInt8], info: [UInt8], count: Int) -> [UInt8] {
        precondition(count > 0 && count <= 255 * SHA256.byteCount, "HKDF-SHA256 output must be 1...8160 bytes")
        let context = KDFContext(OpenSSLAlgorithms.hkdf)
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            let rc = CBytes.with(key) { key, keyCount in
                CBytes.with(salt) { salt, saltCount in
                    CBytes.with(info) { info, infoCount in
                        amber_hkdf_sha256(context.pointer, key, keyCount, salt, saltCount, info, infoCount,
                                          out.baseAddress, count)
                    }
                }
            }
            OpenSSLCall.require(rc, "HKDF-SHA256")
            initialized = count
        }
    }
}
