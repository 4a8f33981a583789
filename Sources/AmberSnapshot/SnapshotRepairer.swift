import AmberCore
import AmberCrypto
import AmberManifest
import AmberRepository

/// `amber repair snapshots` (restic's `repair snapshots`): for each snapshot that reaches a
/// damaged or missing blob, writes a new snapshot without what was lost and names each loss.
///
/// - A directory whose tree cannot be read becomes an empty directory.
/// - A file keeps the content blobs that are available, in order, and its size becomes theirs
///   (restic's rule: "removed missing content").
/// - A collection whose manifest reaches a node that cannot be read, or a value chunk that is not
///   available, is removed from its source; a source whose collection set cannot be read is
///   removed from the root.
/// - A snapshot whose root tree cannot be read cannot be repaired; with ``Options/forget`` it is
///   removed.
///
/// A blob is *available* when the index lists it and, with ``Options/readData``, it also reads
/// back whole (authenticated and matching its id); trees and manifest nodes are always read.
/// Repaired snapshots carry the tag `repaired` and name the snapshot they replace in `original`;
/// the damaged snapshots stay unless ``Options/forget``. Call under the exclusive lock, after
/// `repair index` if the index is damaged.
public final class SnapshotRepairer {
    public struct Options: Sendable {
        public var readData: Bool
        public var forget: Bool
        public var dryRun: Bool

        public init(readData: Bool = false, forget: Bool = false, dryRun: Bool = false) {
            self.readData = readData
            self.forget = forget
            self.dryRun = dryRun
        }
    }

    /// One thing a repair drops: where (`/source/dir/file`, `/source/collection`) and what.
    public struct Loss: Sendable, Encodable, Equatable {
        public let path: String
        public let action: String
    }

    /// What became of one snapshot that needed repair.
    public struct Outcome: Sendable, Encodable {
        /// The damaged snapshot's id.
        public let snapshot: String
        /// The repaired snapshot's id (nil: not written, in a dry run or when the root is unreadable).
        public let repaired: String?
        /// Whether the damaged snapshot was removed (`--forget`).
        public let removed: Bool
        public let losses: [Loss]
    }

    private let repository: Repository
    private let options: Options
    private var writer: BlobWriter?
    private let treeIDs: HMACSHA256
    /// Per blob: whether it is available.
    private var availability: [BlobID: Bool] = [:]
    /// Per directory tree: its repaired id and the losses under it (paths relative to it).
    private var repairedTrees: [BlobID: (id: BlobID, losses: [Loss])] = [:]

    public init(repository: Repository, options: Options) {
        self.repository = repository
        self.options = options
        treeIDs = repository.makeIDHasher(for: .tree)
    }

    /// Repairs `records`; returns an outcome for each snapshot that needed it, in order.
    public func repair(_ records: [SnapshotRecord]) throws(RepositoryError) -> [Outcome] {
        var outcomes = [Outcome]()
        for record in records {
            if let outcome = try repair(record) { outcomes.append(outcome) }
        }
        return outcomes
    }

    private func repair(_ record: SnapshotRecord) throws(RepositoryError) -> Outcome? {
        guard let rootID = record.snapshot.treeID, let root = try readable({ () throws(RepositoryError) in try repository.loadTree(rootID) }) else {
            let removed = options.forget && !options.dryRun
            if removed { try repository.removeSnapshot(record.id) }
            return Outcome(snapshot: record.id.hex, repaired: nil, removed: removed,
                           losses: [Loss(path: "/", action: "root tree not readable: the snapshot cannot be repaired")])
        }
        let (newRoot, losses) = try repairTree(root, id: rootID)
        guard !losses.isEmpty else { return nil }
        guard !options.dryRun else { return Outcome(snapshot: record.id.hex, repaired: nil, removed: false, losses: losses) }
        let writer = self.writer!
        _ = try writer.finish()
        self.writer = nil
        var snapshot = record.snapshot
        snapshot.tree = newRoot.hex
        snapshot.original = record.snapshot.original ?? record.id.hex
        if !snapshot.tags.contains("repaired") { snapshot.tags.append("repaired") }
        let id = try repository.saveSnapshot(snapshot)
        if options.forget { try repository.removeSnapshot(record.id) }
        return Outcome(snapshot: record.id.hex, repaired: id.hex, removed: options.forget, losses: losses)
    }

