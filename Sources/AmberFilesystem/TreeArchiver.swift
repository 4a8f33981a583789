#if canImport(Glibc)
import Glibc
#endif
import AmberChunking
import AmberCore
import AmberCrypto
import AmberRepository
import AmberSnapshot

/// Stores directory trees: a file is a document whose content is CDC-chunked into data blobs;
/// each directory becomes a tree blob, so an unchanged subtree has the same id in the next
/// snapshot and costs nothing.
///
/// Reading, chunking and hashing run on the calling thread; the ``BlobWriter`` compresses and
/// encrypts on the other cores. Unreadable files and directories are skipped with a warning.
public final class TreeArchiver {
    private let writer: BlobWriter
    private let cache: FilesCache
    private let progress: ProgressCounter?
    private let chunker: FastCDC
    private let hasher: HMACSHA256
    private let treeHasher: HMACSHA256
    private let maximumChunk: Int
    private let buffer: UnsafeMutableRawBufferPointer
    private let excludes: ExcludeRules
    private let readsAttributes: Bool
    /// Paths that could not be read, with why: each makes the backup partial.
    public private(set) var warnings: [String] = []
    /// Files whose content was read (the others were unchanged according to the files cache).
    public private(set) var filesRead = 0
    /// Files, their bytes and directories stored so far.
    public private(set) var statistics = Snapshot.Statistics()
    /// Reads files ahead while a list of roots is stored.
    private var prefetcher: ContentPrefetcher?

