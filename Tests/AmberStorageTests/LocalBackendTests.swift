#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import AmberStorage
import AmberTesting

@Suite("LocalBackend")
struct LocalBackendTests {
    @Test func conformance() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = LocalBackend(path: directory.path + "/repo")
        #expect(backend.location == directory.path + "/repo")
        try checkBackendConformance(backend) { handle in
            let parent = LocalBackend.parent(of: backend.fullPath(handle))
            let stray = parent + "/.tmp-0123456789abcdef"
            let fd = open(stray, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw TestFailure("cannot plant \(stray): errno \(errno)") }
            _ = write(fd, "partial", 7)
            close(fd)
        }
    }

    @Test func layout() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = LocalBackend(path: directory.path + "/a/b/repo")  // parents are created
        try backend.create()
        for sub in ["keys", "data", "index", "snapshots", "locks", "data/00", "data/7f", "data/ff"] {
            #expect(isDirectory(backend.path + "/" + sub), "\(sub)")
        }
        let name = "ab" + String(repeating: "0", count: 62)
        try backend.save(FileHandle(.data, name), [1, 2, 3])
        try backend.save(.config, [4])
        try backend.save(FileHandle(.keys, "k"), [5])
        var info = stat()
        #expect(stat(backend.path + "/data/ab/" + name, &info) == 0)
        #expect(info.st_size == 3)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(stat(backend.path + "/config", &info) == 0)
        #expect(stat(backend.path + "/keys/k", &info) == 0)
    }

    /// Packs stay open between loads (more than the cache holds, so some are closed and opened
    /// again); a pack removed meanwhile still reads as it was, and other kinds, which a save can
    /// replace, are always read afresh.
    @Test func packsReadThroughOpenFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = LocalBackend(path: directory.path)
        try backend.create()
        let count = backend.openPacks.capacity + 8
        for i in 0..<count { try backend.save(FileHandle(.data, TestNames.data(i)), TestNames.bytes(1000 + i, seed: i)) }
        for round in 0..<3 {
            for i in 0..<count {
                let bytes = try backend.load(FileHandle(.data, TestNames.data(i)), offset: 10 * round, length: 100)
                #expect(bytes == Array(TestNames.bytes(1000 + i, seed: i)[(10 * round)..<(10 * round + 100)]))
            }
        }
        #expect(backendErrorCode { try backend.load(FileHandle(.data, TestNames.data(0)), offset: 990, length: 20) } == .permanent)
        let last = FileHandle(.data, TestNames.data(count - 1))
        try backend.remove(last)
        #expect(try backend.load(last, offset: 0, length: nil) == TestNames.bytes(1000 + count - 1, seed: count - 1))
        #expect(backendErrorCode { try LocalBackend(path: directory.path).load(last, offset: 0, length: nil) } == .notFound)
        try backend.save(.config, [1])
        #expect(try backend.load(.config, offset: 0, length: nil) == [1])
        try backend.save(.config, [2, 3])
        #expect(try backend.load(.config, offset: 0, length: nil) == [2, 3])
    }

    @Test func savesLeaveNoTemporaryFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = LocalBackend(path: directory.path)
        try backend.create()
        for i in 0..<50 { try backend.save(FileHandle(.data, TestNames.data(i)), TestNames.bytes(i * 100)) }
        try backend.save(.config, [1])
        try backend.save(.config, [2])
        #expect(backendErrorCode { try backend.load(FileHandle(.data, TestNames.data(1)), offset: 0, length: 200) } == .permanent)
        #expect(TemporaryDirectory.hiddenNames(under: directory.path).isEmpty)
    }

    @Test func failedSaveLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = LocalBackend(path: directory.path)
        try backend.create()
        // Renaming onto a directory fails after the temporary file was written.
        #expect(mkdir(directory.path + "/keys/occupied", 0o700) == 0)
        let error = #expect(throws: BackendError.self) { try backend.save(FileHandle(.keys, "occupied"), [1, 2]) }
        #expect(error?.code == .permanent)
        #expect(error?.message.hasPrefix("rename: ") == true)
        #expect(TemporaryDirectory.hiddenNames(under: directory.path).isEmpty)
        #expect(try backend.list(.keys).isEmpty, "a directory is not listed as a file")
    }

    @Test func uncreatedRepository() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = LocalBackend(path: directory.path + "/missing")
        let saved = #expect(throws: BackendError.self) { try backend.save(FileHandle(.keys, "k"), [1]) }
        #expect(saved?.code == .permanent)
        #expect(saved?.message.contains("was the repository created?") == true)
        #expect(backendErrorCode { try backend.list(.keys) } == .notFound)
        #expect(backendErrorCode { try backend.list(.data) } == .notFound)
        #expect(try backend.list(.config).isEmpty)
    }

    @Test func errorsNameOperationAndPath() throws {
        let backend = LocalBackend(path: "/nonexistent-amber-test")
        let error = #expect(throws: BackendError.self) { try backend.load(FileHandle(.index, "ab")) }
        #expect(error?.code == .notFound)
        #expect(error?.path == "/nonexistent-amber-test/index/ab")
        #expect(error?.message.hasPrefix("open: ") == true)
        #expect(error?.message.contains("errno \(ENOENT)") == true)
    }

    @Test func errnoClassification() {
        #expect(BackendError.code(for: Errno(ENOENT)) == .notFound)
        #expect(BackendError.code(for: Errno(EINTR)) == .transient)
        #expect(BackendError.code(for: Errno(EAGAIN)) == .transient)
        #expect(BackendError.code(for: Errno(EIO)) == .permanent)
        #expect(BackendError.code(for: Errno(ENOSPC)) == .permanent)
        #expect(BackendError.code(for: Errno(EACCES)) == .permanent)
    }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
