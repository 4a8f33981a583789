#if canImport(Glibc)
import Glibc
#endif
import AmberSnapshot

/// The parts of `lstat` Amber uses.
struct FileStatus {
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var size: UInt64
    var mtimeSeconds: Int64
    var mtimeNanoseconds: UInt32
    var ctimeNanos: Int64
    var inode: UInt64
    var device: UInt64
    var rdev: UInt64
    /// Names the file has (`st_nlink`).
    var links: UInt64

    init(_ st: stat) {
        mode = UInt32(st.st_mode)
        uid = UInt32(st.st_uid)
        gid = UInt32(st.st_gid)
        size = UInt64(max(0, st.st_size))
        mtimeSeconds = Int64(st.st_mtim.tv_sec)
        mtimeNanoseconds = UInt32(st.st_mtim.tv_nsec)
        ctimeNanos = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
        inode = UInt64(st.st_ino)
        device = UInt64(st.st_dev)
        rdev = UInt64(st.st_rdev)
        links = UInt64(st.st_nlink)
    }

    /// `lstat(path)`, or the errno.
    static func lstat(_ path: PathBytes) -> Result<FileStatus, FilesystemError> {
        var st = stat()
        let rc = path.withCString { Glibc.lstat($0, &st) }
        guard rc == 0 else { return .failure(FilesystemError(path: path.string, message: errnoText())) }
        return .success(FileStatus(st))
    }

    var mtimeNanos: Int64 { mtimeSeconds * 1_000_000_000 + Int64(mtimeNanoseconds) }

    var kind: Node.Kind {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): return .file
        case UInt32(S_IFDIR): return .directory
        case UInt32(S_IFLNK): return .symlink
        case UInt32(S_IFIFO): return .fifo
        case UInt32(S_IFCHR): return .characterDevice
        case UInt32(S_IFBLK): return .blockDevice
        default: return .socket
        }
    }

    /// A node with this metadata and no content yet.
    func node(named name: [UInt8]) -> Node {
        let kind = self.kind
        var node = Node(name: name, kind: kind, mode: mode & 0o7777, uid: uid, gid: gid, mtimeSeconds: mtimeSeconds,
                        mtimeNanoseconds: mtimeNanoseconds, size: kind == .file ? size : 0)
        if kind == .characterDevice || kind == .blockDevice { node.device = rdev }
        return node
    }
}
