import AmberCore
import AmberDocuments

/// Reads a PostgreSQL database as a schema and, per table, rows keyed by primary key, all from
/// one consistent snapshot.
///
/// `init` connects, sets the canonical session (``PGConnection/useCanonicalSession()``) and
/// begins one `REPEATABLE READ, READ ONLY` transaction whose snapshot it takes at once by reading
/// the schema: every later ``readSchema()`` and ``forEachRow(table:_:)`` sees the database as it
/// was at that moment while other sessions keep writing. (Sequence values are the exception:
/// sequences are not transactional, so ``PostgresSchema/Sequence/lastValue`` is the value when
/// the schema was read, possibly ahead of the rows.)
///
/// Values are PostgreSQL's text output under the canonical session (`.text`; `.null` for NULL):
/// numeric, timestamps, json/jsonb, bytea (hex), arrays, enums and the rest round-trip exactly
/// through it; the column types are in the schema. ``PostgresTarget`` output is read back with
/// this same type (`restore --verify`).
public final class PostgresSource {
    /// The connection (its description names the server without the password).
    public let connection: PGConnection
    private var schema: PostgresSchema
    /// Tables read without a primary key, one message each (keyed by content; see
    /// ``PostgresSchema/Table``'s key discussion).
    public private(set) var warnings: [String] = []

    /// Connects to `uri` and begins the snapshot.
    ///
    /// - Parameters:
    ///   - schemas: the schemas to capture; empty for all user schemas.
    ///   - tables: the tables to capture (`schema.table` or a bare name); empty for all.
    ///   - dumpsSchema: also capture the whole structure with `pg_dump` in the same snapshot
    ///     (``SchemaDump``; not with `tables`, as `pg_dump --table` leaves out what a table
    ///     depends on). Without a `pg_dump` for the server, ``warnings`` says what is not kept.
    ///   - globals: also capture the server's roles and tablespaces (``PostgresGlobals``).
    /// - Throws: ``PGError`` (``PGError/Code/connection``, or ``PGError/Code/unknownTable`` for a
    ///   name in `tables` that is not a table of the database).
    public init(uri: String, schemas: [String] = [], tables: [String] = [], dumpsSchema: Bool = false, globals: Bool = false) throws(PGError) {
        connection = try PGConnection(uri: uri)
        do {
            try connection.useCanonicalSession()
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            // The first statement takes the transaction's snapshot: exporting it lets pg_dump
            // read the structure at the very moment the rows are read at.
            let snapshot = dumpsSchema && tables.isEmpty
                ? try connection.query("SELECT pg_catalog.pg_export_snapshot()").first?[0] ?? nil : nil
            schema = try PostgresSchema(reading: connection, schemas: schemas, tables: tables)
            if let snapshot { try startDump(snapshot: snapshot, schemas: schemas) }
            if globals {
                let captured = try PostgresGlobals.capture(from: connection)
                if captured.withoutPasswords == true {
                    warnings.append("roles are kept without their passwords: \(connection.info.user ?? "this user") may not read them (not a superuser)")
                }
                schema.globals = captured
            }
        } catch {
            connection.close()
            throw error
        }
    }

    /// Connects to `uri` and joins another source's snapshot (``exportSnapshot()``), to read
    /// some of its tables in parallel on a connection of its own: its rows are those the other
    /// source would read. `schema` is that source's (this one reads no catalog).
    ///
    /// - Throws: ``PGError`` (``PGError/Code/connection``, or the server's refusal of the
    ///   snapshot, e.g. once the exporting transaction has ended).
    public init(uri: String, joining snapshot: String, schema: PostgresSchema) throws(PGError) {
        connection = try PGConnection(uri: uri)
        self.schema = schema
        do {
            try connection.useCanonicalSession()
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try connection.execute("SET TRANSACTION SNAPSHOT \(SQL.literal(snapshot))")
        } catch {
            connection.close()
            throw error
        }
    }

