import AmberBackup
import AmberCollections
import AmberCore
import AmberDocuments
import AmberFilesystem
import AmberManifest
import AmberRepository
import AmberSnapshot
import Foundation

/// What the web UI reads from the one repository it holds open: snapshots, directory listings,
/// files, documents, diffs, statistics, and restores of one path. Every call runs alone (one
/// lock), on the repository unlocked once and its index, which is read again when a call finds
/// it stale (a backup or prune happened meanwhile).
///
/// Reading takes no repository lock, as restic's `ls` and `dump` do not; a restore holds the
/// shared lock while it runs.
public final class RepositoryBrowser: @unchecked Sendable {
    /// A directory's entries, or a collection source's collections, at `path` of a snapshot.
    public struct Listing: Encodable, Sendable {
        public let snapshot: String
        public let path: String
        public let entries: [NodeSummary]
        public let collections: [CollectionEntry]
        /// A database's other objects (views, triggers, functions, …), as `ls --long` names them.
        public let objects: [String]
    }

    /// One collection of a collection source: for a database table, its columns (`name type`),
    /// primary key and indexes, as `ls --long` shows them.
    public struct CollectionEntry: Encodable, Sendable {
        public let name: String
        public let path: String
        public let documents: UInt64
        public let bytes: UInt64
        public let columns: [String]
        public let primaryKey: [String]
        public let indexes: [String]
    }

    /// What a restore wrote: files, directories and bytes below a directory, or collections
    /// and documents into a collection target (then checked: `mismatches` lists what differs).
    public struct RestoreSummary: Encodable, Sendable {
        public let target: String
        public var files: UInt64 = 0
        public var directories: UInt64 = 0
        public var bytes: UInt64 = 0
        public var collections = 0
        public var documents: UInt64 = 0
        public var mismatches: [String] = []
        public var warnings: [String] = []
    }

    private let repository: Repository
    private let lock = NSLock()

    /// - Parameter repository: opened (unlocked) and with its index loaded.
    public init(repository: Repository) {
        self.repository = repository
    }

    /// Every snapshot, oldest first, as `snapshots --json` shows it.
    public func snapshots() throws -> [SnapshotSummary] {
        try locked { repository in
            try repository.readableSnapshots().sorted { $0.snapshot.date < $1.snapshot.date }.map(SnapshotSummary.init)
        }
    }

    /// The entries at `path` (`/` for the root) of a snapshot (an id prefix or `latest`).
    public func list(snapshot: String, path: String) throws -> Listing {
        try locked { repository in
            let (record, root) = try Self.find(snapshot, in: repository)
            let trimmed = path == "/" ? "" : path.hasSuffix("/") ? String(path.dropLast()) : path
            var tree = root
            if !trimmed.isEmpty {
                guard let node = try repository.node(at: trimmed, root: root) else { throw BrowseError.notFound("\(path): no such path") }
                if node.kind == .database, let set = node.subtree {
                    let contents = try DatabaseContents(repository.loadCollectionSet(set))
                    let collections = contents.tables.map {
                        CollectionEntry(name: $0.name, path: trimmed + "/" + $0.name, documents: $0.documents, bytes: $0.bytes,
                                        columns: $0.columns, primaryKey: $0.primaryKey, indexes: $0.indexes)
                    }
                    return Listing(snapshot: record.id.hex, path: trimmed, entries: [], collections: collections, objects: contents.objects)
                }
                guard node.kind == .directory, let sub = node.subtree else { throw BrowseError.notFound("\(path) is not a directory") }
                tree = sub
            }
            let entries = try repository.loadTree(tree).nodes.map { NodeSummary(path: trimmed + "/" + $0.displayName, node: $0) }
            return Listing(snapshot: record.id.hex, path: trimmed.isEmpty ? "/" : trimmed, entries: entries, collections: [], objects: [])
        }
    }

