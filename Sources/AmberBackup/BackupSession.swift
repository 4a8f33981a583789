import AmberCollections
import AmberCore
import AmberFilesystem
import AmberRepository
import AmberSnapshot
import Foundation

/// One backup in progress, once the sources are open and the index is loaded: the blob writer,
/// the files cache, and the root tree's entries as the sources are stored.
final class BackupSession {
    private let repository: Repository
    private let options: BackupOptions
    private let progress: ProgressCounter?
    private let earlier: [SnapshotRecord]
    private let writer: BlobWriter
    private let cache: FilesCache
    private let trees: TreeArchiver
    private var nodes = [Node]()
    private var collectionStatistics = Snapshot.Statistics()
    private var collectionSummaries = [Snapshot.CollectionSummary]()
    /// The first collection source's previous snapshot: the new snapshot's parent.
    private var parent: BlobID?
    /// What the user should know without the backup being partial.
    var notices = [String]()

    /// - Parameters:
    ///   - earlier: the snapshots in which collection sources look for their previous backup.
    ///   - discardable: whether the blobs written can be removed if a source turns out to be bad
    ///     (``discard()``): true when collection sources are read while they are stored.
    init(repository: Repository, options: BackupOptions, progress: ProgressCounter?, earlier: [SnapshotRecord],
         discardable: Bool = false) {
        self.repository = repository
        self.options = options
        self.progress = progress
        self.earlier = earlier
        writer = BlobWriter(repository: repository, dryRun: options.dryRun, holdsIndex: discardable)
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
        cache = FilesCache(repository: repository, directory: options.cacheDirectory, backupStart: start)
        trees = TreeArchiver(repository: repository, writer: writer, cache: cache, progress: progress, excludes: options.excludes,
                             extendedAttributes: options.extendedAttributes)
    }

    /// Records packs an interrupted backup left in this backup's index (``BlobWriter/adopt(_:)``).
    func adopt(_ packs: [(pack: BlobID, entries: [PackEntry])]) {
        writer.adopt(packs)
    }

    /// Removes what this session stored, after a source turned out to be bad input: the
    /// repository is left as it was (see ``BlobWriter/discard()``).
    /// The packs are left (unindexed, for `prune`) when another process may be reading them:
    /// a stale lock or a damaged index file makes other backups adopt unindexed packs.
    func discard() {
        let stale = (try? RepositoryLock.list(repository).contains(where: \.isStale)) ?? true
        writer.discard(removingPacks: !stale && repository.indexDamage.isEmpty)
    }

    /// Stores standard input as the file `name` at the root.
    func archiveStandardInput(named name: String) throws {
        nodes.append(try trees.archiveStandardInput(named: name))
    }

    /// Stores directory trees; each becomes an entry of the root tree (unless it was skipped).
    func archive(_ roots: [TreeRoot]) throws {
        nodes += try trees.archive(roots)
    }

    /// Stores collection sources, each as runs on its previous backup where there is one.
    func archive(_ sources: [BackupSources.Collection]) throws {
        for source in sources {
            try archive(source)
        }
    }

    private func archive(_ opened: BackupSources.Collection) throws {
        let collection = opened.collection
        let previous = previousBackup(of: opened)
        if previous == nil, let named = options.parent {
            notices.append("\(SourceRedaction.redacted(opened.source)): --parent \(named.shortHex) is not a backup of this source "
                           + "from \(options.host); its collections are stored whole")
        }
        parent = parent ?? previous?.snapshot
        let (set, summaries) = try collection.archive(repository: repository, writer: writer, parent: previous?.set)
        notices += collection.notes.map { "\(SourceRedaction.redacted(opened.source)): \($0)" }
        let documents = summaries.reduce(0) { $0 + $1.documents }, bytes = summaries.reduce(0) { $0 + $1.bytes }
        collectionSummaries += summaries
        var node = Node(name: collection.entryName, kind: .database, mode: 0, uid: 0, gid: 0,
                        mtimeSeconds: Int64(options.time.timeIntervalSince1970), mtimeNanoseconds: 0, size: bytes)
        node.subtree = set
        nodes.append(node)
        collectionStatistics.documents += documents
        collectionStatistics.bytes += bytes
        progress?.add(items: documents, bytes: bytes)
    }

    /// The latest backup of the same source from the same host, if it can be read.
    private func previousBackup(of opened: BackupSources.Collection) -> (snapshot: BlobID, set: CollectionSet)? {
        do {
            return try repository.parentCollectionSet(among: earlier, entry: opened.collection.entryName, host: options.host,
                                                      source: SourceRedaction.redacted(opened.source))
        } catch {
            notices.append("\(SourceRedaction.redacted(opened.source)): the previous backup could not be read (\(error.message)); its collections are stored whole")
            return nil
        }
    }

    /// Writes the root tree, flushes packs and index, then saves the snapshot and the files cache.
    func finish(sources: [String]) throws -> BackupResult {
        let rootID = try writer.addTree(Tree(nodes: nodes).encoded(), hasher: repository.makeIDHasher(for: .tree))
        let written = try writer.finish()
        var stats = trees.statistics
        stats.documents += collectionStatistics.documents
        stats.bytes += collectionStatistics.bytes
        stats.addedBytes = written.storedBytes
        stats.blobsAdded = UInt64(written.blobs)
        let user = ProcessInfo.processInfo.environment["USER"] ?? ""
        var snapshot = Snapshot(time: RFC3339.format(options.time), host: options.host, username: user, tags: options.tags,
                                sources: sources.map(SourceRedaction.redacted), tree: rootID, parent: parent,
                                program: "amber \(AmberVersion.string)", stats: stats)
        if !collectionSummaries.isEmpty { snapshot.collections = collectionSummaries }
        // A dry run saves nothing: its id is all zeros.
        let id = options.dryRun ? BlobID(bytes: [UInt8](repeating: 0, count: BlobID.byteCount))! : try repository.saveSnapshot(snapshot)
        if !options.dryRun { cache.save() }
        var result = BackupResult(id: id, snapshot: snapshot, warnings: trees.warnings, filesRead: trees.filesRead)
        result.notices = notices
        return result
    }
}
