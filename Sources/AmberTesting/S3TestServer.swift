import AmberStorage
import AmberStorageS3
import Foundation

/// The moto server `scripts/moto-server` started (signature checking on), from the environment
/// (the tests of every layer that store on S3 share it):
/// `AMBER_TEST_S3_ENDPOINT`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`.
public enum S3TestServer {
    public static let environment = ProcessInfo.processInfo.environment

    /// Whether the S3 tests run: only with a server to run against.
    public static var isAvailable: Bool { environment["AMBER_TEST_S3_ENDPOINT"] != nil }

    /// `http://127.0.0.1:PORT`.
    public static var endpoint: String { environment["AMBER_TEST_S3_ENDPOINT"] ?? "http://127.0.0.1:1" }

    /// The server's port.
    public static var port: Int { Int(endpoint.split(separator: ":").last ?? "") ?? 1 }

    public static var credentials: S3Credentials {
        S3Credentials(accessKeyID: environment["AWS_ACCESS_KEY_ID"] ?? "",
                      secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"] ?? "")
    }

    /// A bucket name no other test uses: `amber-LABEL-RANDOM`.
    public static func freshBucket(_ label: String) -> String {
        "amber-\(label)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// `s3:ENDPOINT/BUCKET[/PREFIX]` for a fresh bucket.
    public static func location(_ label: String, prefix: String = "", endpoint: String = endpoint) -> String {
        "s3:\(endpoint)/\(freshBucket(label))" + (prefix.isEmpty ? "" : "/" + prefix)
    }

    /// A backend on a fresh bucket, created.
    public static func backend(
        _ label: String, prefix: String = "repo", endpoint: String = endpoint,
        credentials: S3Credentials = credentials, configure: (inout S3Configuration) -> Void = { _ in }
    ) throws -> S3Backend {
        var configuration = S3Configuration()
        configure(&configuration)
        let location = try S3Location(parsing: location(label, prefix: prefix, endpoint: endpoint))
        let backend = S3Backend(location: location, credentials: credentials, configuration: configuration)
        try backend.create()
        return backend
    }
}
