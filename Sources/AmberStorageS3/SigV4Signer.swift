import AmberCrypto

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), computed in Swift over ``AmberCrypto/SHA256`` and
/// ``AmberCrypto/HMACSHA256``.
///
/// The caller names every header to sign (at least `host` and `x-amz-date`; for S3 also
/// `x-amz-content-sha256` and, with a session token, `x-amz-security-token`) and the payload hash.
/// The signer builds the canonical request (method, encoded path, sorted and RFC 3986-encoded query,
/// lowercased and trimmed headers), the string to sign, the signing key and the `Authorization`
/// header. Thread-safe: it holds no mutable state.
///
/// ```swift
/// let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "s3")
/// let authorization = signer.authorization(method: "GET", path: "/bucket/key", query: [],
///     headers: [("host", "s3.example"), ("x-amz-date", date.stamp), ...], payloadHash: hash, date: date)
/// ```
public struct SigV4Signer: Sendable {
    /// The algorithm name at the start of the string to sign and of the `Authorization` header.
    public static let algorithm = "AWS4-HMAC-SHA256"

    public let credentials: S3Credentials
    public let region: String
    public let service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// `DAY/REGION/SERVICE/aws4_request`.
    public func scope(_ date: AmzDate) -> String {
        "\(date.day)/\(region)/\(service)/aws4_request"
    }

    /// The canonical request. `path` is already URI-encoded (as sent); `query` is not encoded yet.
    public func canonicalRequest(
        method: String, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], payloadHash: String
    ) -> String {
        let canonical = Self.canonicalHeaders(headers)
        return [
            method,
            path.isEmpty ? "/" : path,
            URIEncoding.canonicalQuery(query),
            canonical.map { "\($0.name):\($0.value)\n" }.joined(),
            canonical.map(\.name).joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The string to sign: algorithm, date, scope and the hex SHA-256 of the canonical request.
    public func stringToSign(canonicalRequest: String, date: AmzDate) -> String {
        [Self.algorithm, date.stamp, scope(date), Hex.lower(SHA256.hash(Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
    }

    /// The hex signature of a string to sign, under the key derived for the date, region and service.
    public func signature(stringToSign: String, date: AmzDate) -> String {
        var key = Array(("AWS4" + credentials.secretAccessKey).utf8)
        for step in [date.day, region, service, "aws4_request"] {
            key = HMACSHA256(key: key).mac(Array(step.utf8))
        }
        return Hex.lower(HMACSHA256(key: key).mac(Array(stringToSign.utf8)))
    }

    /// The value of the `Authorization` header for a request (see ``canonicalRequest(method:path:query:headers:payloadHash:)``).
    public func authorization(
        method: String, path: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)], payloadHash: String, date: AmzDate
    ) -> String {
        let request = canonicalRequest(method: method, path: path, query: query, headers: headers,
                                       payloadHash: payloadHash)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: request, date: date), date: date)
        let signedHeaders = Self.canonicalHeaders(headers).map(\.name).joined(separator: ";")
        return "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(date)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// Lowercased names, values trimmed with inner runs of spaces collapsed, sorted by name;
    /// values of repeated names joined with `,` in their original order.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var merged: [(name: String, value: String)] = []
        for (name, value) in headers {
            let name = name.lowercased()
            let value = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            if let index = merged.firstIndex(where: { $0.name == name }) {
                merged[index].value += "," + value
            } else {
                merged.append((name, value))
            }
        }
        return merged.sorted { $0.name < $1.name }
    }
}
