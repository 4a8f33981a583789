import AmberCore
import AmberManifest
import AmberRepository
import AmberSnapshot

extension CollectionSet {
    /// Copies the collection set stored as `id` in `source` into `target`, a repository with
    /// other keys (`amber copy`): each collection's documents, read in key order, are built
    /// anew into a compact manifest under the target's keys (ids, boundaries and chunks are keyed,
    /// so nothing of the source's nodes can be reused); the engine and structure are kept as
    /// they are. Returns the id of the new set's tree blob, written through `writer`.
    public static func copy(_ id: BlobID, from source: Repository, to target: Repository, writer: BlobWriter) throws -> BlobID {
        let set = try source.loadCollectionSet(id)
        var notes = [String]()
        var collections = [Collection]()
        for collection in set.collections {
            let manifest = try buildManifest(target, writer, parent: nil, name: collection.displayName, notes: &notes) { builder in
                try ManifestReader(repository: source, manifest: collection.manifest).scan { key, value throws(ManifestError) in
                    try builder.append(key: key, value: value)
                    return true
                }
            }
            collections.append(Collection(name: collection.name, manifest: manifest))
        }
        let copied = CollectionSet(engine: set.engine, schema: set.schema, collections: collections)
        return try writer.addTree(copied.encoded(), hasher: target.makeIDHasher(for: .tree))
    }
}
