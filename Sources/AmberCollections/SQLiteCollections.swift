import AmberCore
import AmberRepository
import AmberSQLite
import AmberSnapshot
import Foundation

/// A SQLite database: one collection per table, rows keyed by primary key (or rowid), read in
/// one transaction opened before the backup writes anything.
public final class SQLiteCollections: CollectionSource {
    public private(set) var notes: [String] = []
    let path: String
    let source: SQLiteSource
    let schema: SQLiteSchema

    /// Opens the database at `path` and reads its schema.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SourceError(file: path, message: "no such SQLite database")
        }
        self.path = path
        source = try SQLiteSource(path: path)
        schema = try source.readSchema()
    }

    deinit { try? source.close() }

    public var entryName: [UInt8] { Array((path as NSString).lastPathComponent.utf8) }

    public func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        let collections = try CollectionSet.buildCollections(schema.tables.map(\.name), engine: .sqlite, parent: parent, repository, writer,
                                                             notes: &notes) { table, builder in
            try source.forEachRow(table: table) { key, row in
                try builder.append(key: key.encoded, value: row.encoded)
            }
        }
        try source.close()
        return try save(CollectionSet(engine: .sqlite, schema: schema.canonicalJSON, collections: collections), repository, writer)
    }
}
