import AmberCollections
import AmberCore
import AmberManifest
import AmberRepository
import AmberSnapshot

/// What changed between two snapshots, as `diff --json` and the web UI's `/api/diff` show it:
/// the files and directories (restic's modifiers) and, per collection, the document keys
/// added, changed and removed.
public struct SnapshotDiff: Encodable, Sendable {
    /// One path, marked as restic marks it (`+`, `-`, `M`, `T`, `U`).
    public struct FileChange: Encodable, Sendable {
        public let modifier: String
        public let path: String
    }

    /// One collection's changed documents, by displayed key.
    public struct CollectionChanges: Encodable, Sendable {
        public let name: String
        public var added: [String] = []
        public var changed: [String] = []
        public var removed: [String] = []
    }

    public let files: [FileChange]
    public let collections: [CollectionChanges]

    /// Compares the snapshot trees `a` (older) and `b`; `metadata` also lists paths whose
    /// metadata alone changed (`U`).
    public init(repository: Repository, from a: BlobID, to b: BlobID, metadata: Bool = false) throws {
        let old = try repository.collections(ofTree: a), new = try repository.collections(ofTree: b)
        var names = [String]()
        for c in old + new where !names.contains("\(c.entry)/\(c.name)") { names.append("\(c.entry)/\(c.name)") }
        let ambiguous = Set((old + new).map(\.name)).filter { n in Set((old + new).filter { $0.name == n }.map(\.entry)).count > 1 }
        var collections = [CollectionChanges]()
        for full in names.sorted() {
            let before = old.first { "\($0.entry)/\($0.name)" == full }
            let after = new.first { "\($0.entry)/\($0.name)" == full }
            let name = (before ?? after)!.name
            collections.append(try Self.changes(repository, before: before, after: after, name: ambiguous.contains(name) ? full : name))
        }
        self.collections = collections
        files = try repository.diffTrees(a, b, metadata: metadata).map { FileChange(modifier: $0.modifier.rawValue, path: $0.path) }
    }

    /// The documents of one collection that differ between `before` and `after`.
    private static func changes(_ repository: Repository, before: SnapshotCollection?, after: SnapshotCollection?,
                                name: String) throws -> CollectionChanges {
        var diff = CollectionChanges(name: name)
        if let after {
            for change in try ManifestDiff.diff(repository, from: before?.manifest, to: after.manifest) {
                let key = DocumentFormat.display(change.key)
                switch change.kind {
                case .added: diff.added.append(key)
                case .changed: diff.changed.append(key)
                case .removed: diff.removed.append(key)
                }
            }
        } else if let before {
            try ManifestReader(repository: repository, manifest: before.manifest).scan { key, _ in
                diff.removed.append(DocumentFormat.display(key))
                return true
            }
        }
        return diff
    }
}