    /// Starts `pg_dump` on the exported snapshot, or notes in ``warnings`` that there is none.
    private func startDump(snapshot: String, schemas: [String]) throws(PGError) {
        let program: PGClientProgram
        do {
            program = try PGClientProgram.find("pg_dump", serverMajor: connection.serverMajor)
        } catch {
            warnings.append("\(error.message); the structure is captured from the catalogs only: functions, triggers, domains, "
                            + "composite types, materialized views, partitioning, policies, extensions and privileges are not kept")
            return
        }
        let patterns = schemas.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }
        // pg_dump runs to its end before any row is read (it takes only the structure, in a
        // fraction of a second, while the repository is being unlocked): while it runs, this
        // transaction holds no table lock, so an ALTER TABLE queued between the two cannot wait
        // for this backup while pg_dump waits for the ALTER.
        let archive = try program.run(SchemaDump.dumpArguments(snapshot: snapshot, schemas: patterns), connection: connection.info)
        schema.dump = SchemaDump(archive: archive, programVersion: program.majorVersion, serverVersion: connection.serverVersion,
                                 objects: try SchemaDump.listObjects(archive, version: program.majorVersion))
    }

    /// The schema, with the structure `pg_dump` captured (``SchemaDump``) when it ran.
    public func finishSchema() -> PostgresSchema { schema }

    /// Ends the transaction and closes the connection. Closing twice is a no-op.
    public func close() {
        guard !connection.isClosed else { return }
        // A COPY left midway (`abandonsCopyOnError`) would be read to its end before a ROLLBACK:
        // closing the connection ends the transaction as well.
        if !connection.abandonsCopyOnError { try? connection.execute("ROLLBACK") }
        connection.close()
    }

    deinit {
        close()
    }

    /// The schema of the snapshot.
    public func readSchema() -> PostgresSchema { schema }

    /// The snapshot's identifier (`pg_export_snapshot()`), for other sessions to read the same
    /// moment with `SET TRANSACTION SNAPSHOT` (parallel readers); valid while this source is open.
    public func exportSnapshot() throws(PGError) -> String {
        try connection.query("SELECT pg_catalog.pg_export_snapshot()").first?[0] ?? ""
    }

    /// The size on disk of each table's main fork (`pg_relation_size`), by
    /// ``PostgresSchema/Table/qualifiedName``: what parallel readers share the tables by.
    public func tableSizes() throws(PGError) -> [String: Int64] {
        let rows = try connection.query("""
            SELECT n.nspname, c.relname, pg_catalog.pg_relation_size(c.oid) FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm', 'f')
            """)
        let wanted = Set(schema.tables.map { [$0.schema, $0.name] })
        var sizes = [String: Int64]()
        for row in rows where row.count == 3 {
            guard let schemaName = row[0], let name = row[1], wanted.contains([schemaName, name]) else { continue }
            sizes["\(schemaName).\(name)"] = Int64(row[2] ?? "") ?? 0  // the table's qualifiedName
        }
        return sizes
    }

    /// Calls `body` with every row of `table` (`schema.table`, or a bare name if unique) and its
    /// key, in ascending ``DocumentKey`` order.
    ///
    /// A table with a primary key streams through `COPY (SELECT … ORDER BY key) TO STDOUT`, one
    /// row in memory at a time; the order puts integer keys by value and other key columns by
    /// their output text in the "C" collation (bytes), which is ``DocumentKey`` order, and each
    /// key is checked to be greater than the one before. A table without a primary key is read
    /// whole and keyed by content (see ``PostgresSchema/Table``), with a warning.
    ///
    /// - Throws: ``PGError`` naming the table, or what `body` throws.
    public func forEachRow(table name: String, _ body: (DocumentKey, DatabaseRow) throws -> Void) throws {
        guard let table = schema.table(named: name) else {
            throw PGError(code: .unknownTable, message: "no such table in the schema", connection: connection.description,
                          table: name)
        }
        guard table.primaryKey.isEmpty else {
            var previous: DatabaseRow?
            return try forEachEncodedRow(table: name) { key, bytes in
                let row = try DatabaseRow(encoded: bytes, key: nil, namesLike: previous)
                previous = row
                try body(try DocumentKey(encoded: key), row)
            }
        }
        let names = table.rowColumns.map { Array($0.name.utf8) }
        try namingErrors(in: table) {
            warnings.append("table \(table.qualifiedName) has no primary key: rows are keyed by their content")
            var rows = [DatabaseRow]()
            try connection.copyOut("COPY (\(Self.rowSelect(table))) TO STDOUT") { line in
                let values = try COPYText.parse(line)
                guard values.count == names.count else {
                    throw PGError(code: .copyFormat, message: "a COPY line has \(values.count) values, expected \(names.count)",
                                  table: table.qualifiedName)
                }
                rows.append(DatabaseRow(zip(names, values).map { DatabaseRow.Column(name: $0, value: $1) }))
            }
            for (key, position) in PostgresSchema.Table.contentKeys(rows) { try body(key, rows[position]) }
        }
    }

    /// Like ``forEachRow(table:_:)``, but passes each row encoded (`DatabaseRow.encoded`), made
    /// straight from the COPY line without building the row, with its key encoded
    /// (``DocumentKey/encoded``): what a backup stores.
    public func forEachEncodedRow(table name: String, _ body: (_ key: [UInt8], _ row: [UInt8]) throws -> Void) throws {
        guard let table = schema.table(named: name), !table.primaryKey.isEmpty else {
            // Rows keyed by their content refer to the key for their values (`format.md` §12.3).
            return try forEachRow(table: name) { key, row in try body(key.encoded, row.encoded(sharingValuesWith: key)) }
        }
        let layout = COPYText.RowLayout(names: table.rowColumns.map { Array($0.name.utf8) })
        var previous: [UInt8]?
        let makeKey = table.encodedKeyMaker()
        var fields = [Range<Int>?]()
        try namingErrors(in: table) {
            try connection.copyOut("COPY (\(Self.rowSelect(table)) ORDER BY \(table.keyOrderSQL)) TO STDOUT") { line in
                let row = try COPYText.encodeRow(line, layout: layout, fields: &fields)
                let key = try makeKey(row, fields)
                // Encoded keys sort as the keys do: one memcmp.
                if let previous, previous.compareBytes(key) >= 0 { throw Self.orderError(previous, key, table: table) }
                previous = key
                try body(key, row)
            }
        }
    }

    /// The error for a key that does not come after the one before it.
    private static func orderError(_ previous: [UInt8], _ key: [UInt8], table: PostgresSchema.Table) -> PGError {
        let shown = { (bytes: [UInt8]) in (try? DocumentKey(encoded: bytes))?.display ?? Hex.encode(bytes) }
        return PGError(code: .keyOrder, message: previous == key ? "two rows have the primary key \(shown(key))"
                           : "rows out of key order: \(shown(key)) after \(shown(previous))", table: table.qualifiedName)
    }

    /// `SELECT` of a table's ``PostgresSchema/Table/rowColumns``, in order, from the table
    /// `ONLY` (a parent's rows without those of the tables inheriting from it, as `pg_dump`).
    private static func rowSelect(_ table: PostgresSchema.Table) -> String {
        "SELECT \(SQL.list(table.rowColumns.map(\.name))) FROM ONLY \(SQL.qualified(table.schema, table.name))"
    }

    /// Runs `body`, naming `table` and this connection in the ``PGError`` it throws.
    private func namingErrors(in table: PostgresSchema.Table, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as PGError {
            var named = error.inTable(table.qualifiedName)
            if named.connection == nil { named.connection = connection.description }
            throw named
        }
    }
}
