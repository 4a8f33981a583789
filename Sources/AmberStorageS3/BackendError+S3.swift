import AmberStorage

extension BackendError {
    /// Classifies an S3 error answer of `operation` (e.g. "save (PUT)") on `path`.
    ///
    /// - 404 (`NoSuchKey`, `NoSuchBucket`, `NoSuchUpload`) is `notFound` (callers that cannot use
    ///   not-found, like saves, pass `.permanent`).
    /// - 5xx, 429, and the codes `RequestTimeout`, `SlowDown`, `InternalError` are transient.
    /// - Everything else (403 `SignatureDoesNotMatch`, `InvalidAccessKeyId`, `AccessDenied`, other 4xx)
    ///   is permanent.
    ///
    /// The message names the operation, the status and S3's `Code` and `Message`; `secrets` (the secret
    /// key, session token and signature) are removed from it should the server ever echo one.
    static func s3(
        _ response: HTTPResponse, operation: String, path: String,
        notFound: Code = .notFound, secrets: [String]
    ) -> BackendError {
        let code = S3XML.value("Code", in: response.body)
        let classified: Code =
            if response.status == 404 { notFound }
            else if response.status == 429 || response.status >= 500 { .transient }
            else if ["RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable"].contains(code ?? "") { .transient }
            else { .permanent }
        var message = "\(operation): HTTP \(response.status)"
        if let code { message += " \(code)" }
        if let text = S3XML.value("Message", in: response.body), !text.isEmpty {
            message += ": " + (text.count > 300 ? String(text.prefix(300)) + "…" : text)
        }
        if response.status == 403 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" {
            message += " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN)"
        }
        return BackendError(classified, path: path, message: redacting(secrets, in: message))
    }

    /// A transport failure of `operation`: transient or permanent as ``CurlError/isTransient`` says.
    static func curl(_ error: CurlError, operation: String, path: String) -> BackendError {
        BackendError(error.isTransient ? .transient : .permanent, path: path,
                     message: "\(operation): \(error.message) (curl error \(error.code.rawValue))")
    }

    /// `text` with every non-empty string of `secrets` replaced by `<redacted>`.
    static func redacting(_ secrets: [String], in text: String) -> String {
        secrets.filter { !$0.isEmpty }.reduce(text) { text, secret in
            text.split(separator: secret, omittingEmptySubsequences: false).joined(separator: "<redacted>")
        }
    }
}
