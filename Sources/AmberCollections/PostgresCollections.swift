import AmberCore
import AmberManifest
import AmberPostgres
import AmberRepository
import AmberSnapshot

/// A PostgreSQL database: one collection per table (`schema.table`), read in one
/// `REPEATABLE READ, READ ONLY` transaction opened before the backup writes anything.
public final class PostgresCollections: CollectionSource {
    private var ownNotes: [String] = []
    let source: PostgresSource
    let schema: PostgresSchema
    let name: String
    /// The rows read ahead since ``startReading()``, if it was called.
    private var readAhead: RowReadAhead?
    /// Warnings of the source (tables without a primary key, keyed by content; no `pg_dump`).
    public var warnings: [String] { source.warnings }
    /// The source's warnings, then what the archive noted.
    public var notes: [String] { source.warnings + ownNotes }

    /// Connects to `uri` and reads the schema of the `schemas` and `tables` given (default: all).
    /// With `globals`, the server's roles and tablespaces too (``PostgresGlobals``).
    public init(uri: String, schemas: [String], tables: [String], globals: Bool = false) throws {
        source = try PostgresSource(uri: uri, schemas: schemas, tables: tables, dumpsSchema: true, globals: globals)
        schema = source.readSchema()
        // The entry is the database name as libpq reads it, never the credentials.
        name = try PGConnectionInfo(uri).database ?? "postgresql"
    }

    deinit {
        readAhead?.cancel()
        source.close()
    }

    /// Starts reading the tables' rows on a thread of their own (``RowReadAhead``), for
    /// ``archive(repository:writer:parent:)`` to take: called while the repository is unlocked.
    public func startReading() {
        guard readAhead == nil, !schema.tables.isEmpty, let canceller = try? source.connection.makeCanceller() else { return }
        let source = self.source
        // The connection is closed after the reader stops: a cancelled COPY need not be read to its end.
        source.connection.abandonsCopyOnError = true
        readAhead = RowReadAhead(tables: schema.tables.map(\.qualifiedName), interrupt: { canceller.cancel() }) { table, emit in
            try source.forEachEncodedRow(table: table) { key, row in try emit((key, row)) }
        }
    }

    public var entryName: [UInt8] { Array(name.utf8) }

    public func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        let collections: [CollectionSet.Collection]
        readAhead?.hashLeaves(with: LeafHasher(repository: repository))
        do {
            collections = try CollectionSet.buildCollections(schema.tables.map(\.qualifiedName), engine: .postgresql, parent: parent,
                                                             repository, writer, notes: &ownNotes,
                                                             hashesLeaves: false) { table, builder in
                // Rows read ahead reach the builder chunk by chunk, their leaf boundaries hashed by the reader.
                if let readAhead {
                    try readAhead.forEachChunk(of: table) { rows in try builder.append(entries: rows) }
                } else {
                    try source.forEachEncodedRow(table: table) { key, row in try builder.append(key: key, value: row) }
                }
            }
        } catch {
            readAhead?.cancel()
            source.close()
            throw error
        }
        let schema = source.finishSchema()
        readAhead?.cancel()
        source.close()
        return try save(CollectionSet(engine: .postgresql, schema: schema.canonicalJSON, collections: collections), repository, writer)
    }
}
