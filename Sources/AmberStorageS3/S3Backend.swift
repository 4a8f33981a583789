import AmberStorage

/// A repository in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, moto, …).
///
/// Each repository file is one object, `PREFIX/` + ``AmberStorage/FileHandle/path``
/// (`config`, `keys/NAME`, `data/NA/NAME`, …), in a bucket addressed path-style
/// (`http://HOST:PORT/BUCKET/KEY`). Requests are signed with AWS Signature Version 4
/// (``SigV4Signer``) and sent with libcurl.
///
/// - Saves are a single `PUT`, atomic by S3's semantics; from ``S3Configuration/multipartThreshold``
///   bytes on, a multipart upload (aborted if any part fails), which S3 also publishes atomically.
/// - Read-after-write holds on AWS S3 (strongly consistent since 2020) and on moto and MinIO.
/// - `load` with a range sends a `Range` header; a range reaching past the end of the file is a
///   permanent error, never a short result (as in ``AmberStorage/LocalBackend``).
/// - `list` pages through ListObjectsV2 with continuation tokens; `data` is listed recursively.
/// - Errors: 404 is not-found; 5xx, 429 and transport failures (timeouts, refused connections)
///   are transient; 403 and other 4xx are permanent. Messages name the operation and the object
///   key, never the secret key, session token or signature.
///
/// Thread-safe: any number of threads may call it at once. Each request borrows a curl handle
/// from a pool guarded by a `Mutex`, so requests from different threads run in parallel on their
/// own connections. Wrap it in ``AmberStorage/RetryingBackend`` (``BackendLocation/open(_:environment:)``
/// does) to retry transient failures.
public final class S3Backend: Backend {
    /// Endpoint, bucket and prefix.
    public let s3Location: S3Location
    public let configuration: S3Configuration
    let credentials: S3Credentials
    let signer: SigV4Signer
    let pool: CurlHandlePool

    public init(location: S3Location, credentials: S3Credentials, configuration: S3Configuration = S3Configuration()) {
        self.s3Location = location
        self.credentials = credentials
        self.configuration = configuration
        self.signer = SigV4Signer(credentials: credentials, region: configuration.region, service: "s3")
        self.pool = CurlHandlePool(configuration: configuration)
    }

    /// `s3:http(s)://HOST[:PORT]/BUCKET[/PREFIX]`, without credentials.
    public var location: String { s3Location.description }

    /// The object key and the path errors name (`BUCKET/KEY`).
    func object(_ handle: FileHandle) -> (key: String, path: String) {
        let key = s3Location.key(handle)
        return (key, s3Location.bucket + "/" + key)
    }

    /// Creates the bucket unless it exists (`HEAD` bucket, then `PUT` bucket, with a
    /// `LocationConstraint` outside us-east-1). `BucketAlreadyOwnedByYou` counts as success.
    public func create() throws(BackendError) {
        let path = s3Location.bucket
        let head = try perform(S3Request("HEAD", key: nil), operation: "create (HEAD bucket)", path: path)
        if head.status == 200 { return }
        guard head.status == 404 else { throw failure(head, operation: "create (HEAD bucket)", path: path) }
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(S3XML.escape(configuration.region))</LocationConstraint>"
                + "</CreateBucketConfiguration>").utf8)
        }
        let put = try perform(S3Request("PUT", key: nil, body: body[...]), operation: "create (PUT bucket)", path: path)
        if put.status == 200 { return }
        if put.status == 409, S3XML.value("Code", in: put.body) == "BucketAlreadyOwnedByYou" { return }
        throw failure(put, operation: "create (PUT bucket)", path: path, notFound: .permanent)
    }

    public func save(_ handle: FileHandle, _ bytes: [UInt8]) throws(BackendError) {
        try StorageChecks.validate(handle)
        let object = object(handle)
        if configuration.multipartThreshold > 0 && bytes.count >= configuration.multipartThreshold {
            return try saveMultipart(bytes, key: object.key, path: object.path)
        }
        _ = try send(S3Request("PUT", key: object.key, body: bytes[...]), operation: "save (PUT)", path: object.path,
                     notFound: .permanent)
    }

    public func size(_ handle: FileHandle) throws(BackendError) -> Int {
        try StorageChecks.validate(handle)
        let object = object(handle)
        let response = try send(S3Request("HEAD", key: object.key), operation: "size (HEAD)", path: object.path)
        guard let size = response.contentLength, size >= 0 else {
            throw BackendError(.permanent, path: object.path, message: "size (HEAD): no Content-Length in the answer")
        }
        return size
    }

    /// Deletes the object; S3 answers 204 whether or not it existed, and a 404 is fine too.
    public func remove(_ handle: FileHandle) throws(BackendError) {
        try StorageChecks.validate(handle)
        let object = object(handle)
        _ = try send(S3Request("DELETE", key: object.key), operation: "remove (DELETE)", path: object.path,
                     accepting: [200, 204, 404])
    }

    /// A PUT is atomic: a save that dies leaves no object. (Multipart uploads a dead process
    /// started are not listed here; a bucket lifecycle rule aborts them.)
    public func removeAbandonedTemporaries(olderThan age: Double) throws(BackendError) -> (files: Int, bytes: Int) { (0, 0) }
}
