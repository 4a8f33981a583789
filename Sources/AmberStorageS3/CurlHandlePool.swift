import AmberStorage
import Synchronization

/// A small pool of ``CurlEasy`` handles shared by the threads of one ``S3Backend``.
///
/// Each request borrows a handle for its whole duration, so no handle is ever used by two threads
/// at once (libcurl easy handles are not thread-safe). An empty pool makes a new handle; at most
/// `capacity` idle handles are kept (with their connections), the rest are released.
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasy]>([])
    private let capacity: Int
    private let configuration: S3Configuration

    init(configuration: S3Configuration) {
        self.configuration = configuration
        self.capacity = max(0, configuration.idleHandles)
    }

    /// Runs `body` with a handle of its own, then returns the handle to the pool.
    func withHandle<T>(
        path: String, _ body: (CurlEasy) throws(BackendError) -> T
    ) throws(BackendError) -> T {
        let borrowed = idle.withLock { $0.popLast() }
        guard let handle = borrowed ?? CurlEasy(configuration: configuration) else {
            throw BackendError(.transient, path: path, message: "curl_easy_init failed")
        }
        defer {
            idle.withLock { if $0.count < capacity { $0.append(handle) } }
        }
        return try body(handle)
    }
}
