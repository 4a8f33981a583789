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
    /// One open file and its size, shared by concurrent readers (`pread` needs no file position);
    /// closed when the last reader and the cache let go of it.
    final class File: Sendable {
        let descriptor: CInt
        let size: Int
        let path: String

        /// Opens `path` for reading (`O_RDONLY`) and reads its size.
        init(opening path: String) throws(BackendError) {
            let opened = try FileDescriptor(opening: path, flags: O_RDONLY)
            size = try opened.size()
            descriptor = opened.release()
            self.path = path
        }

        deinit { _ = cacheClose(descriptor) }

        /// Reads `count` bytes from `offset`, continuing after short reads and `EINTR`; fewer bytes
        /// only at the end of the file. The corresponding C function is `pread`.
        func read(offset: Int, count: Int) throws(BackendError) -> [UInt8] {
            let fd = descriptor
            var failure: BackendError?
            // Read straight into the array's storage, unzeroed: only the bytes read are kept.
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                initialized = 0
                guard let base = buffer.baseAddress else { return }
                while initialized < count {
                    do throws(BackendError) {
                        let n = try valueOrErrno("pread", path) { pread(fd, base + initialized, count - initialized, off_t(offset + initialized)) }
                        if n == 0 { break }
                        initialized += n
                    } catch {
                        failure = error
                        break
                    }
                }
            }
            if let failure { throw failure }
            return bytes
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
        let file = try File(opening: fullPath)
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
