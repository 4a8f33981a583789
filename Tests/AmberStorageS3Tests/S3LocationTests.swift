import AmberStorage
import Testing
@testable import AmberStorageS3

@Suite("S3Location and BackendLocation")
struct S3LocationTests {
    @Test func parsesRestricStyleLocations() throws {
        let full = try S3Location(parsing: "s3:http://127.0.0.1:9000/my-bucket/some/prefix/")
        #expect(full.scheme == "http")
        #expect(full.host == "127.0.0.1")
        #expect(full.port == 9000)
        #expect(full.bucket == "my-bucket")
        #expect(full.prefix == "some/prefix")
        #expect(full.description == "s3:http://127.0.0.1:9000/my-bucket/some/prefix")
        #expect(full.key(FileHandle(.data, "ab12")) == "some/prefix/data/ab/ab12")
        #expect(full.key(.config) == "some/prefix/config")
        #expect(full.directory(.keys) == "some/prefix/keys/")

        let bare = try S3Location(parsing: "s3:s3.amazonaws.com/bucket")
        #expect(bare.scheme == "https")
        #expect(bare.port == nil)
        #expect(bare.prefix == "")
        #expect(bare.key(FileHandle(.keys, "k")) == "keys/k")
        #expect(bare.description == "s3:https://s3.amazonaws.com/bucket")
        #expect(try S3Location(parsing: "s3:https://host:443/bucket").hostHeader == "host")
        #expect(try S3Location(parsing: "s3:http://[::1]:9000/bucket").hostHeader == "[::1]:9000")
    }

    @Test(arguments: [
        "s3:", "s3:http://", "s3:http://host", "s3:http://host/", "s3:ftp://host/bucket", "s3:http://host:0/bucket",
        "s3:http://host:port/bucket", "s3:http://key:secret@host/bucket", "s3:http://host/Upper_Case", "s3:http://host/ab",
        "/local/path",
    ])
    func refusesMalformedLocations(_ text: String) {
        #expect(throws: BackendError.self) { try S3Location(parsing: text) }
    }

    @Test func credentialsInTheLocationAreRefusedWithoutEchoingThem() {
        do {
            _ = try S3Location(parsing: "s3:http://AKID:topsecret@host/bucket")
            Issue.record("no error")
        } catch {
            #expect(error.code == .permanent)
            #expect(error.message.contains("AWS_ACCESS_KEY_ID"))
        }
    }

    @Test func missingCredentialsAreAClearError() {
        for environment in [[:], ["AWS_ACCESS_KEY_ID": "AKID"], ["AWS_SECRET_ACCESS_KEY": "s3cr3t"]] {
            do {
                _ = try BackendLocation.open("s3:http://127.0.0.1:9/bucket/prefix", environment: environment)
                Issue.record("opened without credentials: \(environment.keys)")
            } catch {
                #expect(error.code == .permanent)
                #expect(error.message.contains("no S3 credentials"))
                #expect(environment["AWS_ACCESS_KEY_ID"] != nil || error.message.contains("AWS_ACCESS_KEY_ID"))
                #expect(environment["AWS_SECRET_ACCESS_KEY"] != nil || error.message.contains("AWS_SECRET_ACCESS_KEY"))
                #expect(!error.description.contains("s3cr3t"))
            }
        }
    }

    @Test func opensEitherKind() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_DEFAULT_REGION": "eu-west-1"]
        let s3 = try BackendLocation.open("s3:http://127.0.0.1:9000/bucket/p", environment: environment)
        #expect(s3.location == "s3:http://127.0.0.1:9000/bucket/p")
        let retrying = try #require(s3 as? RetryingBackend)
        let backend = try #require(retrying.base as? S3Backend)
        #expect(backend.configuration.region == "eu-west-1")
        #expect(!String(describing: backend.credentials).contains("s3cr3t"))
        #expect(!String(reflecting: backend.credentials).contains("s3cr3t"))
        var dumped = ""
        dump(backend.credentials, to: &dumped)
        #expect(!dumped.contains("s3cr3t") && dumped.contains("AKID"))

        let local = try BackendLocation.open("/srv/repo", environment: [:])
        #expect(local.location == "/srv/repo")
        #expect(((local as? RetryingBackend)?.base as? LocalBackend) != nil)
        #expect(throws: BackendError.self) { try BackendLocation.open("sftp://host/repo", environment: environment) }
        #expect(throws: BackendError.self) { try BackendLocation.open("s3:http://host", environment: environment) }
    }

    /// A refused connection is transient, so RetryingBackend retries it.
    @Test func unreachableEndpointIsTransient() throws {
        let backend = S3Backend(location: try S3Location(parsing: "s3:http://127.0.0.1:1/bucket"),
                                credentials: S3Credentials(accessKeyID: "AKID", secretAccessKey: "s3cr3t"))
        do {
            _ = try backend.size(FileHandle(.keys, "k"))
            Issue.record("no error")
        } catch {
            #expect(error.code == .transient)
            #expect(error.message.contains("size (HEAD)"))
        }
    }
}
