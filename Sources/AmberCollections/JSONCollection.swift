import AmberCore
import AmberDocuments
import AmberManifest
import AmberRepository
import AmberSnapshot
import Foundation

/// An NDJSON or JSON file: one collection of canonical JSON documents.
///
/// A JSON array is read, validated and sorted by key when opened. An NDJSON file is read once,
/// while it is stored: documents in increasing key order (a file written in id order) go straight
/// to the manifest, with no sort and no copy held. At the first key out of order the file is read
/// again through ``SortedDocuments`` (an external sort) and stored from that. Bad input is then
/// found while blobs are being written: the backup discards them (``SourceError``).
public final class JSONCollection: CollectionSource {
    public private(set) var notes: [String] = []
    let source: JSONCollectionSource
    /// The sorted documents of a JSON array, read when opened; `nil` for NDJSON.
    let documents: SortedDocuments?
    var idField: String?
    /// The NDJSON file's documents read ahead since ``startReading()``, if it was called, and the
    /// id field its reader found.
    private var readAhead: RowReadAhead?
    private let fieldFound = FieldFound()

    /// The id field an NDJSON file's reader found, set before it hands over the end of the file.
    private final class FieldFound {
        var field: String?
    }

    /// Opens `path`. `name` is the collection name (default: the file's stem); `idField` the
    /// document id field (default `_id`, else `id`).
    public init(path: String, format: JSONCollectionSource.Format, name: String?, idField: String?) throws {
        source = JSONCollectionSource(path: path, format: format, name: name, idField: idField)
        switch format {
        case .json:
            let (documents, field) = try source.readSorted()
            (self.documents, self.idField) = (documents, field)
        case .ndjson:
            try source.checkReadable()
            (documents, self.idField) = (nil, idField)
        }
    }

    deinit { readAhead?.cancel() }

    public var entryName: [UInt8] { Array(source.name.utf8) }

    /// Starts reading an NDJSON file in key order on a thread of its own (``RowReadAhead``),
    /// for ``archive(repository:writer:parent:)`` to take: called while the repository is
    /// unlocked. A file out of key order is found by the reader and sorted by `archive` as
    /// without reading ahead.
    public func startReading() {
        guard documents == nil, readAhead == nil else { return }
        let source = self.source, field = idField, found = fieldFound
        readAhead = RowReadAhead(tables: [source.name], interrupt: {}) { _, emit in
            var field = field
            try source.forEachInKeyOrder(field: &field) { try emit(($0.keyBytes, $0.value)) }
            found.field = field  // before the reader hands over the end of the file
        }
    }

    public func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        let parentManifest = parent?.parentManifest(engine: .json, name: source.name)
        func build(hashesLeaves: Bool = false, _ entries: (PipelinedBuilder<CollectionBuilder>) throws -> Void) throws -> CollectionManifest {
            try CollectionSet.buildManifest(repository, writer, parent: parentManifest, name: source.name, notes: &notes,
                                            hashesLeaves: hashesLeaves, entries)
        }
        defer { readAhead?.cancel() }
        let manifest: CollectionManifest
        let notesBefore = notes.count
        if let documents {
            manifest = try build { builder in try documents.forEach { try builder.append(key: $0.keyBytes, value: $0.value) } }
        } else {
            do {
                if let readAhead {
                    // What the reader parsed reaches the builder chunk by chunk, leaf boundaries hashed.
                    readAhead.hashLeaves(with: LeafHasher(repository: repository))
                    manifest = try build { builder in
                        try readAhead.forEachChunk(of: source.name) { rows in try builder.append(entries: rows) }
                    }
                    idField = fieldFound.field ?? idField
                } else {
                    manifest = try build { builder in
                        try source.forEachInKeyOrder(field: &idField) { try builder.append(key: $0.keyBytes, value: $0.value) }
                    }
                }
            } catch is JSONCollectionSource.NotInKeyOrder {
                notes.removeSubrange(notesBefore...)  // the second build notes the same again
                let (sorted, field) = try source.readSorted()
                idField = field
                manifest = try build { builder in try sorted.forEach { try builder.append(key: $0.keyBytes, value: $0.value) } }
            }
        }
        let schema = JSONValue.object([.init("format", .string(source.format.rawValue)), .init("id_field", .string(idField ?? "_id"))])
        let set = CollectionSet(engine: .json, schema: schema.canonicalBytes,
                                collections: [.init(name: Array(source.name.utf8), manifest: manifest)])
        return try save(set, repository, writer)
    }
}
