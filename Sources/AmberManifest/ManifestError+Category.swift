import AmberCore
import AmberRepository

extension ManifestError: AmberError {
    public var category: ErrorCategory {
        switch code {
        case .invalidArgument: return .usage
        case .damaged: return .damaged
        case .repository: return repositoryError?.category ?? .io
        }
    }
}
