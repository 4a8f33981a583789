import AmberCore
import AmberDocuments
import AmberFilesystem
import AmberManifest
import AmberPostgres
import AmberRepository
import AmberSQLite
import AmberSnapshot
import Foundation

/// Opens `ndjson:PATH`, `json:PATH` and `sqlite:PATH` sources for a backup.
public struct CollectionSources: CollectionSourceOpener {
    /// `--collection`: the collection name for JSON sources (default: the file's stem).
    public var collectionName: String?
    /// `--id-field`: the id field for JSON sources (default `_id`, else `id`).
    public var idField: String?
    /// `--schema` / `--table`: what to capture of a PostgreSQL database (default: everything).
    public var schemas: [String]
    public var tables: [String]

    public init(collectionName: String? = nil, idField: String? = nil, schemas: [String] = [], tables: [String] = []) {
        self.collectionName = collectionName
        self.idField = idField
        self.schemas = schemas
        self.tables = tables
    }

    public func open(_ source: String) throws -> (any CollectionSource)? {
        if let path = Self.strip(source, "ndjson:") {
            return try JSONCollection(JSONCollectionSource(path: path, format: .ndjson, name: collectionName, idField: idField))
        }
        if let path = Self.strip(source, "json:") {
            return try JSONCollection(JSONCollectionSource(path: path, format: .json, name: collectionName, idField: idField))
        }
        if let path = Self.strip(source, "sqlite:") {
            return try SQLiteCollections(path: path)
        }
        if source.hasPrefix("postgresql://") || source.hasPrefix("postgres://") {
            return try PostgresCollections(uri: source, schemas: schemas, tables: tables)
        }
        return nil
    }

    static func strip(_ source: String, _ prefix: String) -> String? {
        source.hasPrefix(prefix) ? String(source.dropFirst(prefix.count)) : nil
    }
}

/// Builds one collection's manifest from documents sorted by key, as a run on top of `parent`
/// (the collection's manifest in the previous backup) unless the policy compacts.
///
/// A parent whose tree or runs cannot be read (damaged, or missing from the index) is dropped
/// with a note in `notes`: the collection is then stored whole, and the backup goes on.
func buildManifest(_ repository: Repository, _ writer: BlobWriter, parent: CollectionManifest?, name: String, notes: inout [String],
                   _ entries: (PipelinedBuilder<CollectionBuilder>) throws -> Void) throws -> CollectionManifest {
    let collectionBuilder: CollectionBuilder
    do {
        collectionBuilder = try CollectionBuilder(repository: repository, writer: writer, parent: parent)
    } catch {
        guard parent != nil else { throw error }
        notes.append("\(name): the previous backup of this collection cannot be read (\(error.message)); it is stored whole")
        collectionBuilder = try CollectionBuilder(repository: repository, writer: writer, parent: nil)
    }
    let builder = PipelinedBuilder(collectionBuilder)
    do {
        try entries(builder)
    } catch {
        builder.cancel()
        throw error
    }
    return try builder.finish()
}

extension CollectionSource {
    /// What each collection of a set holds, named `ENTRY/COLLECTION`.
    func summaries(_ set: CollectionSet) -> [Snapshot.CollectionSummary] {
        let entry = String(decoding: entryName, as: UTF8.self)
        return set.collections.map { .init(name: entry + "/" + $0.displayName, documents: $0.manifest.count, bytes: $0.manifest.valueBytes) }
    }
}

extension CollectionSet {
    /// The manifest of collection `name` if this set (a parent backup's) is of `engine`.
    func parentManifest(engine: Engine, name: String) -> CollectionManifest? {
        self.engine == engine ? collection(named: name)?.manifest : nil
    }
}

/// Stores a collection set as a tree blob; returns its id.
func saveCollectionSet(_ set: CollectionSet, _ repository: Repository, _ writer: BlobWriter) throws -> BlobID {
    let bytes = set.encoded()
    let id = repository.makeIDHasher(for: .tree).id(bytes)
    try writer.add(.tree, id: id, plaintext: bytes)
    return id
}

