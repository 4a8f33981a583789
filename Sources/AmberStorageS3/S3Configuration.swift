/// Tunables of an ``S3Backend``: region, multipart sizes, listing page size, timeouts, pool size.
public struct S3Configuration: Sendable {
    /// The region in the signature's credential scope. Default `us-east-1`.
    public var region: String = "us-east-1"
    /// Saves of at least this many bytes use a multipart upload. Default 16 MiB.
    public var multipartThreshold: Int = 16 << 20
    /// The size of each part but the last in a multipart upload. Default 8 MiB (S3's minimum is 5 MiB).
    public var partSize: Int = 8 << 20
    /// `max-keys` of each ListObjectsV2 page (1…1000). Default 1000.
    public var maxKeys: Int = 1000
    /// Seconds to wait for a connection. Default 10.
    public var connectTimeout: Int = 10
    /// A transfer slower than ``lowSpeedLimit`` bytes per second for ``lowSpeedTime`` seconds is
    /// abandoned (a transient failure). Defaults: 1 KiB/s for 30 s.
    public var lowSpeedLimit: Int = 1024
    public var lowSpeedTime: Int = 30
    /// The most idle curl handles (and so kept-alive connections) the backend keeps. Default 8.
    public var idleHandles: Int = 8

    public init() {}

    /// The defaults, with the region from `AWS_REGION` or `AWS_DEFAULT_REGION` if set.
    public init(environment: [String: String]) {
        if let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty {
            self.region = region
        }
    }
}
