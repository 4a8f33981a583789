#if canImport(Glibc)
import Glibc
#endif
import AmberCore
import AmberRepository
import AmberSnapshot
import Dispatch
import Synchronization

/// The outcome of a restore.
public struct RestoreResult: Sendable {
    public var files: UInt64 = 0
    public var directories: UInt64 = 0
    public var bytes: UInt64 = 0
    /// Paths that could not be restored (the restore is partial: exit 3).
    public var warnings: [String] = []
}

/// Restores a snapshot's trees into a directory, bit-exactly: contents, modes, modification
/// times, symlinks, FIFOs and (as root) owners and devices.
///
/// Directories are created first; file contents are written by worker threads; directory
/// modes and times are set last, deepest first, so writing into them does not change them.
public final class Restorer: Sendable {
    private let repository: Repository
    private let filter: IncludeFilter
    private let progress: ProgressCounter?
    private let result = Mutex(RestoreResult())
    private let isRoot = geteuid() == 0
    private let sparse: Bool
    private let writesAttributes: Bool
    /// The first path restored for each hard-linked file, and the other names to link to it
    /// once every file is written.
    private let links = Mutex<(first: [Node.HardLink: PathBytes], pending: [(path: PathBytes, to: PathBytes)])>(([:], []))

    /// - Parameter sparse: write a chunk of only zero bytes (4 KiB or more) as a hole, so a sparse
    ///   file comes back sparse (its bytes the same; what the disk allocates smaller), as
    ///   `restic restore --sparse`, `tar -S` and `rsync -S` do.
    /// - Parameter extendedAttributes: false to set no extended attributes (nor ACLs), as `--no-xattrs`.
    public init(repository: Repository, include: IncludeFilter = IncludeFilter([]), progress: ProgressCounter? = nil,
                sparse: Bool = true, extendedAttributes: Bool = true) {
        self.repository = repository
        self.filter = include
        self.progress = progress
        self.sparse = sparse
        writesAttributes = extendedAttributes
    }

