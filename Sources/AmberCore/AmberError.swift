/// What kind of failure an error is, whichever layer raised it: all a front end needs to choose
/// an exit code or a retry, without knowing the layer's own error type.
public enum ErrorCategory: Sendable, Equatable, CaseIterable {
    /// The request cannot be carried out as given: a bad argument, option or input, a target that
    /// exists or holds something else.
    case usage
    /// Something the request names does not exist: a source path, a snapshot, a file.
    case notFound
    /// There is no repository at the location given.
    case noRepository
    /// Another process holds a conflicting lock on the repository.
    case locked
    /// No key of the repository opens with the password given.
    case wrongPassword
    /// Stored data fails authentication, does not parse, or is missing where it must be.
    case damaged
    /// A local read, write or system call failed.
    case io
    /// A server failed or could not be reached: object storage, PostgreSQL.
    case remote
}

/// An error of an Amber layer: a description for people (never containing secrets or document
/// contents) and a ``ErrorCategory``. A new layer's error conforms and needs no front-end change.
public protocol AmberError: Error, CustomStringConvertible {
    /// What kind of failure this is.
    var category: ErrorCategory { get }
}

extension FormatError: AmberError {
    public var category: ErrorCategory { .damaged }
}
