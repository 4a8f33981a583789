import AmberCore
import AmberRepository

/// A failure building, reading or diffing a manifest, classified for the caller.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The classes of failure.
    public enum Code: Sendable, Equatable {
        /// The caller broke a precondition: keys out of order, a key too long, a builder reused.
        case invalidArgument
        /// A manifest node or value read from the repository does not match `docs/manifest-format.md`.
        case damaged
        /// The repository failed underneath (its own code is in ``ManifestError/repositoryError``).
        case repository
    }

    public let code: Code
    public let message: String
    /// The repository error behind a `.repository` failure.
    public let repositoryError: RepositoryError?

    public init(_ code: Code, _ message: String, repositoryError: RepositoryError? = nil) {
        self.code = code
        self.message = message
        self.repositoryError = repositoryError
    }

    /// Wraps a repository failure; a damaged blob stays `.damaged`.
    public init(_ error: RepositoryError) {
        self.init(error.code == .damaged ? .damaged : .repository, error.message, repositoryError: error)
    }

    /// A node or value that does not parse.
    static func damaged(_ what: String, _ error: FormatError) -> ManifestError {
        ManifestError(.damaged, "\(what) is damaged: \(error.reason)")
    }

    public var description: String { message }
}

/// Runs a repository operation, turning its error into a ``ManifestError``.
@inline(__always)
func viaRepository<T>(_ body: () throws(RepositoryError) -> T) throws(ManifestError) -> T {
    do {
        return try body()
    } catch {
        throw ManifestError(error)
    }
}
