import AmberCore

extension SQLiteError: AmberError {
    /// SQLite's own failures and file operations are ``ErrorCategory/io``; the rest is what was
    /// asked (a target that exists, a database Amber does not capture, a table).
    public var category: ErrorCategory {
        switch code {
        case .sqlite, .io: return .io
        case .keyOrder, .invalidSchema: return .damaged
        default: return .usage
        }
    }
}
