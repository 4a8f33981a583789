#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file descriptor with exactly one owner: closed by ``close()`` (which reports errors) or,
/// as a backstop on error paths, by `deinit` (which cannot).
struct FileDescriptor: ~Copyable {
    private var raw: CInt
    /// The path it was opened with, for error messages.
    let path: String

    /// Opens `path`; `O_CLOEXEC` is always added. The corresponding C function is `open`.
    init(opening path: String, flags: CInt, mode: mode_t = 0) throws(BackendError) {
        switch Self.open(path, flags: flags, mode: mode) {
        case .success(let descriptor): raw = descriptor
        case .failure(let number): throw BackendError(number, operation: "open", path: path)
        }
        self.path = path
    }

    /// Takes ownership of a descriptor returned by ``open(_:flags:mode:)``.
    init(adopting raw: CInt, path: String) {
        self.raw = raw
        self.path = path
    }

    /// Opens `path` with `O_CLOEXEC` added, for callers that act on particular `errno` values.
    static func open(_ path: String, flags: CInt, mode: mode_t = 0) -> Result<CInt, Errno> {
        valueOrErrno { systemOpen(path, flags | O_CLOEXEC, mode) }
    }

    deinit {
        if raw >= 0 { _ = systemClose(raw) }
    }

    /// Writes every byte, continuing after partial writes and `EINTR`. The C function is `write`.
    func writeAll(_ bytes: [UInt8]) throws(BackendError) {
        let fd = raw
        let failure: BackendError? = bytes.withUnsafeBytes { buffer -> BackendError? in
            guard let base = buffer.baseAddress else { return nil }
            var done = 0
            while done < buffer.count {
                do throws(BackendError) {
                    let n = try valueOrErrno("write", path) { write(fd, base + done, buffer.count - done) }
                    guard n > 0 else { return BackendError(.permanent, path: path, message: "write: wrote 0 bytes") }
                    done += n
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// The file's size in bytes. The corresponding C function is `fstat`.
    func size() throws(BackendError) -> Int {
        var info = stat()
        let fd = raw
        _ = try valueOrErrno("fstat", path) { fstat(fd, &info) }
        return Int(info.st_size)
    }

    /// Flushes the file (or directory) to stable storage. The corresponding C function is `fsync`.
    func sync() throws(BackendError) {
        let fd = raw
        _ = try valueOrErrno("fsync", path) { fsync(fd) }
    }

    /// Hands the descriptor over to a new owner, which must close it.
    consuming func release() -> CInt {
        let fd = raw
        raw = -1
        return fd
    }

    /// Closes the descriptor, reporting a failure (which on some file systems is where a deferred
    /// write error appears). `EINTR` is not retried: Linux has already released the descriptor.
    consuming func close() throws(BackendError) {
        let fd = raw
        raw = -1
        _ = try valueOrErrno("close", path, retryOnInterrupt: false) { systemClose(fd) }
    }
}

/// The C `close`, reachable from inside ``FileDescriptor`` whose own `close()` shadows it.
private func systemClose(_ fd: CInt) -> CInt {
    close(fd)
}

/// The C `open`, reachable from inside ``FileDescriptor`` whose own `open` shadows it.
private func systemOpen(_ path: String, _ flags: CInt, _ mode: mode_t) -> CInt {
    open(path, flags, mode)
}
