import AmberCore
import AmberDocuments
import AmberRepository
import AmberSnapshot

/// An NDJSON or JSON file: one collection of canonical JSON documents, read, validated and
/// sorted by key when opened.
public final class JSONCollection: CollectionSource {
    public private(set) var notes: [String] = []
    let source: JSONCollectionSource
    let documents: SortedDocuments
    let idField: String

    /// Reads `path`. `name` is the collection name (default: the file's stem); `idField` the
    /// document id field (default `_id`, else `id`).
    public init(path: String, format: JSONCollectionSource.Format, name: String?, idField: String?) throws {
        source = JSONCollectionSource(path: path, format: format, name: name, idField: idField)
        (documents, self.idField) = try source.readSorted()
    }

    public var entryName: [UInt8] { Array(source.name.utf8) }

    public func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        let manifest = try CollectionSet.buildManifest(repository, writer, parent: parent?.parentManifest(engine: .json, name: source.name),
                                                       name: source.name, notes: &notes) { builder in
            try documents.forEach { try builder.append(key: $0.keyBytes, value: $0.value) }
        }
        let schema = JSONValue.object([.init("format", .string(source.format.rawValue)), .init("id_field", .string(idField))])
        let set = CollectionSet(engine: .json, schema: schema.canonicalBytes,
                                collections: [.init(name: Array(source.name.utf8), manifest: manifest)])
        return try save(set, repository, writer)
    }
}
