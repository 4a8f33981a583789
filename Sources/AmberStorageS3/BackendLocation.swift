import AmberStorage

/// Opens the backend a repository location names, for the CLI and other front ends.
///
/// - `s3:http(s)://HOST[:PORT]/BUCKET[/PREFIX]`: an ``S3Backend`` with credentials from
///   `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` and the region from
///   `AWS_REGION` or `AWS_DEFAULT_REGION` (default us-east-1).
/// - any other location: a ``AmberStorage/LocalBackend`` directory, except that URL-like locations
///   (`scheme://…`) are refused rather than taken for directory names.
///
/// Either backend is wrapped in ``AmberStorage/RetryingBackend``.
public enum BackendLocation {
    /// The backend for `location`. Throws ``AmberStorage/BackendError/Code/permanent`` for a malformed
    /// S3 location, missing credentials or an unsupported scheme.
    public static func open(_ location: String, environment: [String: String]) throws(BackendError) -> any Backend {
        if location.hasPrefix("s3:") {
            let s3 = try S3Location(parsing: location)
            let credentials = try S3Credentials(environment: environment, location: s3.description)
            let backend = S3Backend(location: s3, credentials: credentials,
                                    configuration: S3Configuration(environment: environment))
            return RetryingBackend(base: backend)
        }
        if location.contains("://") {
            throw BackendError(.permanent, path: location,
                               message: "unsupported repository location: use a directory or s3:http(s)://HOST/BUCKET[/PREFIX]")
        }
        return RetryingBackend(base: LocalBackend(path: location))
    }
}
