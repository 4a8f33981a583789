internal import COpenSSL

/// The call layer between Swift and OpenSSL: turns return codes into ``CryptoError`` values.
///
/// OpenSSL functions return 1 on success. On failure the reasons are on the thread's error
/// queue, which ``libraryError(_:)`` drains into the message.
enum OpenSSLCall {
    /// Throws a `.library` error naming `what` unless `rc` is 1.
    static func check(_ rc: Int32, _ what: String) throws(CryptoError) {
        guard rc == 1 else { throw libraryError(what) }
    }

    /// Stops the process unless `rc` is 1.
    ///
    /// For the few operations that cannot fail with valid arguments except when OpenSSL itself is
    /// broken (out of memory, no default provider), where the API promises not to throw.
    static func require(_ rc: Int32, _ what: String) {
        guard rc == 1 else { fatalError("\(libraryError(what))") }
    }

    /// Returns `pointer`, or stops the process if OpenSSL could not allocate it.
    static func require(_ pointer: OpaquePointer?, _ what: String) -> OpaquePointer {
        guard let pointer else { fatalError("\(libraryError(what))") }
        return pointer
    }

    /// A `.library` error for the failed `what`, with the reasons from OpenSSL's error queue.
    ///
    /// Empties the queue so that stale reasons never end up in a later error.
    static func libraryError(_ what: String) -> CryptoError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            text.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
            reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let detail = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
        return CryptoError(.library, message: "\(what) failed\(detail)")
    }

    /// Discards OpenSSL's error queue, for failures whose reasons must not be reported
    /// (a tag mismatch is reported as a bare `.unauthenticated`).
    static func clearErrors() {
        ERR_clear_error()
    }
}