    /// Restores the tree `root` into `target` (created if missing).
    public func restore(_ root: BlobID, to target: String) throws -> RestoreResult {
        makeDirectories(PathBytes(target), mode: 0o755)
        let targetStatus = FileStatus.lstat(PathBytes(target))
        guard case .success(let st) = targetStatus, st.kind == .directory else {
            throw FilesystemError(path: target, message: "the restore target is not a directory")
        }
        let queue = DispatchQueue(label: "amber.restore", attributes: .concurrent)
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: System.coreCount * 2)
        var directories = [(PathBytes, Node)]()
        try walk(root, into: PathBytes(target), relative: "", queue: queue, group: group, slots: slots, directories: &directories)
        group.wait()
        linkNames()
        for (path, node) in directories.reversed() { applyMetadata(path, node) }
        return result.withLock { $0 }
    }

    /// Makes each further name of a hard-linked file a link to its first name.
    private func linkNames() {
        for (path, first) in links.withLock({ $0.pending }) {
            _ = path.withCString { unlink($0) }
            let rc = first.withCString { f in path.withCString { link(f, $0) } }
            if rc == 0 {
                result.withLock { $0.files += 1 }
            } else {
                warn(path, "cannot link to \(first.string): \(errnoText())")
            }
        }
    }

    private func warn(_ path: PathBytes, _ message: String) {
        result.withLock { $0.warnings.append("\(path.string): \(message)") }
    }

    /// Creates what a tree holds under `directory`. Returns whether anything was included.
    @discardableResult
    private func walk(_ tree: BlobID, into directory: PathBytes, relative: String, queue: DispatchQueue, group: DispatchGroup,
                      slots: DispatchSemaphore, directories: inout [(PathBytes, Node)]) throws -> Bool {
        let nodes = try repository.loadTree(tree).nodes
        var any = false
        for node in nodes {
            let path = directory.appending(node.name)
            let rel = relative + "/" + node.displayName
            if node.kind == .directory {
                let included = filter.includes(rel)
                if !included && !mightInclude(below: rel) { continue }
                guard createDirectory(path) else { continue }
                directories.append((path, node))
                let inner: Bool
                do {
                    inner = try node.subtree.map {
                        try walk($0, into: path, relative: rel, queue: queue, group: group, slots: slots, directories: &directories)
                    } ?? false
                } catch let error as RepositoryError where error.code == .damaged || error.code == .missingBlob {
                    // Damage stays local: this directory's listing is lost, the rest restores.
                    warn(path, "its listing cannot be read (\(error.message)): nothing below it was restored")
                    result.withLock { $0.directories += 1 }
                    any = true
                    continue
                }
                if !included && !inner {
                    directories.removeLast()
                    _ = path.withCString { rmdir($0) }
                    continue
                }
                result.withLock { $0.directories += 1 }
                any = true
                continue
            }
            guard filter.includes(rel) else { continue }
            any = true
            if node.kind == .file, let link = node.hardLink {
                // Another name of a file restored already: linked to it at the end.
                let first = links.withLock { state -> PathBytes? in
                    if let first = state.first[link] {
                        state.pending.append((path, first))
                        return first
                    }
                    state.first[link] = path
                    return nil
                }
                if first != nil { continue }
            }
            if node.kind == .file {
                slots.wait()
                queue.async(group: group) { [self] in
                    defer { slots.signal() }
                    restoreFile(path, node)
                }
            } else {
                restoreSpecial(path, node)
            }
        }
        return any
    }

    /// Whether a pattern could match something below `relative` (patterns without `/` always can).
    private func mightInclude(below relative: String) -> Bool {
        filter.patterns.contains { p in
            guard p.contains("/") else { return true }
            let anchored = p.hasPrefix("/") ? p : "/" + p
            let depth = relative.split(separator: "/").count
            let patternPrefix = anchored.split(separator: "/").prefix(depth).joined(separator: "/")
            return fnmatch("/" + patternPrefix, relative, 0) == 0
        }
    }

    private func createDirectory(_ path: PathBytes) -> Bool {
        if path.withCString({ mkdir($0, 0o700) }) == 0 { return true }
        if errno == EEXIST, case .success(let st) = FileStatus.lstat(path), st.kind == .directory {
            _ = path.withCString { chmod($0, 0o700) }
            return true
        }
        warn(path, "cannot create directory: \(errnoText())")
        return false
    }

    private func restoreFile(_ path: PathBytes, _ node: Node) {
        _ = path.withCString { unlink($0) }
        let fd = path.withCString { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            warn(path, "cannot create file: \(errnoText())")
            return
        }
        defer { close(fd) }
        var written: UInt64 = 0
        for id in node.content {
            let bytes: [UInt8]
            do {
                bytes = try repository.loadBlob(id, type: .data)
            } catch {
                warn(path, "\(error)")
                return
            }
            guard sparse ? Self.writeSparse(fd, bytes) : writeAll(fd, bytes) else {
                warn(path, "write failed: \(errnoText())")
                return
            }
            written += UInt64(bytes.count)
            progress?.add(bytes: UInt64(bytes.count))
        }
        // A hole at the end needs the size set: nothing was written there.
        if sparse, ftruncate(fd, off_t(written)) != 0 { warn(path, "cannot set the size: \(errnoText())") }
        if isRoot { _ = fchown(fd, node.uid, node.gid) }
        setAttributes(path, node)
        if fchmod(fd, mode_t(node.mode)) != 0 { warn(path, "cannot set mode: \(errnoText())") }
        var times = [timespec(tv_sec: time_t(node.mtimeSeconds), tv_nsec: Int(node.mtimeNanoseconds)),
                     timespec(tv_sec: time_t(node.mtimeSeconds), tv_nsec: Int(node.mtimeNanoseconds))]
        if futimens(fd, &times) != 0 { warn(path, "cannot set times: \(errnoText())") }
        progress?.add(items: 1)
        result.withLock { $0.files += 1; $0.bytes += written }
    }

    /// Writes `bytes` at the descriptor's offset, skipping (seeking over) every 4 KiB run
    /// block of zeros, so what was a hole stays one; consecutive data blocks go in one write.
    static func writeSparse(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        let block = 4096
        return bytes.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                let end = min(start + block, raw.count)
                if end - start == block, isZero(UnsafeRawBufferPointer(rebasing: raw[start..<end])) {
                    guard lseek(fd, off_t(block), SEEK_CUR) >= 0 else { return false }
                    start = end
                    continue
                }
                var stop = end
                while stop < raw.count {
                    let next = min(stop + block, raw.count)
                    if next - stop == block, isZero(UnsafeRawBufferPointer(rebasing: raw[stop..<next])) { break }
                    stop = next
                }
                guard writeAll(fd, UnsafeRawBufferPointer(rebasing: raw[start..<stop])) else { return false }
                start = stop
            }
            return true
        }
    }

    /// Whether every byte is 0, eight at a time.
    static func isZero(_ raw: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i + 8 <= raw.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) != 0 { return false }
            i += 8
        }
        while i < raw.count {
            if raw[i] != 0 { return false }
            i += 1
        }
        return true
    }

    private func restoreSpecial(_ path: PathBytes, _ node: Node) {
        _ = path.withCString { unlink($0) }
        let rc: Int32
        switch node.kind {
        case .symlink:
            var target = node.linkTarget
            target.append(0)
            rc = target.withUnsafeBufferPointer { t in
                path.withCString { symlink(UnsafeRawPointer(t.baseAddress!).assumingMemoryBound(to: CChar.self), $0) }
            }
        case .fifo:
            rc = path.withCString { mkfifo($0, mode_t(node.mode)) }
        case .characterDevice, .blockDevice:
            guard isRoot else {
                warn(path, "device files are restored only as root")
                return
            }
            let type = node.kind == .characterDevice ? S_IFCHR : S_IFBLK
            rc = path.withCString { mknod($0, mode_t(node.mode) | type, dev_t(node.device)) }
        case .socket:
            return  // Sockets are recorded but cannot be restored.
        case .database:
            warn(path, "a collection source: restore it with --target ndjson:DIR or --target sqlite:PATH")
            return
        default:
            return
        }
        guard rc == 0 else {
            warn(path, "cannot create: \(errnoText())")
            return
        }
        applyMetadata(path, node)
        progress?.add(items: 1)
    }

    /// Owner (as root), extended attributes, mode (not for symlinks) and times, without following
    /// symlinks.
    private func applyMetadata(_ path: PathBytes, _ node: Node) {
        setAttributes(path, node)
        path.withCString { p in
            if isRoot { _ = lchown(p, node.uid, node.gid) }
            if node.kind != .symlink, chmod(p, mode_t(node.mode)) != 0 { warn(path, "cannot set mode: \(errnoText())") }
            var times = [timespec(tv_sec: time_t(node.mtimeSeconds), tv_nsec: Int(node.mtimeNanoseconds)),
                         timespec(tv_sec: time_t(node.mtimeSeconds), tv_nsec: Int(node.mtimeNanoseconds))]
            if utimensat(AT_FDCWD, p, &times, AT_SYMLINK_NOFOLLOW) != 0 { warn(path, "cannot set times: \(errnoText())") }
        }
    }

    /// The node's extended attributes, each failure a warning (`security.*` and `trusted.*` need
    /// root, and some file systems have none).
    private func setAttributes(_ path: PathBytes, _ node: Node) {
        guard writesAttributes, !node.extendedAttributes.isEmpty else { return }
        for failure in ExtendedAttributes.write(node.extendedAttributes, to: path) { warn(path, failure) }
    }
}
