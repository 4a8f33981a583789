import AmberCore
import AmberRepository

/// Takes entries in strictly increasing key order and ends with a result: a ``ManifestBuilder``
/// (a tree) or a ``CollectionBuilder`` (a collection's manifest).
public protocol EntrySink: AnyObject, SendableMetatype {
    associatedtype Result
    /// Appends an entry; `leafHash` is its key's level-0 boundary hash when a ``LeafHasher``
    /// from ``makeLeafHasher()`` computed it on another thread, `nil` to compute it here.
    func append(key: [UInt8], value: [UInt8], leafHash: UInt32?) throws(ManifestError)
    /// A hasher of leaf boundaries for another thread.
    func makeLeafHasher() -> LeafHasher
    func finish() throws(ManifestError) -> Result
}

extension ManifestBuilder: EntrySink {}

/// Builds the manifest a backup records for a collection, given the one its previous backup of
/// the same collection recorded (the *parent*, `docs/manifest-format.md` §Layers).
///
/// Every build hashes the canonical tree of the entries without storing it. Then, as the
/// ``LayerPolicy`` plans, it either stores every entry as a new packed base (*rebase*: no
/// parent, a parent from before packed bases, or runs grown past the policy), or merges the
/// entries in key order with the parent's and stores the differences as a run of tier 0 on top
/// of the parent's layers (``CollectionCompactor`` merges runs later). The layers are
/// written on a thread of their own (``LayerThread``), beside the canonical tree's.
public final class CollectionBuilder: EntrySink {
    private let canonical: ManifestBuilder
    private let layers: LayerThread

    /// - Parameter parent: the manifest of the collection's previous backup, if any.
    public init(repository: Repository, writer: BlobWriter, parent: CollectionManifest?,
                policy: LayerPolicy = LayerPolicy()) throws(ManifestError) {
        canonical = ManifestBuilder(repository: repository, writer: writer, storesNodes: false)
        if let parent, case .run = policy.plan(parent: parent) {
            let run = try RunBuilder(repository: repository, writer: writer, parent: parent)
            layers = LayerThread(.run(run))
        } else {
            layers = LayerThread(.rebase(.packed(repository: repository, writer: writer)))
        }
    }

    /// Appends an entry. Keys must be strictly increasing in unsigned-byte lexicographic order.
    /// `leafHash`: the key's canonical leaf boundary hash, if already computed (``makeLeafHasher()``).
    public func append(key: [UInt8], value: [UInt8], leafHash: UInt32? = nil) throws(ManifestError) {
        let stored = try canonical.add(key: key, value: value, leafHash: leafHash)
        try layers.append(key: key, stored: stored)
    }

    /// A hasher of the canonical tree's leaf boundaries, for the thread that produces the entries.
    public func makeLeafHasher() -> LeafHasher { canonical.makeLeafHasher() }

    /// Ends the build and returns the collection's manifest.
    public func finish() throws(ManifestError) -> CollectionManifest {
        let root: ManifestRoot
        do {
            root = try canonical.finish()
        } catch {
            layers.cancel()
            throw error
        }
        return try layers.finish(canonical: root)
    }
}

extension ManifestBuilder {
    /// A builder of a *packed* tree (§Packed trees): a base or a run, cut at large sizes, its
    /// leaves of database rows columnar, its nodes compressed harder than the repository's level.
    /// `leafWorkers`: see ``init(repository:writer:storesNodes:targets:nodeLevel:columnarLeaves:leafWorkers:)``.
    static func packed(repository: Repository, writer: BlobWriter, leafWorkers: Bool = true) -> ManifestBuilder {
        ManifestBuilder(repository: repository, writer: writer,
                        targets: (ManifestFormat.packedLeafTarget, ManifestFormat.packedInternalTarget),
                        nodeLevel: ManifestFormat.packedCompressionLevel, columnarLeaves: true, leafWorkers: leafWorkers)
    }
}
