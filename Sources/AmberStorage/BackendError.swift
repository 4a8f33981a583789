/// A failure of a ``Backend`` operation, classified so decorators can act on it.
public struct BackendError: Error, Sendable, CustomStringConvertible {
    /// How a failure is classified.
    public enum Code: Sendable, Equatable {
        /// The file does not exist.
        case notFound
        /// Worth retrying: a timeout, a 5xx or 429 answer, EINTR/EAGAIN.
        case transient
        /// Retrying will not help: permission denied, no space, bad credentials.
        case permanent
    }

    public let code: Code
    /// The file or location concerned.
    public let path: String
    /// What went wrong, for people (never containing secrets).
    public let message: String

    public init(_ code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
