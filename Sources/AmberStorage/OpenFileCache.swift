#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Descriptors of recently read pack files, kept open so that reading many blobs from one pack
/// costs one `open` instead of one per blob (a restore reads blobs in the order they were packed).
///
/// Only data files may be cached: a pack never changes once saved (its name is the hash of its
/// bytes), so a descriptor stays valid for every later read, even after prune removes the file.
/// Other kinds (`config`, `keys/…`, `index/…`) can be replaced by a rename and are always opened
/// afresh. The cache holds at most ``capacity`` descriptors and closes the least recently used;
/// the rest close when the backend that owns the cache is released.
final class OpenFileCache: Sendable {
    /// One open file and its size, shared by concurrent readers (`pread` needs no file position).
    final class File: Sendable {
        let descriptor: CInt
        let size: Int
        let path: String

        fileprivate init(descriptor: CInt, size: Int, path: String) {
            self.descriptor = descriptor
            self.size = size
            self.path = path
        }

        deinit { _ = cacheClose(descriptor) }

        /// Reads `count` bytes from `offset` (fewer only at the end of the file).
        func read(offset: Int, count: Int) throws(BackendError) -> [UInt8] {
            try FileDescriptor.read(descriptor, path: path, offset: offset, count: count)
        }
    }

    private struct Entry {
        let name: String
        let file: File
    }

    /// The most descriptors kept open.
    let capacity: Int
    /// Most recently used last.
    private let files = Mutex<[Entry]>([])

    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    /// The open file named `name` (its repository path), opening `fullPath` on a miss.
    func file(_ name: String, fullPath: String) throws(BackendError) -> File {
        let cached = files.withLock { files -> File? in
            guard let position = files.lastIndex(where: { $0.name == name }) else { return nil }
            let entry = files.remove(at: position)
            files.append(entry)
            return entry.file
        }
        if let cached { return cached }
        let opened = try FileDescriptor(opening: fullPath, flags: O_RDONLY)
        let size = try opened.size()
        let file = File(descriptor: opened.release(), size: size, path: name)
        files.withLock { files in
            files.append(Entry(name: name, file: file))
            if files.count > capacity { files.removeFirst(files.count - capacity) }
        }
        return file
    }
}

private func cacheClose(_ fd: CInt) -> CInt {
    close(fd)
}
