/// A structure read from the repository does not match `docs/format.md`.
public struct FormatError: Error, Sendable, CustomStringConvertible {
    /// What was being decoded ("tree", "pack header", "index").
    public let context: String
    /// What is wrong with it.
    public let reason: String

    public init(context: String, reason: String) {
        self.context = context
        self.reason = reason
    }

    public var description: String { "malformed \(context): \(reason)" }
}
