#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open directory with one owner, closed in `deinit`. The corresponding C functions are
/// `opendir`, `readdir`, `fstatat` and `closedir`.
struct DirectoryStream: ~Copyable {
    private let stream: OpaquePointer
    let path: String

    init(opening path: String) throws(BackendError) {
        guard let stream = opendir(path) else {
            throw BackendError(.current, operation: "opendir", path: path)
        }
        self.stream = stream
        self.path = path
    }

    deinit {
        closedir(stream)
    }

    /// The regular files named `prefix…` last modified before `cutoff` (seconds since the epoch),
    /// with their sizes.
    consuming func files(named prefix: String, modifiedBefore cutoff: Int) throws(BackendError) -> [(name: String, size: Int)] {
        try regularFiles(where: { $0.hasPrefix(prefix) }, modifiedBefore: cutoff)
    }

    /// The regular files in the directory with their sizes, skipping names that start with `.`
    /// (`.`, `..` and temporary files) and entries that vanish while being listed.
    consuming func regularFiles() throws(BackendError) -> [(name: String, size: Int)] {
        try regularFiles(where: { !$0.hasPrefix(".") }, modifiedBefore: .max)
    }

    /// The regular files whose name `matches` and that were last modified before `cutoff`, with
    /// their sizes; entries that vanish while being listed are skipped.
    private consuming func regularFiles(where matches: (String) -> Bool, modifiedBefore cutoff: Int) throws(BackendError) -> [(name: String, size: Int)] {
        let dir = stream
        let fd = dirfd(dir)
        var files: [(name: String, size: Int)] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                let number = Errno.current
                if number.rawValue == 0 { break }
                if number == .interrupted { continue }
                throw BackendError(number, operation: "readdir", path: path)
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                    String(cString: $0)
                }
            }
            guard matches(name) else { continue }
            var info = stat()
            if case .failure(let number) = valueOrErrno({ fstatat(fd, name, &info, 0) }) {
                if number == .noSuchFileOrDirectory { continue }  // removed since readdir
                throw BackendError(number, operation: "fstatat", path: path + "/" + name)
            }
            guard info.st_mode & S_IFMT == S_IFREG, Int(info.st_mtim.tv_sec) < cutoff else { continue }
            files.append((name, Int(info.st_size)))
        }
        return files
    }
}
