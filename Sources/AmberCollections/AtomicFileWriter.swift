import Foundation

/// Writes a file through a temporary sibling (`PATH.amber-tmp`), a buffer at a time, and renames
/// it into place only when complete: a reader sees the old file or the whole new one, never a
/// part, and memory stays at one buffer whatever the file's size.
final class AtomicFileWriter {
    let path: String
    private let temporary: String
    private let handle: FileHandle
    private var buffer = [UInt8]()
    private var open = true

    init(path: String) throws(SourceError) {
        self.path = path
        temporary = path + ".amber-tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw SourceError(file: path, message: "cannot write the file")
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    deinit { discard() }

    /// Appends bytes to the file.
    func write(_ bytes: some Collection<UInt8>) throws(SourceError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered, and puts the file in place.
    func commit() throws(SourceError) {
        try flush()
        try? handle.close()
        open = false
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SourceError(file: path, message: "cannot replace the file: \(reason)")
        }
    }

    /// Removes the temporary file (after a failure); the target is left as it was.
    func discard() {
        guard open else { return }
        open = false
        try? handle.close()
        unlink(temporary)
    }

    private func flush() throws(SourceError) {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw SourceError(file: path, message: "cannot write the file: \(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
