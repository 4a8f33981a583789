import AmberStorage
import Testing
@testable import AmberStorageS3
import AmberTesting

/// ``S3Backend`` against a real moto server with signature checking on (`scripts/moto-server`).
/// Each test uses a fresh bucket.
@Suite("S3Backend against moto", .enabled(if: S3TestServer.isAvailable))
struct S3BackendTests {
    @Test func conformance() throws {
        let backend = try S3TestServer.backend("conformance", prefix: "some/repo")
        #expect(backend.location.hasPrefix("s3:\(S3TestServer.endpoint)/amber-conformance-"))
        #expect(backend.location.hasSuffix("/some/repo"))
        try checkBackendConformance(backend)
    }

    /// Without a prefix the layout sits at the bucket's root.
    @Test func conformanceAtBucketRoot() throws {
        try checkBackendConformance(try S3TestServer.backend("root", prefix: ""))
    }

    /// Range loads send `Range`; ranges overlapping or past the end are refused, not shortened.
    @Test func rangeLoads() throws {
        let backend = try S3TestServer.backend("range")
        let pack = FileHandle(.data, TestNames.data(3))
        let bytes = TestNames.bytes(100_000, seed: 3)
        try backend.save(pack, bytes)
        for (offset, length) in [(0, 1), (1, 99_999), (65_536, 4096), (99_999, 1), (12_345, nil)] as [(Int, Int?)] {
            let expected = Array(bytes[offset..<(length.map { offset + $0 } ?? bytes.count)])
            #expect(try backend.load(pack, offset: offset, length: length) == expected, "\(offset)+\(String(describing: length))")
        }
        #expect(try backend.load(pack, offset: 100_000, length: nil) == [])
        do {
            _ = try backend.load(pack, offset: 99_990, length: 20)
            Issue.record("short range accepted")
        } catch {
            #expect(error.code == .permanent)
            #expect(error.message.contains("100000-byte file"))
        }
        #expect(backendErrorCode { try backend.load(pack, offset: 100_001, length: nil) } == .permanent)
    }

    /// `max-keys` 7 forces continuation tokens: 25 keys and 30 data files take several pages each.
    @Test func listPagination() throws {
        let backend = try S3TestServer.backend("paging") { $0.maxKeys = 7 }
        let keys = (0..<25).map { FileHandle(.keys, TestNames.data($0, salt: 0x11)) }
        let data = (0..<30).map { FileHandle(.data, TestNames.data($0, salt: 0x22)) }
        for (i, handle) in (keys + data).enumerated() { try backend.save(handle, TestNames.bytes(i, seed: i)) }
        let listedKeys = try backend.list(.keys)
        #expect(listedKeys.map(\.name) == keys.map(\.name).sorted())
        #expect(listedKeys.map(\.size).sorted() == Array(0..<25))
        let listedData = try backend.list(.data)
        #expect(listedData.map(\.name) == data.map(\.name).sorted())
        #expect(listedData.map(\.size).sorted() == Array(25..<55))
        #expect(try backend.list(.index).isEmpty)
    }

    /// A 40 MiB body in 8 MiB parts (threshold 1 MiB): five parts, byte-exact on load and in ranges
    /// across part boundaries.
    @Test func multipartUpload() throws {
        let backend = try S3TestServer.backend("multipart") {
            $0.multipartThreshold = 1 << 20
            $0.partSize = 8 << 20
        }
        let pack = FileHandle(.data, TestNames.data(40))
        let bytes = Self.mebibytes(40, seed: 40)
        try backend.save(pack, bytes)
        #expect(try backend.size(pack) == 40 << 20)
        let loaded = try backend.load(pack)
        #expect(loaded.count == bytes.count)
        #expect(loaded == bytes)
        let boundary = 8 << 20
        #expect(try backend.load(pack, offset: boundary - 10, length: 20) == Array(bytes[(boundary - 10)..<(boundary + 10)]))
        #expect(try backend.list(.data).map(\.size) == [40 << 20])
    }

    /// A failed part aborts the upload: nothing appears, and the failure is transient.
    @Test func failedMultipartLeavesNothing() throws {
        let proxy = try FailingProxy(upstreamPort: S3TestServer.port, failing: [])
        let backend = try S3TestServer.backend("abort", endpoint: proxy.endpoint) {
            $0.multipartThreshold = 1 << 20
            $0.partSize = 5 << 20
        }
        let pack = FileHandle(.data, TestNames.data(41))
        let bytes = Self.mebibytes(12, seed: 41)
        // Requests: CreateMultipartUpload, UploadPart 1, UploadPart 2 (fails), AbortMultipartUpload.
        proxy.fail(requestAfterNext: 3, with: 503)
        #expect(backendErrorCode { try backend.save(pack, bytes) } == .transient)
        #expect(try backend.exists(pack) == false)
        try backend.save(pack, bytes)
        #expect(try backend.load(pack) == bytes)
    }

