import AmberCore
import AmberStorage

/// A failure at the repository layer, classified so the CLI can map it to an exit code.
public struct RepositoryError: Error, Sendable, CustomStringConvertible {
    /// The classes of failure. Each maps to one documented exit code.
    public enum Code: Sendable, Equatable {
        /// There is no repository at the location (exit 10).
        case noRepository
        /// No key file opens with the password given (exit 12).
        case wrongPassword
        /// Another process holds a conflicting lock (exit 11).
        case locked
        /// A repository file or blob fails authentication or does not parse.
        case damaged
        /// A blob the caller needs is in no index.
        case missingBlob
        /// The repository already exists, or an argument is unusable.
        case invalidArgument
        /// The storage backend failed.
        case storage
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func storage(_ error: BackendError) -> RepositoryError {
        RepositoryError(.storage, error.description)
    }

    /// Runs a backend operation, turning its error into a ``RepositoryError`` of code `.storage`.
    public static func catching<T>(_ body: () throws(BackendError) -> T) throws(RepositoryError) -> T {
        do {
            return try body()
        } catch {
            throw RepositoryError.storage(error)
        }
    }

    public static func damaged(_ what: String, _ detail: String) -> RepositoryError {
        RepositoryError(.damaged, "\(what) is damaged: \(detail)")
    }
}

/// Runs a backend operation, turning its error into a ``RepositoryError``.
@inline(__always)
func storage<T>(_ body: () throws(BackendError) -> T) throws(RepositoryError) -> T {
    try RepositoryError.catching(body)
}
