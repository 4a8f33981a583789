import AmberDocuments

/// Reads a SQLite database as a schema and, per table, rows keyed by primary key, all from one
/// consistent snapshot.
///
/// `init` opens the file read-only and begins one read transaction, pinned at once by a read of
/// `sqlite_master`: every later ``readSchema()`` and ``forEachRow(table:_:)`` sees the database
/// as it was at that moment. Another connection may keep writing meanwhile: in WAL mode the
/// writer commits and the source still reads its snapshot; in rollback-journal mode the source
/// holds a SHARED lock, so a writer can prepare changes but waits (or gets `SQLITE_BUSY`) to
/// commit until ``close()``. Close promptly.
///
/// ``SQLiteTarget`` output is read back with this same type (`restore --verify`).
public final class SQLiteSource {
    /// The database file.
    public let path: String
    private let database: SQLiteDatabase
    private var schema: SQLiteSchema?

    /// Opens `path` read-only and begins the read transaction.
    ///
    /// - Parameter busyTimeout: how long to wait for a writer's exclusive lock to clear.
    public init(path: String, busyTimeout: Duration = .seconds(10)) throws(SQLiteError) {
        self.path = path
        database = try SQLiteDatabase(path: path, mode: .readOnly, busyTimeout: busyTimeout)
        do {
            try database.execute("BEGIN DEFERRED")
            // A deferred transaction takes its snapshot at the first read; read now.
            _ = try database.column("SELECT count(*) FROM main.sqlite_master")
        } catch {
            try? database.close()
            throw error
        }
    }

    /// Ends the read transaction and closes the file. Closing twice is a no-op.
    public func close() throws(SQLiteError) {
        guard !database.isClosed else { return }
        try database.execute("ROLLBACK")
        try database.close()
    }

    /// The schema of the snapshot (read once, then cached).
    public func readSchema() throws(SQLiteError) -> SQLiteSchema {
        if let schema { return schema }
        let read = try SQLiteSchema(reading: database)
        schema = read
        return read
    }

    /// Calls `body` with every row of `table` and its key, in ascending ``DocumentKey`` order,
    /// one row in memory at a time.
    ///
    /// The key is `.composite` of the primary-key values, or `[.integer(rowid)]` for a rowid
    /// table without a primary key (see ``SQLiteSchema/Table/keyColumns``). The row holds every
    /// column except generated ones, in table order, each value in its exact storage class.
    ///
    /// SQLite's own key order (NULL, then integers and reals mixed by value, then text by the
    /// column's collation, then blobs) can differ from ``DocumentKey`` order (integers before
    /// reals, text by bytes). Unless the key is the rowid, a first pass over the key columns
    /// checks; when they differ, rows are read sorted by storage class and bytes instead.
    ///
    /// - Throws: ``SQLiteError`` naming the file and table (``SQLiteError/Code/keyOrder`` if two
    ///   rows have equal keys, possible with NULLs in a rowid table's primary key), or what
    ///   `body` throws.
    public func forEachRow(table name: String, _ body: (DocumentKey, DatabaseRow) throws -> Void) throws {
        guard let table = try readSchema().table(named: name) else {
            throw SQLiteError(code: .unknownTable, message: "no such table", path: path, table: name)
        }
        do {
            let rowColumns = table.rowColumns
            let names = rowColumns.map { Array($0.name.utf8) }
            let rowID = table.isKeyedByRowID ? try table.requireRowIDName(path: path) : nil
            let keyOffsets = table.keyOffsets
            let order: String
            if let rowID {
                order = rowID
            } else if try table.keyIsRowIDAlias || keyOrderMatches(table) {
                order = SQL.list(table.keyColumns)
            } else {
                order = table.keyColumns.map { column in
                    let quoted = SQL.quote(column)
                    return "CASE typeof(\(quoted)) WHEN 'null' THEN 0 WHEN 'integer' THEN 1 WHEN 'real' THEN 2 "
                        + "WHEN 'text' THEN 3 ELSE 4 END, \(quoted) COLLATE BINARY"
                }.joined(separator: ", ")
            }
            let selected = (rowID.map { [$0] } ?? []) + rowColumns.map { SQL.quote($0.name) }
            let statement = try database.prepare(
                "SELECT \(selected.joined(separator: ", ")) FROM main.\(SQL.quote(name)) ORDER BY \(order)")
            defer { statement.finalize() }
            let first = rowID == nil ? 0 : 1
            var previous: DocumentKey?
            while try statement.step() {
                var columns = [DatabaseRow.Column]()
                columns.reserveCapacity(names.count)
                for (offset, columnName) in names.enumerated() {
                    columns.append(DatabaseRow.Column(name: columnName, value: statement.value(at: first + offset)))
                }
                let key = DocumentKey.composite(rowID == nil ? keyOffsets.map { columns[$0].value } : [statement.value(at: 0)])
                if let previous, !(previous < key) { throw keyOrderError(previous, key, table: name) }
                previous = key
                try body(key, DatabaseRow(columns))
            }
        } catch let error as SQLiteError {
            throw error.inTable(name)
        }
    }

    /// Whether SQLite's `ORDER BY` of the key columns yields strictly ascending ``DocumentKey``s.
    private func keyOrderMatches(_ table: SQLiteSchema.Table) throws(SQLiteError) -> Bool {
        let keys = SQL.list(table.keyColumns)
        let statement = try database.prepare("SELECT \(keys) FROM main.\(SQL.quote(table.name)) ORDER BY \(keys)")
        defer { statement.finalize() }
        var previous: DocumentKey?
        var ascending = true
        while try statement.step() {
            let key = DocumentKey.composite((0..<table.keyColumns.count).map { statement.value(at: $0) })
            if let previous {
                if previous == key { throw keyOrderError(previous, key, table: table.name) }
                if !(previous < key) { ascending = false }
            }
            previous = key
        }
        return ascending
    }

    private func keyOrderError(_ previous: DocumentKey, _ key: DocumentKey, table: String) -> SQLiteError {
        let message = previous == key
            ? "two rows have the primary key \(key.display) (NULL in a primary key?)"
            : "rows out of key order: \(key.display) after \(previous.display)"
        return SQLiteError(code: .keyOrder, message: message, path: path, table: table)
    }

    deinit {
        // Backstop: closing the connection ends the read transaction.
        try? close()
    }
}
