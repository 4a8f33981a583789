public import AmberCore
internal import COpenSSL

/// HMAC-SHA256 under a fixed key: the keyed ids of blobs.
///
/// Not thread-safe: one instance per thread; ``copy()`` makes another for a second thread.
/// One `EVP_MAC_CTX` is reused for every message (`EVP_MAC_init` with a NULL key restarts it),
/// and the key lives only inside that context.
public final class HMACSHA256: @unchecked Sendable {
    /// The number of bytes in a MAC.
    public static let byteCount = 32

    private let context: OpaquePointer

    /// Creates a MAC under `key` (any length; 32 bytes in practice).
    public init(key: [UInt8]) {
        context = OpenSSLCall.require(EVP_MAC_CTX_new(OpenSSLAlgorithms.hmac), "EVP_MAC_CTX_new")
        let rc = CBytes.with(key) { amber_hmac_sha256_init(context, $0, $1) }
        OpenSSLCall.require(rc, "EVP_MAC_init(HMAC-SHA256)")
    }

    private init(context: OpaquePointer) {
        self.context = context
    }

    deinit {
        EVP_MAC_CTX_free(context)
    }

    /// The 32-byte MAC of `bytes`.
    public func mac(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        OpenSSLCall.require(amber_hmac_sha256_init(context, nil, 0), "EVP_MAC_init")
        if bytes.count > 0 {
            OpenSSLCall.require(EVP_MAC_update(context, bytes.baseAddress, bytes.count), "EVP_MAC_update")
        }
        return [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, initialized in
            var length = 0
            OpenSSLCall.require(EVP_MAC_final(context, buffer.baseAddress, &length, buffer.count), "EVP_MAC_final")
            initialized = length
        }
    }

    /// The 32-byte MAC of `bytes`.
    public func mac(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { mac($0) }
    }

    /// Re-keys this context with `key` (it keeps that key afterwards) and returns the MAC of
    /// `bytes`: for a MAC under a different key per message (a blob's nonce under its own key)
    /// without allocating and clearing a context each time.
    public func mac(_ bytes: [UInt8], rekeyingWith key: [UInt8]) -> [UInt8] {
        let rc = CBytes.with(key) { amber_hmac_sha256_rekey(context, $0, $1) }
        OpenSSLCall.require(rc, "EVP_MAC_init(HMAC-SHA256)")
        return mac(bytes)
    }

    /// The MAC of `bytes` as a ``BlobID``.
    public func id(_ bytes: UnsafeRawBufferPointer) -> BlobID {
        BlobID(bytes: mac(bytes))!
    }

    /// The MAC of `bytes` as a ``BlobID``.
    public func id(_ bytes: [UInt8]) -> BlobID {
        bytes.withUnsafeBytes { id($0) }
    }

    /// An instance with the same key and its own context, for another thread.
    public func copy() -> HMACSHA256 {
        HMACSHA256(context: OpenSSLCall.require(EVP_MAC_CTX_dup(context), "EVP_MAC_CTX_dup"))
    }
}
