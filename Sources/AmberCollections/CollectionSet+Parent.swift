import AmberManifest
import AmberRepository
import AmberSnapshot

extension CollectionSet {
    /// The manifest of collection `name` if this set (a parent backup's) is of `engine`.
    func parentManifest(engine: Engine, name: String) -> CollectionManifest? {
        self.engine == engine ? collection(named: name)?.manifest : nil
    }

    /// Builds one collection's manifest from documents sorted by key, as a run on top of `parent`
    /// (the collection's manifest in the previous backup) unless the policy compacts.
    ///
    /// A parent whose tree or runs cannot be read (damaged, or missing from the index) is dropped
    /// with a note in `notes`: the collection is then stored whole, and the backup goes on.
    static func buildManifest(_ repository: Repository, _ writer: BlobWriter, parent: CollectionManifest?, name: String,
                              notes: inout [String], hashesLeaves: Bool = false,
                              _ entries: (PipelinedBuilder<CollectionBuilder>) throws -> Void) throws -> CollectionManifest {
        let collectionBuilder: CollectionBuilder
        do {
            collectionBuilder = try CollectionBuilder(repository: repository, writer: writer, parent: parent)
        } catch {
            guard parent != nil else { throw error }
            notes.append("\(name): the previous backup of this collection cannot be read (\(error.message)); it is stored whole")
            collectionBuilder = try CollectionBuilder(repository: repository, writer: writer, parent: nil)
        }
        let builder = PipelinedBuilder(collectionBuilder, hashesLeaves: hashesLeaves)
        do {
            try entries(builder)
        } catch {
            builder.cancel()
            throw error
        }
        return try builder.finish()
    }

    /// One collection per table of a database of `engine`, each built from the rows `rows` appends,
    /// on top of the same table's manifest in `parent`.
    static func buildCollections(_ tables: [String], engine: Engine, parent: CollectionSet?, _ repository: Repository, _ writer: BlobWriter,
                                 notes: inout [String], hashesLeaves: Bool = false,
                                 rows: (String, PipelinedBuilder<CollectionBuilder>) throws -> Void) throws -> [Collection] {
        var collections = [Collection]()
        for table in tables {
            let manifest = try buildManifest(repository, writer, parent: parent?.parentManifest(engine: engine, name: table),
                                             name: table, notes: &notes, hashesLeaves: hashesLeaves) { builder in try rows(table, builder) }
            collections.append(.init(name: Array(table.utf8), manifest: manifest))
        }
        return collections
    }
}
