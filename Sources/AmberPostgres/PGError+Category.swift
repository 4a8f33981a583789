import AmberCore

extension PGError: AmberError {
    /// The server's failures are ``ErrorCategory/remote``, malformed COPY data
    /// ``ErrorCategory/damaged``; the rest is what was asked (a URI, a target, a table).
    public var category: ErrorCategory {
        switch code {
        case .connection, .server, .protocolError: return .remote
        case .copyFormat: return .damaged
        default: return .usage
        }
    }
}
