import AmberCore

extension BackendError: AmberError {
    /// A missing file is ``ErrorCategory/notFound``; a failure worth retrying comes from a server
    /// or a busy system (``ErrorCategory/remote``); any other is ``ErrorCategory/io``.
    public var category: ErrorCategory {
        switch code {
        case .notFound: return .notFound
        case .transient: return .remote
        case .permanent: return .io
        }
    }
}