    /// The contents of the file at `path`, chunk by chunk, and its size and name.
    public func file(snapshot: String, path: String) throws -> (name: String, size: UInt64, chunks: [BlobID]) {
        try locked { repository in
            let (_, root) = try Self.find(snapshot, in: repository)
            guard let node = try repository.node(at: path, root: root) else { throw BrowseError.notFound("\(path): no such path") }
            guard node.kind == .file else { throw BrowseError.invalid("\(path) is a \(node.kind), not a file") }
            return (node.displayName, node.size, node.content)
        }
    }

    /// One chunk of a file's contents (``file(snapshot:path:)``).
    public func chunk(_ id: BlobID) throws -> [UInt8] {
        try locked { repository in try repository.loadBlob(id, type: .data) }
    }

    /// What changed from snapshot `a` to snapshot `b`, as `diff --json` shows it.
    public func diff(_ a: String, _ b: String) throws -> SnapshotDiff {
        try locked { repository in
            let (_, rootA) = try Self.find(a, in: repository), (_, rootB) = try Self.find(b, in: repository)
            return try SnapshotDiff(repository: repository, from: rootA, to: rootB)
        }
    }

    /// The `amber stats --html` page of every snapshot.
    public func statsPage() throws -> String {
        try locked { repository in try StatsPage(repository: repository, records: try repository.readableSnapshots(), now: Date()).render() }
    }

    /// Restores, holding the shared lock meanwhile: into a directory `target` (an absolute
    /// path, created if missing), the file or directory at `path` of a snapshot, as `amber
    /// restore SNAPSHOT --target TARGET --include PATH` does; into a collection target
    /// (`ndjson:DIR`, `sqlite:PATH`, `postgresql://…`), the snapshot's collections, as `amber
    /// restore SNAPSHOT --target TARGET --verify` does (`path` is then not used).
    public func restore(snapshot: String, path: String, target: String) throws -> RestoreSummary {
        try locked { repository in
            let (_, root) = try Self.find(snapshot, in: repository)
            let location = Location(target)
            var summary = RestoreSummary(target: target)
            if location.holdsCollections {
                let lock = try RepositoryLock.acquire(repository, mode: .shared)
                defer { lock.release() }
                let report = try RestoreRunner(repository: repository).restoreCollections(root, to: location, from: nil, options: RestoreOptions(verify: true))
                summary.collections = report.collections
                summary.documents = report.documents
                summary.mismatches = report.mismatches.map { "\($0)" }
                summary.warnings = report.warnings + report.damaged
                return summary
            }
            guard target.hasPrefix("/") else {
                throw BrowseError.invalid("the target must be an absolute path, ndjson:DIR, sqlite:PATH or postgresql://…, not \(target)")
            }
            guard try repository.node(at: path, root: root) != nil else { throw BrowseError.notFound("\(path): no such path") }
            let lock = try RepositoryLock.acquire(repository, mode: .shared)
            defer { lock.release() }
            let result = try RestoreRunner(repository: repository).restoreFiles(root, to: target, include: IncludeFilter([path]))
            (summary.files, summary.directories, summary.bytes, summary.warnings) = (result.files, result.directories, result.bytes, result.warnings)
            return summary
        }
    }

    // MARK: Helpers

    /// Runs `body` alone; when it finds a blob the index lacks or a pack gone (a backup or a
    /// prune ran since the index was read), reads the index again and runs it once more.
    func locked<T>(_ body: (Repository) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body(repository)
        } catch let error as RepositoryError where error.code == .missingBlob || error.code == .storage {
            try repository.loadIndex()
            return try body(repository)
        }
    }

    static func find(_ reference: String, in repository: Repository) throws -> (SnapshotRecord, BlobID) {
        let record = try repository.findSnapshot(reference)
        return (record, try record.rootTree())
    }

    /// The collection at `ENTRY/NAME` (or `/ENTRY/NAME`), as `amber dump` finds it.
    static func collection(_ path: String, root: BlobID, in repository: Repository) throws -> SnapshotCollection {
        try repository.collection(named: path.hasPrefix("/") ? String(path.dropFirst()) : path, ofTree: root)
    }
}

/// A request the browser cannot answer: a path or collection that is not there, or bad input.
public enum BrowseError: Error, CustomStringConvertible {
    case notFound(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let message), .invalid(let message): message
        }
    }
}
