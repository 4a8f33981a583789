/// One HTTP request as the transport sends it: everything already signed and encoded.
struct HTTPRequest {
    /// `GET`, `HEAD`, `PUT`, `POST` or `DELETE`.
    var method: String
    /// The full URL, with the encoded path and canonical query.
    var url: String
    /// Header lines (`Name: value`), sent as given.
    var headers: [String]
    /// The body; requests without one (GET, HEAD, DELETE) pass an empty buffer and send none.
    var body: UnsafeRawBufferPointer

    /// Whether the request carries a body (and a `Content-Length`), even an empty one.
    var sendsBody: Bool { method == "PUT" || method == "POST" }
}

/// A complete HTTP response.
struct HTTPResponse {
    var status: Int
    /// Header names in lowercase; a repeated header keeps its last value.
    var headers: [String: String]
    var body: [UInt8]
    /// The signature the request carried, kept only to redact it from error messages.
    var signature = ""

    /// The `Content-Length` header as a number.
    var contentLength: Int? { headers["content-length"].flatMap { Int($0.trimmingSpaces) } }
}

extension StringProtocol {
    /// The string without leading and trailing white space (spaces, tabs, and CR LF, which is
    /// one `Character`).
    var trimmingSpaces: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return text[first...last]
    }
}
