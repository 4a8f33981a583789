import AmberBackup
import AmberCore
import AmberRepository
import Foundation
import HTTPTypes
import Hummingbird

/// The JSON answer of a failed request: `{"message_type": "error", "error": "…"}`, as the
/// CLI's `--json` errors, with the HTTP status that fits.
enum APIError {
    static func response(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = ["message_type": "error", "error": message]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The response for an error a handler threw: 404 for what is not there, 400 for bad
    /// input, 409 for a locked repository, 500 otherwise.
    static func response(for error: any Error) -> Response {
        switch error {
        case let error as RestoreError:
            return response(.badRequest, error.message)
        case let error as BrowseError:
            if case .notFound = error { return response(.notFound, error.description) }
            return response(.badRequest, error.description)
        case let error as RepositoryError:
            switch error.code {
            case .invalidArgument: return response(.notFound, error.message)
            case .locked: return response(.conflict, error.message)
            default: return response(.internalServerError, error.message)
            }
        default:
            return response(.internalServerError, "\(error)")
        }
    }
}
