import AmberCore
import AmberRepository

/// Compacts a collection's layers as the ``LayerPolicy`` plans (`docs/manifest-format.md`
/// §Tiers): merges its newest runs into one run, or writes a new packed base of every entry and
/// no runs. The collection's entries do not change: the result has the same canonical root.
///
/// Before returning, the compactor walks the new layers and hashes their canonical tree again:
/// a result whose root differs from the manifest's is refused (and the caller keeps the
/// manifest it had), so a compaction can cost time but never change what a snapshot holds.
public struct CollectionCompactor {
    private let repository: Repository
    private let writer: BlobWriter
    private let policy: LayerPolicy

    public init(repository: Repository, writer: BlobWriter, policy: LayerPolicy = LayerPolicy()) {
        self.repository = repository
        self.writer = writer
        self.policy = policy
    }

    /// What compacting `manifest` would write, or nil when nothing is due.
    public func plan(_ manifest: CollectionManifest) -> LayerPolicy.Plan? {
        policy.compaction(of: manifest)
    }

    /// The compacted manifest, or `manifest` itself when nothing is due.
    ///
    /// The blobs written stay in the writer's open packs, unreadable, until
    /// ``BlobWriter/finish()``: call it, then ``verify(_:against:)``, before recording the result.
    public func compact(_ manifest: CollectionManifest) throws(ManifestError) -> CollectionManifest {
        switch plan(manifest) {
        case nil:
            return manifest
        case .rebase:
            let base = ManifestBuilder.packed(repository: repository, writer: writer)
            var cursor = try ManifestCursor(loader: loader(), manifest: manifest, start: nil)
            while let entry = try cursor.next() { try base.append(key: entry.key, stored: entry.value) }
            return CollectionManifest(canonical: manifest.canonical, base: try base.finish(), runs: [], hasPackedBase: true)
        case .run(let merging, let tier):
            let absorbed = Array(manifest.runs.suffix(merging))
            let run = try RunWriter(builder: .packed(repository: repository, writer: writer), loader: loader(), absorbing: absorbed)
            let kept = manifest.runs.count - merging
            return CollectionManifest(canonical: manifest.canonical, base: manifest.base,
                                      runs: Array(manifest.runs.prefix(kept)) + [try run.finish()],
                                      tiers: Array(manifest.tiers.prefix(kept)) + [tier], hasPackedBase: true)
        }
    }

    /// Checks that `compacted` holds the entries of `original`: hashes the canonical tree of
    /// its merged layers and compares the root with `original`'s canonical root. Reads the
    /// repository, so call it after the writer's ``BlobWriter/finish()``.
    public func verify(_ compacted: CollectionManifest, against original: CollectionManifest) throws(ManifestError) {
        let root = try loader().canonicalRoot(of: compacted)
        guard root.id == original.canonical.id, root.count == original.canonical.count else {
            throw ManifestError(.damaged, "the compacted layers do not hold the collection's entries (canonical root \(root.id.shortHex), expected \(original.canonical.id.shortHex)); the snapshot is left as it was")
        }
    }

    private func loader() -> ManifestNodeLoader {
        ManifestNodeLoader(repository: repository, cachedNodes: 16)
    }
}