    /// - Parameters:
    ///   - cache: says which files are unchanged since the previous backup, and records this one's.
    ///   - progress: counts the files and bytes processed.
    ///   - excludes: what the walk leaves out below each root.
    ///   - extendedAttributes: false to store no extended attributes (nor ACLs), as `--no-xattrs`.
    public init(repository: Repository, writer: BlobWriter, cache: FilesCache, progress: ProgressCounter?,
                excludes: ExcludeRules = ExcludeRules(), extendedAttributes: Bool = true) {
        self.excludes = excludes
        self.readsAttributes = extendedAttributes
        self.writer = writer
        self.cache = cache
        self.progress = progress
        chunker = repository.makeChunker()
        hasher = repository.makeIDHasher(for: .data)
        treeHasher = repository.makeIDHasher(for: .tree)
        maximumChunk = repository.config.chunkerParameters.maximum
        buffer = .allocate(byteCount: 2 * maximumChunk, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// The root-tree nodes of `roots` (their subtrees stored), without those skipped; their
    /// files are read ahead as they are stored (``ContentPrefetcher``).
    public func archive(_ roots: [TreeRoot]) throws(RepositoryError) -> [Node] {
        guard !roots.isEmpty else { return [] }
        let prefetcher = ContentPrefetcher(roots: roots.map(\.path), excludes: excludes, unchanged: cache.makeUnchangedTest())
        self.prefetcher = prefetcher
        defer {
            prefetcher.stop()
            self.prefetcher = nil
        }
        var nodes = [Node]()
        for root in roots {
            if let node = try archive(root) { nodes.append(node) }
        }
        return nodes
    }

    /// The root-tree node of `root` (its subtree stored), or nil when it was skipped.
    public func archive(_ root: TreeRoot) throws(RepositoryError) -> Node? {
        let place = Place(components: root.path.absoluteComponents, device: root.status.device)
        // A path named on the command line (or in --files-from) is excluded as restic excludes it:
        // when a pattern matches it (a pattern that matches one of its directories matches it too).
        if !excludes.isEmpty, excludes.excludes(root.path, components: place.components, status: root.status) {
            return nil
        }
        return try archive(root.path, name: root.name, status: root.status, place: place)
    }

    /// Where the walk is: the absolute path's components (what exclude patterns match) and the
    /// device of the root it started from (`--one-file-system`).
    private struct Place {
        var components: [String]
        let device: UInt64
    }

    /// The node for one path, or nil when it was skipped.
    private func archive(_ path: PathBytes, name: [UInt8], status: FileStatus, place: Place) throws(RepositoryError) -> Node? {
        var node = status.node(named: name)
        // A directory on another file system (a mount point) is stored empty with --one-file-system.
        if excludes.oneFileSystem, status.device != place.device {
            guard node.kind == .directory else { return nil }
            node.subtree = try writer.addTree(Tree(nodes: []).encoded(), hasher: treeHasher)
            statistics.directories += 1
            progress?.add(items: 1)
            return node
        }
        if node.kind != .symlink, readsAttributes {
            if let attributes = ExtendedAttributes.read(path) {
                node.extendedAttributes = attributes
            } else {
                warn(path, "cannot read extended attributes: \(errnoText())")
            }
        }
        switch node.kind {
        case .file:
            if status.links > 1 { node.hardLink = Node.HardLink(device: status.device, inode: status.inode) }
            guard let content = try readFile(path, status) else { return nil }
            node.content = content.ids
            node.size = content.size
            statistics.documents += 1
            statistics.bytes += content.size
        case .directory:
            guard let subtree = try archiveDirectory(path, place: place) else { return nil }
            node.subtree = subtree
            statistics.directories += 1
        case .symlink:
            guard let target = readLink(path) else { return nil }
            node.linkTarget = target
        case .fifo, .characterDevice, .blockDevice, .socket, .database:
            break
        }
        progress?.add(items: 1)
        return node
    }

    private func readLink(_ path: PathBytes) -> [UInt8]? {
        guard let target = symlinkTarget(path) else {
            warn(path, "cannot read link: \(errnoText())")
            return nil
        }
        return target
    }

    private func archiveDirectory(_ path: PathBytes, place: Place) throws(RepositoryError) -> BlobID? {
        guard let names = excludes.tagsHeld(in: path) ?? directoryNames(path) else {
            warn(path, "cannot list directory: \(errnoText())")
            return nil
        }
        var nodes = [Node]()
        nodes.reserveCapacity(names.count)
        for name in names {
            let child = path.appending(name)
            switch FileStatus.lstat(child) {
            case .success(let status):
                var inner = place
                inner.components.append(String(decoding: name, as: UTF8.self))
                if !excludes.isEmpty, excludes.excludes(child, components: inner.components, status: status) { continue }
                if let node = try archive(child, name: name, status: status, place: inner) { nodes.append(node) }
            case .failure(let e):
                warn(child, e.message)
            }
        }
        return try writer.addTree(Tree(nodes: nodes).encoded(), hasher: treeHasher)
    }

    /// The root-tree node of a file named `name` holding what standard input gives until it ends
    /// (`backup --stdin`): mode 0644, owned by this process's user, modified now.
    ///
    /// - Throws: ``RepositoryError`` when standard input cannot be read (no snapshot is written).
    public func archiveStandardInput(named name: String) throws(RepositoryError) -> Node {
        guard let content = try read(FileReader(descriptor: 0, buffer: buffer), PathBytes("(standard input)")) else {
            throw RepositoryError(.invalidArgument, "cannot read standard input: \(warnings.last ?? errnoText())")
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var node = Node(name: Array(name.utf8), kind: .file, mode: 0o644, uid: getuid(), gid: getgid(),
                        mtimeSeconds: Int64(now.tv_sec), mtimeNanoseconds: UInt32(now.tv_nsec), size: content.size)
        node.content = content.ids
        statistics.documents += 1
        statistics.bytes += content.size
        progress?.add(items: 1)
        return node
    }

    /// Reads, chunks and stores a file; nil (with a warning) if it cannot be read.
    private func readFile(_ path: PathBytes, _ status: FileStatus) throws(RepositoryError) -> (ids: [BlobID], size: UInt64)? {
        let cached = cache.lookup(path, status)
        if let cached, cached.allSatisfy(writer.has) {
            progress?.add(bytes: status.size)
            return (cached, status.size)
        }
        // What the read-ahead counts: the files it does not skip as unchanged.
        defer { if cached == nil { prefetcher?.consumed(status.size) } }
        guard let content = try read(FileReader(path, buffer: buffer), path) else { return nil }
        cache.record(path, status, content: content.ids)
        return content
    }

    /// Chunks and stores what `reader` reads; nil (with a warning) when it cannot be opened or read.
    private func read(_ opened: consuming FileReader?, _ path: PathBytes) throws(RepositoryError) -> (ids: [BlobID], size: UInt64)? {
        guard var reader = opened else {
            warn(path, "cannot read: \(errnoText())")
            return nil
        }
        filesRead += 1
        var ids = [BlobID]()
        var total: UInt64 = 0
        while true {
            let chunk: UnsafeRawBufferPointer
            do {
                chunk = try reader.nextChunk(chunker, maximum: maximumChunk)
            } catch {
                warn(path, "read failed: \(error.message)")
                return nil
            }
            if chunk.isEmpty { break }
            ids.append(try store(chunk))
            total += UInt64(chunk.count)
            progress?.add(bytes: UInt64(chunk.count))
        }
        return (ids, total)
    }

    /// Stores one chunk as a data blob unless present; returns its id.
    private func store(_ chunk: UnsafeRawBufferPointer) throws(RepositoryError) -> BlobID {
        let id = hasher.id(chunk)
        if !writer.has(id) { try writer.add(.data, id: id, plaintext: Array(chunk)) }
        return id
    }

    private func warn(_ path: PathBytes, _ message: String) {
        warnings.append("\(path.string): \(message)")
    }
}
