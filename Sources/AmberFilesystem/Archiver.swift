#if canImport(Glibc)
import Glibc
#endif
import AmberChunking
import AmberCore
import AmberCrypto
import AmberRepository
import AmberSnapshot
import Foundation

/// What a backup records besides the files.
public struct BackupOptions: Sendable {
    public var tags: [String] = []
    public var host: String
    public var time: Date
    /// Where the files cache lives (nil: no cache).
    public var cacheDirectory: String?
    /// Whether collection sources are stored as runs on their previous backup (false: every
    /// collection is stored compact, as its whole tree, deduplicated against what is stored).
    public var usesParent = true

    public init(tags: [String] = [], host: String, time: Date, cacheDirectory: String?, usesParent: Bool = true) {
        self.tags = tags
        self.host = host
        self.time = time
        self.cacheDirectory = cacheDirectory
        self.usesParent = usesParent
    }
}

/// The outcome of a backup.
public struct BackupResult: Sendable {
    public let id: BlobID
    public let snapshot: Snapshot
    /// Files that could not be read and were skipped (the backup is partial: exit 3).
    public let warnings: [String]
    /// Files whose content was read (the others were unchanged according to the files cache).
    public let filesRead: Int
    /// Things the user should know that did not make the backup partial (an earlier backup
    /// that could not be used as a parent, so collections were stored whole).
    public var notices: [String] = []
}

/// Backs up directory trees: a file is a document whose content is CDC-chunked into data
/// blobs; each directory becomes a tree blob, so an unchanged subtree has the same id in the
/// next snapshot and costs nothing.
///
/// Reading, chunking and hashing run on the calling thread; the ``BlobWriter`` compresses and
/// encrypts on the other cores.
public final class Archiver {
    private let repository: Repository
    private let options: BackupOptions
    private let progress: ProgressCounter?
    private let chunker: FastCDC
    private let hasher: HMACSHA256
    private let treeHasher: HMACSHA256
    private var writer: BlobWriter!
    private var cache: FilesCache!
    private var warnings: [String] = []
    private var notices: [String] = []
    private var filesRead = 0
    private var stats = Snapshot.Statistics()
    private let buffer: UnsafeMutableRawBufferPointer
    private let collections: (any CollectionSourceOpener)?

