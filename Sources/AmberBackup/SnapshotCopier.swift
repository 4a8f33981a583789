import AmberCollections
import AmberCore
import AmberCrypto
import AmberRepository
import AmberSnapshot
import Foundation

/// Copies snapshots from one repository into another whose keys differ (`amber copy`, restic's
/// `copy`): every blob is read, decrypted and stored again under the target's keys, so its id
/// is computed anew; trees are rebuilt bottom-up with the new ids, and collections are rebuilt
/// from their documents (``AmberCollections/CollectionSet/copy(_:from:to:writer:)``). Files keep
/// the source's chunk boundaries (as restic's copy between repositories with other chunker
/// parameters does): later backups into the target deduplicate against them only where their
/// own boundaries agree.
///
/// A copy records the source snapshot's `original` (its own id, or the one it was made from), and
/// a snapshot whose original the target already holds is skipped: copying again copies only
/// what is new. Each snapshot is saved after every blob it needs is in the target's index.
public final class SnapshotCopier {
    private let source: Repository
    private let target: Repository
    private var data: [BlobID: BlobID] = [:]
    private var trees: [BlobID: BlobID] = [:]
    /// Collection sets copied, by source id: a set that two snapshots share is rebuilt once.
    private var sets: [BlobID: BlobID] = [:]
    private let dataIDs: HMACSHA256
    private let treeIDs: HMACSHA256

    /// What a copy did: each snapshot copied (source id, new id) and each skipped (already there).
    public struct Report: Sendable, Encodable {
        public var copied: [Copied] = []
        public var skipped: [String] = []
        public var addedBytes: UInt64 = 0

        public struct Copied: Sendable, Encodable {
            public let source: String
            public let snapshot: String
        }

        enum CodingKeys: String, CodingKey { case copied, skipped, addedBytes = "added_bytes" }
    }

    /// - Parameters: `source` and `target` opened, their indexes loaded, locks held by the caller.
    public init(from source: Repository, to target: Repository) {
        self.source = source
        self.target = target
        dataIDs = target.makeIDHasher(for: .data)
        treeIDs = target.makeIDHasher(for: .tree)
    }

    /// Copies `records` (oldest first) that the target does not hold yet.
    public func copy(_ records: [SnapshotRecord]) throws -> Report {
        var report = Report()
        var present = Set<String>()
        for record in try target.readableSnapshots() {
            present.insert(record.id.hex)
            if let original = record.snapshot.original { present.insert(original) }
        }
        for record in records.sorted(by: { $0.snapshot.date < $1.snapshot.date }) {
            let original = record.snapshot.original ?? record.id.hex
            guard !present.contains(original) else {
                report.skipped.append(record.id.hex)
                continue
            }
            let root = try record.rootTree()
            let writer = BlobWriter(repository: target)
            let tree = try copyTree(root, writer: writer)
            let written = try writer.finish()
            var snapshot = record.snapshot
            snapshot.tree = tree.hex
            snapshot.original = original
            snapshot.parent = nil
            snapshot.stats.addedBytes = written.storedBytes
            snapshot.stats.blobsAdded = UInt64(written.blobs)
            let id = try target.saveSnapshot(snapshot)
            present.insert(original)
            report.copied.append(.init(source: record.id.hex, snapshot: id.hex))
            report.addedBytes += written.storedBytes
        }
        return report
    }

    /// The target's id of the source's tree `id`, copied with everything below it.
    private func copyTree(_ id: BlobID, writer: BlobWriter) throws -> BlobID {
        if let copied = trees[id] { return copied }
        var tree = try source.loadTree(id)
        for i in tree.nodes.indices {
            switch tree.nodes[i].kind {
            case .file:
                tree.nodes[i].content = try tree.nodes[i].content.map { try copyData($0, writer: writer) }
            case .directory:
                if let subtree = tree.nodes[i].subtree { tree.nodes[i].subtree = try copyTree(subtree, writer: writer) }
            case .database:
                if let subtree = tree.nodes[i].subtree {
                    if sets[subtree] == nil { sets[subtree] = try CollectionSet.copy(subtree, from: source, to: target, writer: writer) }
                    tree.nodes[i].subtree = sets[subtree]
                }
            default:
                break
            }
        }
        let copied = try writer.addTree(tree.encoded(), hasher: treeIDs)
        trees[id] = copied
        return copied
    }

    /// The target's id of the source's data blob `id`, stored under the target's keys.
    private func copyData(_ id: BlobID, writer: BlobWriter) throws -> BlobID {
        if let copied = data[id] { return copied }
        let plaintext = try source.loadBlob(id, type: .data)
        let copied = dataIDs.id(plaintext)
        _ = try writer.add(.data, id: copied, plaintext: plaintext)
        data[id] = copied
        return copied
    }
}
