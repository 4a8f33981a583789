import AmberCore
import AmberManifest
import AmberRepository
import AmberSnapshot

/// Compacts the layers of the collections that the next backups build on (`amber compact`,
/// `docs/manifest-format.md` §Tiers), so that backups only ever add a run and never merge.
///
/// For the latest snapshot of each host and source (the parent its next backup takes), every
/// collection whose runs are due for a merge or a rebase (``LayerPolicy``) is compacted; the
/// snapshot is then replaced by one with the same fields and contents whose tree names the new
/// layers and whose `original` names it. The steps, in order, under an exclusive lock: write
/// the new layers and index them; read them back and check that each holds its collection's
/// canonical root; write the collection sets, the root tree and index; save the new snapshot;
/// only then remove the old snapshot file. A crash leaves the old snapshot, or both (equal in
/// contents); a failed check leaves the snapshot as it was. The runs the old snapshot used
/// stay until `prune` finds nothing needs them.
public final class SnapshotCompactor {
    private let repository: Repository
    private let policy: LayerPolicy
    private let dryRun: Bool
    /// Seconds to keep trying for the exclusive lock while another process holds one (`--retry-lock`).
    private let lockRetry: Double

    public init(repository: Repository, policy: LayerPolicy = LayerPolicy(), dryRun: Bool = false, lockRetry: Double = 0) {
        self.repository = repository
        self.policy = policy
        self.dryRun = dryRun
        self.lockRetry = lockRetry
    }

    /// A database entry of a snapshot's root tree and its compacted collection set.
    private struct Rewrite {
        var node: Int
        var original: CollectionSet
        var compacted: CollectionSet
    }

    /// Compacts and replaces the snapshots; returns what was done.
    public func run() throws -> CompactionReport {
        let lock = try RepositoryLock.acquire(repository, mode: .exclusive, retryingFor: lockRetry)
        defer { lock.release() }
        let snapshots = try repository.readableSnapshots()
        try repository.loadIndex()
        var report = CompactionReport(dryRun: dryRun)
        for record in Self.latestOfEachSource(snapshots) {
            report.snapshotsExamined += 1
            if let replacement = try compact(record, report: &report) { report.replaced.append(replacement) }
        }
        return report
    }

    /// The newest snapshot of each host and source, oldest first.
    static func latestOfEachSource(_ snapshots: [SnapshotRecord]) -> [SnapshotRecord] {
        var seen = Set<String>(), chosen = Set<BlobID>()
        for record in snapshots.reversed() {
            for source in record.snapshot.sources where seen.insert(record.snapshot.host + "\u{0}" + source).inserted {
                chosen.insert(record.id)
            }
        }
        return snapshots.filter { chosen.contains($0.id) }
    }

    /// Compacts one snapshot's collections and replaces it; nil when nothing was due.
    private func compact(_ record: SnapshotRecord, report: inout CompactionReport) throws -> CompactionReport.Replacement? {
        guard let rootID = record.snapshot.treeID else { return nil }
        let root = try repository.loadTree(rootID)
        let writer = BlobWriter(repository: repository)
        let compactor = CollectionCompactor(repository: repository, writer: writer, policy: policy)
        var rewrites = [Rewrite](), changes = [CompactionReport.Collection]()
        for (i, node) in root.nodes.enumerated() where node.kind == .database {
            guard let setID = node.subtree else { continue }
            let set = try repository.loadCollectionSet(setID)
            var compacted = set
            for (j, collection) in set.collections.enumerated() {
                guard let plan = compactor.plan(collection.manifest) else { continue }
                if !dryRun { compacted.collections[j].manifest = try compactor.compact(collection.manifest) }
                changes.append(Self.change(node, collection, plan, after: compacted.collections[j].manifest))
            }
            if compacted.collections != set.collections { rewrites.append(Rewrite(node: i, original: set, compacted: compacted)) }
        }
        guard !changes.isEmpty else { return nil }
        guard !dryRun else { return .init(original: record.id.hex, replacement: nil, collections: changes) }
        report.addedBytes += try writer.finish().storedBytes
        for rewrite in rewrites {
            for (old, new) in zip(rewrite.original.collections, rewrite.compacted.collections) where old != new {
                try compactor.verify(new.manifest, against: old.manifest)
            }
        }
        let id = try replace(record, root: root, rewrites: rewrites, report: &report)
        return .init(original: record.id.hex, replacement: id.hex, collections: changes)
    }

    /// Writes the new collection sets and root tree, saves the new snapshot and removes the old.
    private func replace(_ record: SnapshotRecord, root: Tree, rewrites: [Rewrite], report: inout CompactionReport) throws -> BlobID {
        let writer = BlobWriter(repository: repository)
        var nodes = root.nodes
        for rewrite in rewrites {
            nodes[rewrite.node].subtree = try writer.addTree(rewrite.compacted.encoded(), hasher: repository.makeIDHasher(for: .tree))
        }
        let rootID = try writer.addTree(Tree(nodes: nodes).encoded(), hasher: repository.makeIDHasher(for: .tree))
        report.addedBytes += try writer.finish().storedBytes
        var snapshot = record.snapshot
        snapshot.tree = rootID.hex
        snapshot.original = record.snapshot.original ?? record.id.hex
        let id = try repository.saveSnapshot(snapshot)
        try repository.removeSnapshot(record.id)
        return id
    }

    private static func change(_ node: Node, _ collection: CollectionSet.Collection, _ plan: LayerPolicy.Plan,
                               after: CollectionManifest) -> CompactionReport.Collection {
        let action = if case .rebase = plan { "rebase" } else { "merge" }
        let runsAfter: Int
        switch plan {
        case .rebase: runsAfter = 0
        case .run(let merging, _): runsAfter = collection.manifest.runs.count - merging + 1
        }
        return .init(name: node.displayName + "/" + collection.displayName, action: action,
                     runsBefore: collection.manifest.runs.count, runsAfter: runsAfter)
    }
}