    /// - Parameter collections: opens the sources that are collections rather than paths.
    public init(repository: Repository, options: BackupOptions, progress: ProgressCounter? = nil,
                collections: (any CollectionSourceOpener)? = nil) {
        self.repository = repository
        self.collections = collections
        self.options = options
        self.progress = progress
        chunker = repository.makeChunker()
        hasher = repository.makeIDHasher(for: .data)
        treeHasher = repository.makeIDHasher(for: .tree)
        buffer = .allocate(byteCount: 2 * repository.config.chunkerParameters.maximum, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Backs up `sources` and saves a snapshot. Throws before writing a snapshot if a source is
    /// missing; unreadable files inside are skipped and reported in ``BackupResult/warnings``.
    ///
    /// - Parameter lock: a shared lock the caller already holds; without one, the archiver takes its own.
    public func run(sources: [String], lock: RepositoryLock? = nil) throws -> BackupResult {
        guard !sources.isEmpty else { throw FilesystemError(path: "", message: "no source to back up") }
        var roots = [(path: PathBytes, name: [UInt8], status: FileStatus)]()
        var opened = [(source: String, collection: any CollectionSource)]()
        for source in sources {
            // Collection sources read and validate all their input here, before anything is written.
            if let collection = try collections?.open(source) {
                if roots.contains(where: { $0.name == collection.entryName }) || opened.contains(where: { $0.collection.entryName == collection.entryName }) {
                    throw FilesystemError(path: source, message: "two sources are named \"\(String(decoding: collection.entryName, as: UTF8.self))\"; back them up separately")
                }
                opened.append((source, collection))
                continue
            }
            let path = PathBytes(source)
            let status: FileStatus
            switch FileStatus.lstat(path) {
            case .success(let s): status = s
            case .failure(let e): throw FilesystemError(path: source, message: "cannot back up: \(e.message)")
            }
            var name = path.lastComponent
            if name.isEmpty || name == [46] || name == [46, 46] || name == [47] {
                let resolved = path.withCString { realpath($0, nil) }
                if let resolved {
                    name = PathBytes(String(cString: resolved)).lastComponent
                    free(resolved)
                }
                if name == [47] || name.isEmpty { name = Array("root".utf8) }
            }
            if roots.contains(where: { $0.name == name }) || opened.contains(where: { $0.collection.entryName == name }) {
                throw FilesystemError(path: source, message: "two sources are named \"\(String(decoding: name, as: UTF8.self))\"; back them up separately")
            }
            roots.append((path, name, status))
        }

        // Lock first, then read the index: what the index says is present stays present while locked.
        let ownLock = lock == nil ? try RepositoryLock.acquire(repository, exclusive: false) : nil
        defer { ownLock?.release() }
        // Snapshots listed before the index is loaded: their blobs are all in it (parents, below).
        var earlier = [SnapshotRecord]()
        if options.usesParent && !opened.isEmpty {
            do {
                earlier = try repository.listSnapshots()
            } catch {
                notices.append("earlier snapshots could not be listed (\(error.message)); collections are stored whole")
            }
        }
        try repository.loadIndex()
        writer = BlobWriter(repository: repository)
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
        cache = FilesCache(repository: repository, directory: options.cacheDirectory, backupStart: start)

        var nodes = [Node]()
        var collectionSummaries = [Snapshot.CollectionSummary]()
        for root in roots {
            if let node = try archive(root.path, name: root.name, status: root.status) { nodes.append(node) }
        }
        var parent: BlobID?
        for (source, collection) in opened {
            var previous: (snapshot: BlobID, set: CollectionSet)?
            do {
                previous = try repository.parentCollectionSet(among: earlier, entry: collection.entryName, host: options.host,
                                                              source: SourceRedaction.redacted(source))
            } catch {
                notices.append("\(source): the previous backup could not be read (\(error.message)); its collections are stored whole")
            }
            parent = parent ?? previous?.snapshot
            let (set, summaries) = try collection.archive(repository: repository, writer: writer, parent: previous?.set)
            notices += collection.notes.map { "\(source): \($0)" }
            let documents = summaries.reduce(0) { $0 + $1.documents }, bytes = summaries.reduce(0) { $0 + $1.bytes }
            collectionSummaries += summaries
            var node = Node(name: collection.entryName, kind: .database, mode: 0, uid: 0, gid: 0,
                            mtimeSeconds: Int64(options.time.timeIntervalSince1970), mtimeNanoseconds: 0, size: bytes)
            node.subtree = set
            nodes.append(node)
            stats.documents += documents
            stats.bytes += bytes
            progress?.add(items: documents, bytes: bytes)
        }
        let rootID = try saveTree(Tree(nodes: nodes))
        let written = try writer.finish()
        stats.addedBytes = written.storedBytes
        stats.blobsAdded = UInt64(written.blobs)
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        var snapshot = Snapshot(time: RFC3339.format(options.time), host: options.host, username: user, tags: options.tags,
                                sources: sources.map(SourceRedaction.redacted), tree: rootID, parent: parent, program: "amber \(AmberVersion.string)", stats: stats)
        if !collectionSummaries.isEmpty { snapshot.collections = collectionSummaries }
        let id = try repository.saveSnapshot(snapshot)
        cache.save()
        var result = BackupResult(id: id, snapshot: snapshot, warnings: warnings, filesRead: filesRead)
        result.notices = notices
        return result
    }

    private func saveTree(_ tree: Tree) throws -> BlobID {
        let bytes = tree.encoded()
        let id = treeHasher.id(bytes)
        try writer.add(.tree, id: id, plaintext: bytes)
        return id
    }

    private func warn(_ path: PathBytes, _ message: String) {
        warnings.append("\(path.string): \(message)")
    }

    /// The node for one path, or nil when it was skipped.
    private func archive(_ path: PathBytes, name: [UInt8], status: FileStatus) throws -> Node? {
        var node = status.node(named: name)
        switch node.kind {
        case .file:
            guard let content = try readFile(path, status) else { return nil }
            node.content = content.ids
            node.size = content.size
            stats.documents += 1
            stats.bytes += content.size
        case .directory:
            guard let subtree = try archiveDirectory(path) else { return nil }
            node.subtree = subtree
            stats.directories += 1
        case .symlink:
            var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = path.withCString { p in target.withUnsafeMutableBufferPointer { readlink(p, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) } }
            guard n >= 0 else {
                warn(path, "cannot read link: \(errnoText())")
                return nil
            }
            node.linkTarget = Array(target[0..<n])
        case .fifo, .characterDevice, .blockDevice, .socket, .database:
            break
        }
        progress?.add(items: 1)
        return node
    }

    private func archiveDirectory(_ path: PathBytes) throws -> BlobID? {
        guard let names = listDirectory(path) else { return nil }
        var nodes = [Node]()
        nodes.reserveCapacity(names.count)
        for name in names {
            let child = path.appending(name)
            switch FileStatus.lstat(child) {
            case .success(let st):
                if let node = try archive(child, name: name, status: st) { nodes.append(node) }
            case .failure(let e):
                warn(child, e.message)
            }
        }
        return try saveTree(Tree(nodes: nodes))
    }

    private func listDirectory(_ path: PathBytes) -> [[UInt8]]? {
        guard let names = directoryNames(path) else {
            warn(path, "cannot list directory: \(errnoText())")
            return nil
        }
        return names
    }

    /// Reads, chunks and stores a file; nil (with a warning) if it cannot be read.
    private func readFile(_ path: PathBytes, _ status: FileStatus) throws -> (ids: [BlobID], size: UInt64)? {
        if let cached = cache.lookup(path, status), cached.allSatisfy(writer.has) {
            progress?.add(bytes: status.size)
            return (cached, status.size)
        }
        let fd = path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | 0o1000000 /* O_NOATIME */) }
        let opened = fd >= 0 ? fd : path.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard opened >= 0 else {
            warn(path, "cannot read: \(errnoText())")
            return nil
        }
        defer { close(opened) }
        filesRead += 1
        var ids = [BlobID]()
        var total: UInt64 = 0
        var start = 0, filled = 0, eof = false
        let maximum = repository.config.chunkerParameters.maximum
        while true {
            if !eof && filled - start < maximum {
                if start > 0 {
                    if filled > start { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: filled - start) }
                    filled -= start
                    start = 0
                }
                while filled < buffer.count {
                    let n = read(opened, buffer.baseAddress! + filled, buffer.count - filled)
                    if n < 0 {
                        if errno == EINTR { continue }
                        warn(path, "read failed: \(errnoText())")
                        return nil
                    }
                    if n == 0 { eof = true; break }
                    filled += n
                }
            }
            if filled == start { break }
            let window = UnsafeRawBufferPointer(rebasing: buffer[start..<filled])
            let length = chunker.cutPoint(in: window)
            let chunk = UnsafeRawBufferPointer(rebasing: window[0..<length])
            let id = hasher.id(chunk)
            if !writer.has(id) { try writer.add(.data, id: id, plaintext: Array(chunk)) }
            ids.append(id)
            total += UInt64(length)
            progress?.add(bytes: UInt64(length))
            start += length
        }
        cache.record(path, status, content: ids)
        return (ids, total)
    }
}
