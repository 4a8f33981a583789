import AmberChunking

#if canImport(Glibc)
import Glibc
#endif

/// Reads a regular file into a buffer that the chunker consumes from the front: the bytes not
/// yet consumed move to the start, then the buffer is filled again, so that at least one
/// maximum-size chunk is always in view until the end of the file.
struct FileReader: ~Copyable {
    private let descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var filled = 0
    private var atEnd = false

    /// Opens `path` without following a final symlink, and without updating its access time
    /// where the file system allows it. Nil (errno set) when it cannot be opened.
    init?(_ path: PathBytes, buffer: UnsafeMutableRawBufferPointer) {
        let fd = Self.openDescriptor(path)
        guard fd >= 0 else { return nil }
        descriptor = fd
        self.buffer = buffer
    }

    /// Opens `path` for reading as a backup reads it: without following a final symlink, and
    /// without updating its access time where the file system allows it. The descriptor, or -1
    /// (errno set).
    static func openDescriptor(_ path: PathBytes) -> Int32 {
        let noAccessTime: Int32 = 0o1000000  // O_NOATIME
        let fd = path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | noAccessTime) }
        return fd >= 0 ? fd : path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
    }

    /// Reads from an open descriptor (standard input for `backup --stdin`), which it duplicates:
    /// the caller's stays open. Nil (errno set) when it cannot be duplicated.
    init?(descriptor: Int32, buffer: UnsafeMutableRawBufferPointer) {
        let fd = dup(descriptor)
        guard fd >= 0 else { return nil }
        self.descriptor = fd
        self.buffer = buffer
    }

    deinit { close(descriptor) }

    /// The next chunk of the file as `chunker` cuts it (chunks of at most `maximum` bytes), valid
    /// until the next call; empty at the end of the file. Throws the errno text when a read fails.
    mutating func nextChunk(_ chunker: FastCDC, maximum: Int) throws(FileReadError) -> UnsafeRawBufferPointer {
        if !atEnd && filled - start < maximum { try refill() }
        let window = UnsafeRawBufferPointer(rebasing: buffer[start..<filled])
        guard !window.isEmpty else { return window }
        let chunk = UnsafeRawBufferPointer(rebasing: window[0..<chunker.cutPoint(in: window)])
        start += chunk.count
        return chunk
    }

    private mutating func refill() throws(FileReadError) {
        if start > 0 {
            if filled > start { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: filled - start) }
            filled -= start
            start = 0
        }
        while filled < buffer.count {
            let n = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(message: errnoText())
            }
            if n == 0 { atEnd = true; return }
            filled += n
        }
    }
}

/// A failed `read`, with the errno text.
struct FileReadError: Error {
    let message: String
}
