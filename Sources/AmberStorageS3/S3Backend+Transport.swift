import AmberCrypto
import AmberStorage

extension S3Backend {
    /// Signs `request`, sends it on a pooled curl handle and returns the response, whatever its status.
    ///
    /// Signed headers: `host;x-amz-content-sha256;x-amz-date[;x-amz-security-token]`, the content hash
    /// being the hex SHA-256 of the body (`e3b0…b855` when empty). A transport failure becomes a
    /// ``BackendError`` naming `operation` and `path`; curl's messages never contain headers.
    func perform(_ request: S3Request, operation: String, path: String) throws(BackendError) -> HTTPResponse {
        let result = request.body.withUnsafeBytes { body -> Result<HTTPResponse, BackendError> in
            do throws(BackendError) {
                return .success(try perform(request, body: body, operation: operation, path: path))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func perform(
        _ request: S3Request, body: UnsafeRawBufferPointer, operation: String, path: String
    ) throws(BackendError) -> HTTPResponse {
        let encodedPath = "/" + s3Location.bucket + (request.key.map { "/" + URIEncoding.encodePath($0) } ?? "")
        let query = URIEncoding.canonicalQuery(request.query)
        let url = s3Location.endpoint + encodedPath + (query.isEmpty ? "" : "?" + query)
        let date = AmzDate.now()
        let payloadHash = Hex.lower(SHA256.hash(body))
        var signed = [
            (name: "host", value: s3Location.hostHeader),
            (name: "x-amz-content-sha256", value: payloadHash),
            (name: "x-amz-date", value: date.stamp),
        ]
        if let token = credentials.sessionToken { signed.append((name: "x-amz-security-token", value: token)) }
        let authorization = signer.authorization(
            method: request.method, path: encodedPath, query: request.query, headers: signed,
            payloadHash: payloadHash, date: date)
        var headers = signed.map { "\($0.name): \($0.value)" } + ["Authorization: \(authorization)"]
        if request.method == "PUT" || request.method == "POST" {
            headers.append("Content-Type: application/octet-stream")
        }
        headers += request.headers
        let http = HTTPRequest(method: request.method, url: url, headers: headers, body: body)
        var response = try pool.withHandle(path: path) { (handle) throws(BackendError) -> HTTPResponse in
            do throws(CurlError) {
                return try handle.perform(http)
            } catch {
                throw BackendError.curl(error, operation: operation, path: path)
            }
        }
        response.signature = String(authorization.suffix(64))
        return response
    }

    /// ``perform(_:operation:path:)``, throwing the classified S3 error unless the status is one of `accepted`.
    func send(
        _ request: S3Request, operation: String, path: String,
        accepting accepted: Set<Int> = [200], notFound: BackendError.Code = .notFound
    ) throws(BackendError) -> HTTPResponse {
        let response = try perform(request, operation: operation, path: path)
        guard accepted.contains(response.status) else {
            throw failure(response, operation: operation, path: path, notFound: notFound)
        }
        return response
    }

    /// The classified error for an S3 error answer, with the secret, session token and signature redacted.
    func failure(
        _ response: HTTPResponse, operation: String, path: String, notFound: BackendError.Code = .notFound
    ) -> BackendError {
        .s3(response, operation: operation, path: path, notFound: notFound,
            secrets: [credentials.secretAccessKey, credentials.sessionToken ?? "", response.signature])
    }
}
