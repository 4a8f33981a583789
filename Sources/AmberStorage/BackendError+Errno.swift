#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BackendError {
    /// Classifies a C `errno` value.
    ///
    /// - `ENOENT` is ``Code/notFound``.
    /// - `EINTR`, `EAGAIN` (= `EWOULDBLOCK`) are ``Code/transient``: the call may succeed if repeated.
    ///   (Most calls already repeat `EINTR` themselves, see `valueOrErrno`.)
    /// - Everything else, `EIO` included, is ``Code/permanent``. On a local disk `EIO` means a media or
    ///   writeback failure; after a failed `fsync` the kernel may already have dropped the dirty pages,
    ///   so repeating the `fsync` can report success for data that never reached the disk ("fsyncgate").
    ///   The failure must surface, not be papered over by a retry loop.
    static func code(for number: Errno) -> Code {
        switch number.rawValue {
        case ENOENT: return .notFound
        case EINTR, EAGAIN, EWOULDBLOCK: return .transient
        default: return .permanent
        }
    }

    /// An error for a failed system call: "`operation`: `strerror` (errno N)".
    ///
    /// glibc's `strerror` is thread-safe since 2.32 (it formats unknown numbers in thread-local storage).
    init(_ number: Errno, operation: String, path: String) {
        let reason = String(cString: strerror(number.rawValue))
        self.init(Self.code(for: number), path: path, message: "\(operation): \(reason) (errno \(number.rawValue))")
    }
}
