import AmberCollections
import AmberCore
import AmberFilesystem
import AmberRepository
import AmberSnapshot

/// Runs a backup of any sources (directory trees and collection sources) into a new snapshot.
///
/// The steps, in order: open and check every source (``BackupSources``); take a shared lock;
/// list earlier snapshots (the parents of collection sources); load the index; store the trees
/// and collections (``BackupSession``); write the root tree, the packs and index, then the
/// snapshot. A failure before the snapshot is written leaves no snapshot; bad input in a
/// collection source (a ``SourceError``, found while an NDJSON file is read and stored in one
/// pass) leaves nothing at all.
public final class BackupRunner {
    private let repository: Repository
    private let options: BackupOptions
    private let progress: ProgressCounter?

    /// - Parameter progress: counts the files, documents and bytes processed.
    public init(repository: Repository, options: BackupOptions, progress: ProgressCounter? = nil) {
        self.repository = repository
        self.options = options
        self.progress = progress
    }

    /// Backs up `sources` and saves a snapshot. Throws before writing a snapshot if a source is
    /// missing; unreadable files inside are skipped and reported in ``BackupResult/warnings``.
    ///
    /// - Parameter lock: a shared lock the caller already holds; without one, the runner takes its own.
    public func run(sources: [String], lock: RepositoryLock? = nil) throws -> BackupResult {
        try run(Self.openSources(sources, collections: options.collections), lock: lock)
    }

    /// Opens and checks `sources`: the first step of a backup, which needs no repository, so a
    /// caller may run it while the repository is being unlocked. Collection sources read and
    /// validate all their input here, before anything is written.
    ///
    /// - Parameter standardInput: store standard input as a file of this name too (`--stdin`).
    public static func openSources(_ sources: [String], collections: CollectionOptions,
                                   standardInput: String? = nil) throws -> OpenedSources {
        // Sort runs left in $TMPDIR by a killed backup hold plaintext documents: remove them first.
        ScratchDirectories.sweepAbandoned()
        let opened = try BackupSources.open(sources, options: collections, standardInput: standardInput)
        // The first collection source reads ahead while the repository is unlocked (the key
        // derivation occupies one or two cores); later ones are read when their turn comes.
        opened.collections.first?.collection.startReading()
        return OpenedSources(names: sources + (standardInput.map { [BackupSources.standardInputSource($0)] } ?? []), sources: opened)
    }

    /// Backs up sources opened by ``openSources(_:collections:)`` (with the same collection
    /// options as this runner's) and saves a snapshot.
    public func run(_ opened: OpenedSources, lock: RepositoryLock? = nil) throws -> BackupResult {
        let sources = opened.names
        let opened = opened.sources
        // Lock first, then read the index: what the index says is present stays present while locked.
        let ownLock = lock == nil ? try RepositoryLock.acquire(repository, exclusive: false) : nil
        defer { ownLock?.release() }
        var notices = [String]()
        // Snapshots listed before the index is loaded: their blobs are all in it (parents).
        let earlier = opened.collections.isEmpty ? [] : earlierSnapshots(notices: &notices)
        try repository.loadIndex()
        if !repository.indexDamage.isEmpty { notices.append(repository.indexDamage.summary) }
        let session = BackupSession(repository: repository, options: options, progress: progress, earlier: earlier,
                                    discardable: !opened.collections.isEmpty)
        // A backup killed earlier leaves its lock, and the packs it wrote since its last index
        // file: they are indexed from their headers and recorded in this backup's index, so what
        // they hold is not stored again (the backup resumes).
        if try RepositoryLock.list(repository).contains(where: \.isStale) {
            let adopted = try repository.indexPacksLeftUnindexed()
            session.adopt(adopted)
            if !adopted.isEmpty {
                notices.append("resuming: \(adopted.count) packs an interrupted backup left are reused (indexed from their headers)")
            }
        }
        session.notices = notices
        do {
            try session.archive(opened.trees)
            if let name = opened.standardInput { try session.archiveStandardInput(named: name) }
            try session.archive(opened.collections)
        } catch let error as SourceError {
            // Bad input found while a collection was read: nothing of this backup stays.
            session.discard()
            throw error
        }
        return try session.finish(sources: sources)
    }

    /// The snapshots that may hold a collection source's previous backup; none when parents are
    /// not used or cannot be listed (with a notice: collections are then stored whole).
    private func earlierSnapshots(notices: inout [String]) -> [SnapshotRecord] {
        guard options.usesParent else { return [] }
        do {
            // --parent: that snapshot alone is the one collections build on.
            if let parent = options.parent { return try repository.readableSnapshots().filter { $0.id == parent } }
            return try repository.readableSnapshots()
        } catch {
            notices.append("earlier snapshots could not be listed (\(error.message)); collections are stored whole")
            return []
        }
    }
}

/// The sources of a backup, opened and checked (``BackupRunner/openSources(_:collections:)``).
public struct OpenedSources {
    /// The sources as given.
    let names: [String]
    let sources: BackupSources
}
