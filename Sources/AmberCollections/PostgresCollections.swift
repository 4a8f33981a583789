import AmberCore
import AmberManifest
import AmberPostgres
import AmberRepository
import AmberSnapshot

/// A PostgreSQL database: one collection per table (`schema.table`), read in one
/// `REPEATABLE READ, READ ONLY` transaction opened before the backup writes anything.
///
/// With `jobs` above 1, the tables are shared among that many readers (``TableGroups``), each on
/// a connection of its own that joins the first one's snapshot (`pg_export_snapshot()`, as
/// `pg_dump -j` does), and their collections are built side by side: the rows are those a single
/// reader would read, and the snapshot is the same.
public final class PostgresCollections: CollectionSource {
    /// One reader: its connection, its tables in schema order, and its rows read ahead. Sendable
    /// as used: the source is read by the read-ahead thread alone until it is closed, after the
    /// consumers are done; consumers take rows from ``RowReadAhead``, which is thread-safe.
    struct Reader: @unchecked Sendable {
        let source: PostgresSource
        let tables: [String]
        let readAhead: RowReadAhead
    }

    var ownNotes: [String] = []
    let source: PostgresSource
    let schema: PostgresSchema
    let name: String
    private let uri: String
    private let jobs: Int
    /// The readers since ``startReading()``, if it was called: the first reads on ``source``.
    private(set) var readers: [Reader] = []
    /// Warnings of the sources (tables without a primary key, keyed by content; no `pg_dump`).
    public var warnings: [String] { source.warnings + readers.dropFirst().flatMap(\.source.warnings) }
    /// The sources' warnings, then what the archive noted.
    public var notes: [String] { warnings + ownNotes }

    /// Connects to `uri` and reads the schema of the `schemas` and `tables` given (default: all).
    /// With `globals`, the server's roles and tablespaces too (``PostgresGlobals``). `jobs`:
    /// how many tables are read at once (see the type's discussion).
    public init(uri: String, schemas: [String], tables: [String], globals: Bool = false, jobs: Int = 1) throws {
        source = try PostgresSource(uri: uri, schemas: schemas, tables: tables, dumpsSchema: true, globals: globals)
        schema = source.readSchema()
        // The entry is the database name as libpq reads it, never the credentials.
        name = try PGConnectionInfo(uri).database ?? "postgresql"
        self.uri = uri
        self.jobs = max(1, jobs)
    }

    deinit {
        closeAll()
    }

    private func closeAll() {
        for reader in readers { reader.readAhead.cancel() }
        for reader in readers.dropFirst() { reader.source.close() }
        source.close()
    }

    /// Starts reading the tables' rows on threads of their own (``RowReadAhead``), for
    /// ``archive(repository:writer:parent:)`` to take: called while the repository is unlocked.
    /// A reader whose connection cannot be opened leaves its tables to the others, with a note.
    public func startReading() {
        guard readers.isEmpty, !schema.tables.isEmpty else { return }
        let tables = schema.tables.map(\.qualifiedName)
        var sources = [source]
        let wanted = min(jobs, tables.count)
        if wanted > 1 {
            do {
                let snapshot = try source.exportSnapshot()
                for _ in 1..<wanted { sources.append(try PostgresSource(uri: uri, joining: snapshot, schema: schema)) }
            } catch {
                ownNotes.append("reading \(sources.count) tables at a time instead of --jobs \(wanted): another connection failed: \(error)")
            }
        }
        var cancellers = sources.map { try? $0.connection.makeCanceller() }
        if cancellers.contains(where: { $0 == nil }) {
            // Without a way to interrupt a reader, read without reading ahead, on one connection.
            for extra in sources.dropFirst() { extra.close() }
            sources = [source]
            cancellers = [cancellers[0]]
            guard cancellers[0] != nil else { return }
        }
        let sizes = sources.count > 1 ? (try? source.tableSizes()) ?? [:] : [:]
        for ((reader, canceller), group) in zip(zip(sources, cancellers.compactMap { $0 }), TableGroups.share(tables, among: sources.count, sizes: sizes)) {
            // The connection is closed after the reader stops: a cancelled COPY need not be read to its end.
            reader.connection.abandonsCopyOnError = true
            let readAhead = RowReadAhead(tables: group, interrupt: { canceller.cancel() }) { table, emit in
                try reader.forEachEncodedRow(table: table) { key, row in try emit((key, row)) }
            }
            readers.append(Reader(source: reader, tables: group, readAhead: readAhead))
        }
    }

    public var entryName: [UInt8] { Array(name.utf8) }

    public func archive(repository: Repository, writer: BlobWriter, parent: CollectionSet?) throws -> (set: BlobID, collections: [Snapshot.CollectionSummary]) {
        let collections: [CollectionSet.Collection]
        for reader in readers { reader.readAhead.hashLeaves(with: LeafHasher(repository: repository)) }
        do {
            collections = try buildCollections(repository, writer, parent: parent)
        } catch {
            closeAll()
            throw error
        }
        let schema = source.finishSchema()
        closeAll()
        return try save(CollectionSet(engine: .postgresql, schema: schema.canonicalJSON, collections: collections), repository, writer)
    }
}
