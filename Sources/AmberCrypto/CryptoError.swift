/// A failure of a cryptographic operation.
///
/// The message never contains key material, passwords or plaintext. An authentication failure
/// carries no detail at all: its message is just "authentication failed".
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    /// How a failure is classified.
    public enum Code: Sendable, Equatable {
        /// A tag or MAC did not verify: the data was tampered with, or the key, nonce or
        /// associated data is wrong.
        case unauthenticated
        /// An argument has the wrong size or is out of range (a 31-byte key, a zero scrypt N).
        case invalidInput
        /// OpenSSL itself failed (out of memory, missing provider).
        case library
    }

    public let code: Code
    /// What went wrong, for people.
    public let message: String

    public init(_ code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The error for any failed authentication check.
    public static let unauthenticated = CryptoError(.unauthenticated, message: "authentication failed")

    /// An argument error with `message`.
    static func invalidInput(_ message: String) -> CryptoError {
        CryptoError(.invalidInput, message: message)
    }

    public var description: String {
        switch code {
        case .unauthenticated: message
        case .invalidInput: "invalid input: \(message)"
        case .library: "OpenSSL: \(message)"
        }
    }
}
