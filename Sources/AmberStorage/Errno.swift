#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A C `errno` value, as swift-system's `Errno`: internal, so no raw `CInt` reaches callers.
struct Errno: Error, Equatable, Sendable {
    let rawValue: CInt

    init(_ rawValue: CInt) {
        self.rawValue = rawValue
    }

    /// The calling thread's current `errno`.
    static var current: Errno { Errno(errno) }

    static let noSuchFileOrDirectory = Errno(ENOENT)
    static let fileExists = Errno(EEXIST)
    static let interrupted = Errno(EINTR)
}

/// Runs a system call that returns -1 and sets `errno` on failure (swift-system's `valueOrErrno`).
///
/// With `retryOnInterrupt` (the default) a call interrupted by a signal (`EINTR`) is simply repeated;
/// pass `false` for `close`, which must never be repeated on Linux.
@inline(__always)
func valueOrErrno<I: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ call: () -> I) -> Result<I, Errno> {
    while true {
        let result = call()
        if result != -1 { return .success(result) }
        let number = Errno.current
        if retryOnInterrupt && number == .interrupted { continue }
        return .failure(number)
    }
}

/// ``valueOrErrno(retryOnInterrupt:_:)`` turning the failure into a ``BackendError`` that names the
/// operation and the path.
@inline(__always)
func valueOrErrno<I: FixedWidthInteger>(
    _ operation: String, _ path: String, retryOnInterrupt: Bool = true, _ call: () -> I
) throws(BackendError) -> I {
    switch valueOrErrno(retryOnInterrupt: retryOnInterrupt, call) {
    case .success(let value): return value
    case .failure(let number): throw BackendError(number, operation: operation, path: path)
    }
}
