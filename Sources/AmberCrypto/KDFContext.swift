internal import COpenSSL

/// One `EVP_KDF_CTX` for a single derivation, freed when the value goes away.
struct KDFContext: ~Copyable {
    let pointer: OpaquePointer

    /// A fresh context for `kdf`, one of the ``OpenSSLAlgorithms`` KDFs.
    init(_ kdf: OpaquePointer) {
        pointer = OpenSSLCall.require(EVP_KDF_CTX_new(kdf), "EVP_KDF_CTX_new")
    }

    deinit {
        EVP_KDF_CTX_free(pointer)
    }
}
