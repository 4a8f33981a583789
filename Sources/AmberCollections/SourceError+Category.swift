import AmberCore

extension SourceError: AmberError {
    /// Bad input in a source the user gave.
    public var category: ErrorCategory { .usage }
}
