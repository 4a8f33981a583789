import AmberCore

extension FilesystemError: AmberError {
    public var category: ErrorCategory { .io }
}
