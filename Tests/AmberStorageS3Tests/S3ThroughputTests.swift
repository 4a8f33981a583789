import AmberStorage
import Foundation
import Testing
@testable import AmberStorageS3
import AmberTesting

/// Upload throughput with 1 and 4 threads, printed, not asserted. Opt-in, as it moves
/// `AMBER_TEST_S3_THROUGHPUT` × 16 MiB per run:
///
///     eval "$(scripts/moto-server)"
///     AMBER_TEST_S3_THROUGHPUT=32 swift test --filter S3ThroughputTests; kill $MOTO_PID
@Suite("S3 throughput", .enabled(if: S3TestServer.isAvailable
    && ProcessInfo.processInfo.environment["AMBER_TEST_S3_THROUGHPUT"] != nil))
struct S3ThroughputTests {
    @Test func putAndGet16MiBObjects() throws {
        let count = Int(ProcessInfo.processInfo.environment["AMBER_TEST_S3_THROUGHPUT"] ?? "") ?? 32
        let body = S3BackendTests.mebibytes(16, seed: 16)
        for threads in [1, 4] {
            let backend = try S3TestServer.backend("throughput\(threads)")
            let handles = (0..<count).map { FileHandle(.data, TestNames.data($0, salt: UInt8(threads))) }
            let put = try Self.seconds {
                try ThreadedRun.run(threads: threads, count: count) { i throws(BackendError) in
                    try backend.save(handles[i], body)
                }
            }
            let get = try Self.seconds {
                try ThreadedRun.run(threads: threads, count: count) { i throws(BackendError) in
                    let loaded = try backend.load(handles[i])
                    if loaded.count != body.count {
                        throw BackendError(.permanent, path: handles[i].path, message: "short load")
                    }
                }
            }
            for handle in handles { try backend.remove(handle) }
            let megabytes = Double(count * 16) * 1.048576
            print("S3 throughput: \(count) x 16 MiB, \(threads) thread(s): "
                  + "PUT \(Self.format(put)) s = \(Self.format(megabytes / put)) MB/s, "
                  + "GET \(Self.format(get)) s = \(Self.format(megabytes / get)) MB/s")
        }
    }

    private static func seconds(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func format(_ value: Double) -> String {
        String(Double(Int(value * 10)) / 10)
    }
}
