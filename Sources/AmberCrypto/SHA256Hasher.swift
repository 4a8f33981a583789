internal import COpenSSL

/// Incremental SHA-256 over one reused `EVP_MD_CTX`.
///
/// Not thread-safe: one owner at a time. After ``finalize()`` the hasher starts over and can
/// hash the next message.
public final class SHA256Hasher: @unchecked Sendable {
    private let context: OpaquePointer

    public init() {
        context = OpenSSLCall.require(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        restart()
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `bytes` to the message. The corresponding C function is `EVP_DigestUpdate`.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        OpenSSLCall.require(EVP_DigestUpdate(context, bytes.baseAddress, bytes.count), "EVP_DigestUpdate")
    }

    /// Adds `bytes` to the message.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest of everything added since the last call, and starts over.
    public func finalize() -> [UInt8] {
        let digest = [UInt8](unsafeUninitializedCapacity: SHA256.byteCount) { buffer, initialized in
            var length: UInt32 = 0
            OpenSSLCall.require(EVP_DigestFinal_ex(context, buffer.baseAddress, &length), "EVP_DigestFinal_ex")
            initialized = Int(length)
        }
        restart()
        return digest
    }

    private func restart() {
        OpenSSLCall.require(EVP_DigestInit_ex2(context, OpenSSLAlgorithms.sha256, nil), "EVP_DigestInit_ex2")
    }
}
