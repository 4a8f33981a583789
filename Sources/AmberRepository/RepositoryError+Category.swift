import AmberCore

extension RepositoryError: AmberError {
    public var category: ErrorCategory {
        switch code {
        case .noRepository: return .noRepository
        case .wrongPassword: return .wrongPassword
        case .locked: return .locked
        case .damaged, .missingBlob: return .damaged
        case .invalidArgument: return .usage
        case .storage: return .io
        }
    }
}
