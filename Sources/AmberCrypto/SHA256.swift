public import AmberCore
internal import COpenSSL

/// One-shot SHA-256.
///
/// Thread-safe. For data that arrives in pieces use ``SHA256Hasher``.
public enum SHA256 {
    /// The number of bytes in a digest.
    public static let byteCount = 32

    /// The 32-byte SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// The 32-byte SHA-256 digest of `bytes`. The corresponding C function is `EVP_Digest`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: byteCount) { digest, initialized in
            var length: UInt32 = 0
            let rc = CBytes.with(bytes) { data, count in
                EVP_Digest(data, count, digest.baseAddress, &length, OpenSSLAlgorithms.sha256, nil)
            }
            OpenSSLCall.require(rc, "EVP_Digest(SHA256)")
            initialized = Int(length)
        }
    }

    /// The digest of `bytes` as a ``BlobID``: the storage id of a repository file.
    public static func id(_ bytes: [UInt8]) -> BlobID {
        BlobID(bytes: hash(bytes))!
    }

    /// The digest of `bytes` as a ``BlobID``: the storage id of a repository file.
    public static func id(_ bytes: UnsafeRawBufferPointer) -> BlobID {
        BlobID(bytes: hash(bytes))!
    }
}
