internal import COpenSSL

/// Algorithm objects fetched once from OpenSSL's default provider.
///
/// OpenSSL 3 looks an algorithm up again on every call to `EVP_sha256()` and friends, which
/// costs a lot for small inputs. Fetched objects are immutable and safe to share between threads.
enum OpenSSLAlgorithms {
    /// `EVP_MD` for SHA-256.
    nonisolated(unsafe) static let sha256: OpaquePointer = OpenSSLCall.require(
        EVP_MD_fetch(nil, "SHA256", nil), "EVP_MD_fetch(SHA256)")

    /// `EVP_MAC` for HMAC (the digest is chosen per context).
    nonisolated(unsafe) static let hmac: OpaquePointer = OpenSSLCall.require(
        EVP_MAC_fetch(nil, "HMAC", nil), "EVP_MAC_fetch(HMAC)")

    /// `EVP_CIPHER` for AES-256-GCM.
    nonisolated(unsafe) static let aes256GCM: OpaquePointer = OpenSSLCall.require(
        EVP_CIPHER_fetch(nil, "AES-256-GCM", nil), "EVP_CIPHER_fetch(AES-256-GCM)")

    /// `EVP_KDF` for HKDF.
    nonisolated(unsafe) static let hkdf: OpaquePointer = OpenSSLCall.require(
        EVP_KDF_fetch(nil, "HKDF", nil), "EVP_KDF_fetch(HKDF)")
}