    // MARK: Trees

    /// The repaired id of a readable tree and what it lost (paths relative to it).
    private func repairTree(_ tree: Tree, id: BlobID) throws(RepositoryError) -> (BlobID, [Loss]) {
        if let known = repairedTrees[id] { return known }
        var nodes = [Node]()
        var losses = [Loss]()
        for var node in tree.nodes {
            let path = "/" + node.displayName
            switch node.kind {
            case .directory:
                guard let sub = node.subtree else { break }
                if let subtree = try readable({ () throws(RepositoryError) in try repository.loadTree(sub) }) {
                    let (newID, lost) = try repairTree(subtree, id: sub)
                    node.subtree = newID
                    losses += lost.map { Loss(path: path + $0.path, action: $0.action) }
                } else {
                    node.subtree = try store(Tree(nodes: []).encoded())
                    losses.append(Loss(path: path, action: "directory not readable: replaced with an empty directory"))
                }
            case .file:
                let kept = node.content.filter { isAvailable($0, type: .data) }
                guard kept.count < node.content.count else { break }
                node.size = kept.reduce(0) { $0 + UInt64(repository.index.lookup($1)?.entry.rawLength ?? 0) }
                node.content = kept
                losses.append(Loss(path: path, action: "file: removed missing content (\(kept.count) of its blobs kept)"))
            case .database:
                guard let setID = node.subtree else { break }
                guard let repaired = try repairCollections(setID, path: path, losses: &losses) else { continue }
                node.subtree = repaired
            default:
                break
            }
            nodes.append(node)
        }
        let newID = losses.isEmpty ? id : try store(Tree(nodes: nodes).encoded())
        repairedTrees[id] = (newID, losses)
        return (newID, losses)
    }

    /// The repaired id of a collection set (nil: the source is removed), adding its losses.
    private func repairCollections(_ id: BlobID, path: String, losses: inout [Loss]) throws(RepositoryError) -> BlobID? {
        guard let set = try readable({ () throws(RepositoryError) in try repository.loadCollectionSet(id) }) else {
            losses.append(Loss(path: path, action: "collection set not readable: source removed"))
            return nil
        }
        var kept = set
        kept.collections = set.collections.filter { collection in
            guard let failure = damage(in: collection.manifest) else { return true }
            losses.append(Loss(path: path + "/" + collection.displayName, action: "collection removed: \(failure)"))
            return false
        }
        return kept.collections.count == set.collections.count ? id : try store(kept.encoded())
    }

    /// What is wrong with a manifest: the first node that cannot be read or value chunk that is not available.
    private func damage(in manifest: CollectionManifest) -> String? {
        var failure: String?
        ManifestNodeLoader(repository: repository).forEachBlob(manifest, visit: { id, type in
            if type == .data, failure == nil, !isAvailable(id, type: .data) { failure = "value chunk \(id.shortHex) not available" }
            return failure == nil
        }, failed: { id, error in failure = failure ?? "node \(id.shortHex): \(error.message)" })
        return failure
    }

    /// What `load` reads, or nil when what it reads is damaged or missing; other failures
    /// (the storage's) stop the repair.
    private func readable<T>(_ load: () throws(RepositoryError) -> T) throws(RepositoryError) -> T? {
        do {
            return try load()
        } catch where error.code == .damaged || error.code == .missingBlob {
            return nil
        }
    }

    private func isAvailable(_ id: BlobID, type: BlobType) -> Bool {
        if let known = availability[id] { return known }
        let available = repository.index.contains(id) && (!options.readData || (try? repository.loadBlob(id, type: type)) != nil)
        availability[id] = available
        return available
    }

    /// Stores a tree blob (not in a dry run) and returns its id.
    private func store(_ encoded: [UInt8]) throws(RepositoryError) -> BlobID {
        guard !options.dryRun else { return treeIDs.id(encoded) }
        if writer == nil { writer = BlobWriter(repository: repository) }
        return try writer!.addTree(encoded, hasher: treeIDs)
    }
}