/// An NDJSON or JSON file: one collection of canonical JSON documents.
final class JSONCollection: CollectionSource {
    var notes: [String] = []
    let source: JSONCollectionSource
    let documents: SortedDocuments
    let idField: String

    init(_ source: JSONCollectionSource) throws {
        self.source = source
        (documents, idField) = try source.readSorted()
    }

    var entryName: [UInt8] { Array(source.name.utf8) }

    func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        let manifest = try buildManifest(repository, writer, parent: parent?.parentManifest(engine: .json, name: source.name),
                                     name: source.name, notes: &notes) { builder in
            try documents.forEach { try builder.append(key: $0.keyBytes, value: $0.value) }
        }
        let schema = JSONValue.object([.init("format", .string(source.format.rawValue)), .init("id_field", .string(idField))])
        let set = CollectionSet(engine: .json, schema: schema.canonicalBytes,
                                collections: [.init(name: Array(source.name.utf8), manifest: manifest)])
        return (try saveCollectionSet(set, repository, writer), summaries(set))
    }
}

/// A SQLite database: one collection per table, rows keyed by primary key (or rowid), read in
/// one transaction opened before the backup writes anything.
final class SQLiteCollections: CollectionSource {
    var notes: [String] = []
    let path: String
    let source: SQLiteSource
    let schema: SQLiteSchema

    init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceError(file: path, message: "no such SQLite database")
        }
        self.path = path
        source = try SQLiteSource(path: path)
        schema = try source.readSchema()
    }

    deinit { try? source.close() }

    var entryName: [UInt8] { Array((path as NSString).lastPathComponent.utf8) }

    func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        var collections = [CollectionSet.Collection]()
        for table in schema.tables {
            let manifest = try buildManifest(repository, writer, parent: parent?.parentManifest(engine: .sqlite, name: table.name),
                                         name: table.name, notes: &notes) { builder in
                try source.forEachRow(table: table.name) { key, row in
                    try builder.append(key: key.encoded, value: row.encoded)
                }
            }
            collections.append(.init(name: Array(table.name.utf8), manifest: manifest))
        }
        try source.close()
        let set = CollectionSet(engine: .sqlite, schema: schema.canonicalJSON, collections: collections)
        return (try saveCollectionSet(set, repository, writer), summaries(set))
    }
}

/// A PostgreSQL database: one collection per table (`schema.table`), read in one
/// `REPEATABLE READ, READ ONLY` transaction opened before the backup writes anything.
final class PostgresCollections: CollectionSource {
    var notes: [String] = []
    let source: PostgresSource
    let schema: PostgresSchema
    let name: String
    /// Warnings of the source (tables without a primary key, keyed by content).
    var warnings: [String] { source.warnings }

    init(uri: String, schemas: [String], tables: [String]) throws {
        source = try PostgresSource(uri: uri, schemas: schemas, tables: tables)
        schema = source.readSchema()
        // The entry is the database name: the URI's path, without parameters or credentials.
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        name = path.split(separator: "/").last.map(String.init).flatMap { $0.contains("@") || $0.contains(":") ? nil : $0 } ?? "postgresql"
    }

    deinit { source.close() }

    var entryName: [UInt8] { Array(name.utf8) }

    func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        var collections = [CollectionSet.Collection]()
        for table in schema.tables {
            let manifest = try buildManifest(repository, writer, parent: parent?.parentManifest(engine: .postgresql, name: table.qualifiedName),
                                         name: table.qualifiedName, notes: &notes) { builder in
                try source.forEachEncodedRow(table: table.qualifiedName) { key, row in
                    try builder.append(key: key.encoded, value: row)
                }
            }
            collections.append(.init(name: Array(table.qualifiedName.utf8), manifest: manifest))
        }
        source.close()
        let set = CollectionSet(engine: .postgresql, schema: schema.canonicalJSON, collections: collections)
        return (try saveCollectionSet(set, repository, writer), summaries(set))
    }
}