    /// Real HTTP 500 and 503 answers: S3Backend reports them as transient, RetryingBackend repeats
    /// the calls until they go through.
    @Test func retryingBackendRecoversFromServerErrors() throws {
        let proxy = try FailingProxy(upstreamPort: S3TestServer.port, failing: [])
        let s3 = try S3TestServer.backend("retry", endpoint: proxy.endpoint)
        let handle = FileHandle(.snapshots, TestNames.data(9))
        let bytes = TestNames.bytes(5000, seed: 9)

        proxy.fail([503])
        #expect(backendErrorCode { try s3.save(handle, bytes) } == .transient)

        let backend = RetryingBackend(base: s3, attempts: 5, initialDelay: 0.01)
        let failedBefore = proxy.counts.failed
        proxy.fail([500, 503, 500])
        try backend.save(handle, bytes)
        proxy.fail([503, 500])
        #expect(try backend.load(handle) == bytes)
        proxy.fail([500])
        #expect(try backend.list(.snapshots).map(\.name) == [handle.name])
        proxy.fail([503, 503])
        #expect(try backend.load(handle, offset: 100, length: 10) == Array(bytes[100..<110]))
        #expect(proxy.counts.failed - failedBefore == 8)

        proxy.fail([500, 500, 500, 500, 500])
        #expect(backendErrorCode { try backend.size(handle) } == .transient, "gives up after 5 attempts")
    }

    /// A wrong secret: 403 SignatureDoesNotMatch is permanent, and the message names the operation
    /// and key but contains neither the secret nor the signature.
    @Test func wrongSecretIsPermanentAndRedacted() throws {
        let good = try S3TestServer.backend("wrongsecret")
        let secret = S3TestServer.credentials.secretAccessKey + "WRONG"
        let wrong = S3Backend(location: good.s3Location,
                              credentials: S3Credentials(accessKeyID: S3TestServer.credentials.accessKeyID,
                                                         secretAccessKey: secret),
                              configuration: good.configuration)
        let handle = FileHandle(.keys, "probe")
        for (operation, call) in [
            ("save (PUT)", { try wrong.save(handle, [1, 2, 3]) }),
            ("size (HEAD)", { _ = try wrong.size(handle) }),
            ("load (GET)", { _ = try wrong.load(handle) }),
            ("list (ListObjectsV2)", { _ = try wrong.list(.keys) }),
        ] as [(String, () throws -> Void)] {
            do {
                try call()
                Issue.record("\(operation) succeeded with a wrong secret")
            } catch let error as BackendError {
                #expect(error.code == .permanent, "\(operation)")
                #expect(error.message.contains(operation))
                #expect(error.message.contains("403"))
                #expect(error.description.contains(good.s3Location.bucket))
                #expect(!error.description.contains(secret))
                #expect(!error.description.contains(S3TestServer.credentials.secretAccessKey))
                #expect(!Self.containsHexRun(error.description, length: 64), "no signature in \(error)")
            } catch {
                Issue.record("\(operation): \(error)")
            }
        }
        #expect(try good.exists(handle) == false)
        #expect(try good.list(.keys).isEmpty)
    }

    /// Saves and loads from four threads at once on one backend.
    @Test func concurrentRequests() throws {
        let backend = try S3TestServer.backend("threads")
        let handles = (0..<64).map { FileHandle(.data, TestNames.data($0, salt: 0x44)) }
        try ThreadedRun.run(threads: 4, count: handles.count) { i throws(BackendError) in
            try backend.save(handles[i], TestNames.bytes(10_000 + i, seed: i))
        }
        try ThreadedRun.run(threads: 4, count: handles.count) { i throws(BackendError) in
            let loaded = try backend.load(handles[i])
            if loaded != TestNames.bytes(10_000 + i, seed: i) {
                throw BackendError(.permanent, path: handles[i].path, message: "wrong bytes")
            }
        }
        #expect(try backend.list(.data).count == 64)
    }

    /// `count` MiB, each mebibyte different (a pattern with its index in the first 8 bytes); quick to make
    /// in a debug build.
    static func mebibytes(_ count: Int, seed: Int) -> [UInt8] {
        let pattern = TestNames.bytes(1 << 20, seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count << 20)
        for i in 0..<count {
            bytes += pattern
            withUnsafeBytes(of: UInt64(i).littleEndian) { bytes.replaceSubrange((i << 20)..<(i << 20) + 8, with: $0) }
        }
        return bytes
    }

    private static func containsHexRun(_ text: String, length: Int) -> Bool {
        var run = 0
        for byte in text.utf8 {
            run = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                ? run + 1 : 0
            if run >= length { return true }
        }
        return false
    }
}
