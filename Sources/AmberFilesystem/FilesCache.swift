#if canImport(Glibc)
import Glibc
#endif
import AmberCore
import AmberCrypto
import AmberRepository

/// The files cache: for each file backed up, its size, mtime, ctime, inode and device, and the
/// blobs of its content. A file whose metadata is unchanged is not read again.
///
/// Local only (`$AMBER_CACHE_DIR`, else `$XDG_CACHE_HOME/amber`, else `~/.cache/amber`, then the
/// repository id). Paths are stored as keyed hashes, never as text. An entry not used by a
/// backup ages by one and is dropped after ``maximumAge`` backups that did not see it.
///
/// File format: `"AMBRFC01" ‖ count u32 ‖ (pathKey[32] ‖ age u8 ‖ size u64 ‖ mtime i64 ‖ ctime i64 ‖
/// inode u64 ‖ device u64 ‖ n u32 ‖ id[32] × n) × count`, all little-endian, times in nanoseconds.
public final class FilesCache: @unchecked Sendable {
    struct Entry {
        var age: UInt8
        var size: UInt64
        var mtime: Int64
        var ctime: Int64
        var inode: UInt64
        var device: UInt64
        var content: [BlobID]
    }

    public static let maximumAge: UInt8 = 10
    static let magic = Array("AMBRFC01".utf8)

    private let path: PathBytes?
    private let hasher: HMACSHA256
    private var old: [BlobID: Entry] = [:]
    private var seen: [BlobID: Entry] = [:]
    /// Entries for files changed at or after this time are not stored (they may change again unseen).
    private let racyAfterNanos: Int64

    /// Opens the cache of `repository` in `directory` (nil: no cache, every file is read).
    public init(repository: Repository, directory: String?, backupStart: Int64) {
        hasher = repository.makeIDHasher(for: .data)
        racyAfterNanos = backupStart - 1_000_000_000
        guard let directory else {
            path = nil
            return
        }
        let dir = PathBytes(directory).appending(Array(repository.config.repositoryID.hex.utf8))
        path = dir.appending(Array("files".utf8))
        if let bytes = Self.readFile(path!) { old = Self.decode(bytes) }
    }

    /// The default cache directory, or nil when no home directory is known.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        if let dir = environment["AMBER_CACHE_DIR"], !dir.isEmpty { return dir }
        if let dir = environment["XDG_CACHE_HOME"], !dir.isEmpty { return dir + "/amber" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/amber" }
        return nil
    }

    private func key(_ file: PathBytes) -> BlobID {
        Self.key(file, hasher)
    }

    private static func key(_ file: PathBytes, _ hasher: HMACSHA256) -> BlobID {
        hasher.id(Array("amber files cache\u{0}".utf8) + file.bytes)
    }

    /// The content of `file` if it is cached with exactly this metadata.
    func lookup(_ file: PathBytes, _ st: FileStatus) -> [BlobID]? {
        guard path != nil else { return nil }
        return Self.content(old[key(file)], st)
    }

    private static func content(_ entry: Entry?, _ st: FileStatus) -> [BlobID]? {
        guard let e = entry, e.size == st.size, e.mtime == st.mtimeNanos, e.ctime == st.ctimeNanos, e.inode == st.inode,
              e.device == st.device else { return nil }
        return e.content
    }

    /// Whether a file is cached with exactly its metadata, asked from another thread: the
    /// entries as loaded, with a hasher of its own (``ContentPrefetcher`` skips such files, as
    /// the backup will not read them).
    func makeUnchangedTest() -> @Sendable (PathBytes, FileStatus) -> Bool {
        guard path != nil, !old.isEmpty else { return { _, _ in false } }
        nonisolated(unsafe) let hasher = hasher.copy()
        let old = old
        return { file, st in FilesCache.content(old[FilesCache.key(file, hasher)], st) != nil }
    }

    /// Records a file's content for the next backup.
    func record(_ file: PathBytes, _ st: FileStatus, content: [BlobID]) {
        guard path != nil, st.mtimeNanos < racyAfterNanos, st.ctimeNanos < racyAfterNanos else { return }
        seen[key(file)] = Entry(age: 0, size: st.size, mtime: st.mtimeNanos, ctime: st.ctimeNanos, inode: st.inode, device: st.device, content: content)
    }

    /// Writes the cache atomically. Call after the snapshot is saved.
    public func save() {
        guard let path else { return }
        var merged = seen
        for (k, var e) in old where merged[k] == nil && e.age < Self.maximumAge {
            e.age += 1
            merged[k] = e
        }
        var w = ByteWriter(capacity: 8 + merged.count * 100)
        w.raw(Self.magic)
        w.u32(UInt32(merged.count))
        for (k, e) in merged {
            w.id(k)
            w.u8(e.age)
            w.u64(e.size)
            w.i64(e.mtime)
            w.i64(e.ctime)
            w.u64(e.inode)
            w.u64(e.device)
            w.u32(UInt32(e.content.count))
            for id in e.content { w.id(id) }
        }
        Self.writeAtomically(path, w.bytes)
    }

    static func decode(_ bytes: [UInt8]) -> [BlobID: Entry] {
        var r = ByteReader(bytes, context: "files cache")
        var result = [BlobID: Entry]()
        do throws(FormatError) {
            guard try r.raw(8) == magic else { return [:] }
            let count = Int(try r.u32())
            result.reserveCapacity(min(count, r.remaining / 77))
            for _ in 0..<count {
                let k = try r.id()
                let age = try r.u8(), size = try r.u64(), mtime = try r.i64(), ctime = try r.i64()
                let inode = try r.u64(), device = try r.u64()
                let n = Int(try r.u32())
                guard n <= r.remaining / 32 else { return [:] }
                var content = [BlobID]()
                content.reserveCapacity(n)
                for _ in 0..<n { content.append(try r.id()) }
                result[k] = Entry(age: age, size: size, mtime: mtime, ctime: ctime, inode: inode, device: device, content: content)
            }
        } catch {
            return [:]  // A damaged cache only costs re-reading files.
        }
        return result
    }

    private static func readFile(_ path: PathBytes) -> [UInt8]? {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }

    private static func writeAtomically(_ path: PathBytes, _ bytes: [UInt8]) {
        var dir = path.bytes
        while let last = dir.last, last != UInt8(ascii: "/") { dir.removeLast() }
        makeDirectories(PathBytes(dir))
        let tmp = PathBytes(path.bytes + Array(".tmp\(getpid())".utf8))
        let fd = tmp.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        guard fd >= 0 else { return }
        let ok = writeAll(fd, bytes)
        close(fd)
        if ok {
            _ = tmp.withCString { t in path.withCString { rename(t, $0) } }
        } else {
            _ = tmp.withCString { unlink($0) }
        }
    }
}

/// `mkdir -p`.
func makeDirectories(_ path: PathBytes, mode: mode_t = 0o700) {
    var prefix = [UInt8]()
    for (i, b) in path.bytes.enumerated() {
        prefix.append(b)
        if (b == UInt8(ascii: "/") && i > 0) || i == path.bytes.count - 1 {
            _ = PathBytes(prefix).withCString { mkdir($0, mode) }
        }
    }
}

/// Writes every byte, retrying on EINTR and short writes.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { bytes.isEmpty ? true : writeAll(fd, $0) }
}
