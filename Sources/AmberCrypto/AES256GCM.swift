internal import COpenSSL

/// AES-256-GCM with a 12-byte nonce and a 16-byte tag.
///
/// Not thread-safe: one instance per thread. The instance keeps one encryption and one
/// decryption `EVP_CIPHER_CTX`, set up for the cipher once; each call only loads its key and
/// nonce. A (key, nonce) pair must never seal two different messages.
public final class AES256GCM: @unchecked Sendable {
    public static let nonceCount = 12, tagCount = 16, keyCount = 32

    private let sealer: OpaquePointer
    private let opener: OpaquePointer

    public init() {
        sealer = OpenSSLCall.require(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        opener = OpenSSLCall.require(EVP_CIPHER_CTX_new(), "EVP_CIPHER_CTX_new")
        OpenSSLCall.require(EVP_EncryptInit_ex2(sealer, OpenSSLAlgorithms.aes256GCM, nil, nil, nil),
                            "EVP_EncryptInit_ex2(AES-256-GCM)")
        OpenSSLCall.require(EVP_DecryptInit_ex2(opener, OpenSSLAlgorithms.aes256GCM, nil, nil, nil),
                            "EVP_DecryptInit_ex2(AES-256-GCM)")
    }

    deinit {
        EVP_CIPHER_CTX_free(sealer)
        EVP_CIPHER_CTX_free(opener)
    }

    /// Appends ciphertext ‖ tag (plaintext.count + 16 bytes) to `output`.
    ///
    /// Throws `.invalidInput` for a key that is not 32 bytes or a nonce that is not 12; `output`
    /// is unchanged when this throws.
    public func seal(key: [UInt8], nonce: [UInt8], plaintext: UnsafeRawBufferPointer, aad: [UInt8],
                     appendingTo output: inout [UInt8]) throws(CryptoError) {
        try Self.validate(key: key, nonce: nonce)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: plaintext.count + Self.tagCount))
        let failure = output.withUnsafeMutableBufferPointer { buffer in
            seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad,
                 into: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
        }
        if let failure {
            output.removeSubrange(start...)
            throw OpenSSLCall.libraryError(failure)
        }
    }

    /// Appends ciphertext ‖ tag (plaintext.count + 16 bytes) to `output`.
    public func seal(key: [UInt8], nonce: [UInt8], plaintext: [UInt8], aad: [UInt8],
                     appendingTo output: inout [UInt8]) throws(CryptoError) {
        // `withUnsafeBytes` rethrows untyped errors, so carry the typed one out in a Result.
        let result = plaintext.withUnsafeBytes { plaintext in
            Result { () throws(CryptoError) in
                try seal(key: key, nonce: nonce, plaintext: plaintext, aad: aad, appendingTo: &output)
            }
        }
        try result.get()
    }

    /// Verifies and decrypts `sealed` = ciphertext ‖ tag.
    ///
    /// Throws `.unauthenticated` on any tag mismatch, including a wrong key, nonce or `aad` and a
    /// `sealed` shorter than a tag; `.invalidInput` for a key or nonce of the wrong size.
    public func open(key: [UInt8], nonce: [UInt8], sealed: ArraySlice<UInt8>, aad: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Self.validate(key: key, nonce: nonce)
        guard sealed.count >= Self.tagCount else { throw .unauthenticated }
        let count = sealed.count - Self.tagCount
        var outcome = OpenOutcome.authenticated
        let plaintext = sealed.withUnsafeBytes { sealed in
            [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                outcome = open(key: key, nonce: nonce, ciphertext: UnsafeRawBufferPointer(rebasing: sealed[..<count]),
                               tag: UnsafeRawBufferPointer(rebasing: sealed[count...]), aad: aad, into: buffer)
                initialized = outcome == .authenticated ? count : 0
            }
        }
        switch outcome {
        case .authenticated: return plaintext
        case .forged: throw .unauthenticated
        case .failed(let what): throw OpenSSLCall.libraryError(what)
        }
    }

    private static func validate(key: [UInt8], nonce: [UInt8]) throws(CryptoError) {
        guard key.count == keyCount else { throw .invalidInput("AES-256-GCM key must be \(keyCount) bytes, not \(key.count)") }
        guard nonce.count == nonceCount else {
            throw .invalidInput("AES-256-GCM nonce must be \(nonceCount) bytes, not \(nonce.count)")
        }
    }

    /// Encrypts into `out` (exactly plaintext.count + 16 bytes); the failed call's name, or nil.
    private func seal(key: [UInt8], nonce: [UInt8], plaintext: UnsafeRawBufferPointer, aad: [UInt8],
                      into out: UnsafeMutableBufferPointer<UInt8>) -> String? {
        guard EVP_EncryptInit_ex2(sealer, nil, key, nonce, nil) == 1 else { return "EVP_EncryptInit_ex2" }
        var length: Int32 = 0
        if !aad.isEmpty, EVP_EncryptUpdate(sealer, nil, &length, aad, Int32(aad.count)) != 1 {
            return "EVP_EncryptUpdate(aad)"
        }
        var written = 0
        for range in Self.pieces(plaintext.count) {
            let input = plaintext.baseAddress!.assumingMemoryBound(to: UInt8.self) + range.lowerBound
            guard EVP_EncryptUpdate(sealer, out.baseAddress! + written, &length, input, Int32(range.count)) == 1 else {
                return "EVP_EncryptUpdate"
            }
            written += Int(length)
        }
        guard EVP_EncryptFinal_ex(sealer, out.baseAddress! + written, &length) == 1 else { return "EVP_EncryptFinal_ex" }
        written += Int(length)
        guard written == plaintext.count else { return "AES-256-GCM length check" }
        let tag = out.baseAddress! + written
        guard EVP_CIPHER_CTX_ctrl(sealer, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagCount), tag) == 1 else {
            return "EVP_CIPHER_CTX_ctrl(GET_TAG)"
        }
        return nil
    }

    private enum OpenOutcome: Equatable {
        case authenticated, forged, failed(String)
    }

    /// Decrypts into `out` (exactly ciphertext.count bytes) and checks the tag.
    private func open(key: [UInt8], nonce: [UInt8], ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer,
                      aad: [UInt8], into out: UnsafeMutableBufferPointer<UInt8>) -> OpenOutcome {
        guard EVP_DecryptInit_ex2(opener, nil, key, nonce, nil) == 1 else { return .failed("EVP_DecryptInit_ex2") }
        var length: Int32 = 0
        if !aad.isEmpty, EVP_DecryptUpdate(opener, nil, &length, aad, Int32(aad.count)) != 1 {
            return .failed("EVP_DecryptUpdate(aad)")
        }
        var written = 0
        for range in Self.pieces(ciphertext.count) {
            let input = ciphertext.baseAddress!.assumingMemoryBound(to: UInt8.self) + range.lowerBound
            guard EVP_DecryptUpdate(opener, out.baseAddress! + written, &length, input, Int32(range.count)) == 1 else {
                return .failed("EVP_DecryptUpdate")
            }
            written += Int(length)
        }
        let expected = UnsafeMutableRawPointer(mutating: tag.baseAddress)
        guard EVP_CIPHER_CTX_ctrl(opener, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagCount), expected) == 1 else {
            return .failed("EVP_CIPHER_CTX_ctrl(SET_TAG)")
        }
        var scratch = [UInt8](repeating: 0, count: Self.tagCount)
        guard EVP_DecryptFinal_ex(opener, &scratch, &length) == 1 else {
            OpenSSLCall.clearErrors()
            return .forged
        }
        return .authenticated
    }

    /// Splits `count` bytes into ranges that fit OpenSSL's `int` lengths.
    private static func pieces(_ count: Int) -> [Range<Int>] {
        let step = 1 << 30
        return stride(from: 0, to: count, by: step).map { $0..<min($0 + step, count) }
    }
}
