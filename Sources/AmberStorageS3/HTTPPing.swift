/// One short HTTP request whose answer is only a status: a monitoring service's ping
/// (healthchecks.io, Uptime Kuma, a push gateway), sent through the same libcurl transport as S3.
public enum HTTPPing {
    /// A ping that could not be delivered: the transport's fixed message (never the URL, which
    /// may carry a token), or the status a server answered with.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Sends `body` (or nothing, with `GET`) to `url` and returns the HTTP status; a status of 400
    /// and above, or no answer within `timeoutSeconds`, is a ``Failure``.
    @discardableResult
    public static func send(_ url: String, method: String = "POST", body: [UInt8] = [],
                            timeoutSeconds: Int = 10) throws(Failure) -> Int {
        var configuration = S3Configuration()
        configuration.connectTimeout = timeoutSeconds
        configuration.lowSpeedTime = timeoutSeconds
        guard let easy = CurlEasy(configuration: configuration) else { throw Failure(description: "cannot start libcurl") }
        let result: Result<HTTPResponse, CurlError> = body.withUnsafeBytes { bytes in
            Result { () throws(CurlError) in
                try easy.perform(HTTPRequest(method: method, url: url, headers: ["Content-Type: text/plain; charset=utf-8"], body: bytes))
            }
        }
        let response: HTTPResponse
        switch result {
        case let .success(value): response = value
        case let .failure(error): throw Failure(description: error.message)
        }
        guard response.status < 400 else { throw Failure(description: "the server answered HTTP \(response.status)") }
        return response.status
    }
}
