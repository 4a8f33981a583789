import AmberCore

/// A profile file that cannot be used as written, or a run or schedule that cannot be carried
/// out: the message names the file and line (`amber.yaml:12: …`) where it comes from one.
public struct ProfileError: AmberError, Equatable {
    public let message: String
    public let category: ErrorCategory

    public init(_ message: String, category: ErrorCategory = .usage) {
        self.message = message
        self.category = category
    }

    public var description: String { message }
}
