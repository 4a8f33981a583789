import AmberDocuments

/// Writes a database's structure and rows into a PostgreSQL database
/// (`restore --target postgresql://…`), in one transaction, so a failure leaves the target as it
/// was. The order follows from what each step must not disturb (as `pg_restore` does it):
///
/// 1. schemas, enum types, sequences, tables with columns, defaults, NOT NULL and identity;
/// 2. rows, one `COPY … FROM STDIN` (text format) per table, before any index or constraint
///    exists, so nothing is checked or indexed row by row;
/// 3. primary-key, unique, exclusion and check constraints, then the other indexes, each built
///    once over the data; then foreign keys (rows arrive in key order, not dependency order);
/// 4. sequence ownership and values (`setval`), views, comments; commit.
///
/// Rows are pushed one at a time (``insert(table:key:row:)``), so a restore streams; a table's
/// rows should arrive together (each switch of table ends one COPY and starts another).
/// ``write(schema:rows:)`` does all of it in one call.
public final class PostgresTarget {
    /// The connection (its description names the server without the password).
    public let connection: PGConnection
    /// Whether objects in the target are replaced.
    public let force: Bool
    /// How a stored ``SchemaDump`` becomes SQL (owners, privileges).
    public let dumpOptions: SchemaDump.Options
    private var schema: PostgresSchema?
    /// The post-data SQL of the schema's dump, made before anything is written.
    private var postData: String?
    private var copy: (table: String, writer: PGCopyIn, columns: [[UInt8]])?
    private var line: [UInt8] = []

    /// Connects to `uri` and checks that the database is empty.
    ///
    /// - Parameter force: allow a non-empty database; ``begin(schema:)`` then drops the tables,
    ///   views, sequences and types the schema creates (`DROP … IF EXISTS … CASCADE`) and leaves
    ///   everything else alone.
    ///   `dumpOptions`: `--no-owner` and `--no-acl` for a schema restored from its ``SchemaDump``.
    /// - Throws: ``PGError/Code/targetNotEmpty`` if the database has user tables, views,
    ///   sequences or types and `force` is false.
    public init(uri: String, force: Bool, dumpOptions: SchemaDump.Options = .init()) throws(PGError) {
        connection = try PGConnection(uri: uri)
        self.force = force
        self.dumpOptions = dumpOptions
        do throws(PGError) {
            try connection.useCanonicalSession()
            if !force {
                let count = try connection.query("""
                    SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                    WHERE \(PostgresSchema.userNamespace) AND c.relkind IN ('r', 'v', 'm', 'S', 'p', 'f')) + \
                    (SELECT count(*) FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
                    WHERE \(PostgresSchema.userNamespace) AND t.typtype IN ('e', 'd', 'r'))
                    """).first?[0] ?? "0"
                guard count == "0" else {
                    throw PGError(code: .targetNotEmpty, message: "the target database has \(count) tables, views, sequences "
                                  + "or types; use force to replace", connection: connection.description)
                }
            }
        } catch {
            connection.close()
            throw error
        }
    }

    deinit {
        discard()
        connection.close()
    }

    /// Writes the whole database: ``begin(schema:)``, every table's rows in schema order as
    /// `rows(table)` yields them, ``finish()``. Rolls back if anything throws.
    public func write<Rows: Sequence<(DocumentKey, DatabaseRow)>>(
        schema: PostgresSchema, rows: (PostgresSchema.Table) throws -> Rows
    ) throws {
        do {
            try begin(schema: schema)
            for table in schema.tables {
                for (key, row) in try rows(table) { try insert(table: table.qualifiedName, key: key, row: row) }
            }
            try finish()
        } catch {
            discard()
            throw error
        }
    }

    /// Begins the transaction and creates the structure (step 1): from the schema's
    /// ``SchemaDump`` when it has one (its pre-data section, then rows, then its post-data
    /// section, as `pg_restore` orders them; both made into SQL before anything is written),
    /// else from the captured catalog members.
    public func begin(schema: PostgresSchema) throws(PGError) {
        guard self.schema == nil else {
            throw PGError(code: .protocolError, message: "begin called twice", connection: connection.description)
        }
        var preData: String?
        if let dump = schema.dump {
            let major = connection.serverMajor
            var options = dumpOptions
            options.clean = force
            preData = try dump.sql(.preData, options: options, serverMajor: major)
            options.clean = false
            postData = try dump.sql(.postData, options: options, serverMajor: major)
        }
        do {
            try connection.execute("BEGIN")
            self.schema = schema
            if let preData {
                // --clean drops only pre-data objects, without CASCADE: tables other tables'
                // foreign keys (or the user's views) point at go first, with CASCADE.
                if force { for statement in schema.dropStatements { try connection.execute(statement) } }
                try runScript(preData, section: .preData)
            } else {
                for statement in (force ? schema.dropStatements : []) + schema.structureStatements {
                    try connection.execute(statement)
                }
            }
        } catch {
            discard()
            throw error
        }
    }

    /// Sends one row of `table` (`schema.table`). The key is not stored: it is the row's primary
    /// key (or content).
    ///
    /// - Throws: ``PGError/Code/rowMismatch`` if the row's column names are not the table's
    ///   non-generated columns in order; ``PGError/Code/unknownTable``.
    public func insert(table name: String, key: DocumentKey, row: DatabaseRow) throws(PGError) {
        if copy?.table != name { try startCopy(name) }
        guard let copy else { return }
        guard row.columns.count == copy.columns.count, zip(row.columns, copy.columns).allSatisfy({ $0.name == $1 }) else {
            throw PGError(code: .rowMismatch, message: "the row's columns are not the table's", connection: connection.description,
                          table: name)
        }
        line.removeAll(keepingCapacity: true)
        COPYText.append(row.columns.lazy.map(\.value), to: &line)
        try copy.writer.write(line: line)
    }

    /// Adds one row given in its stored encoding (`DatabaseRow.encoded`) to the COPY of table
    /// `name`, turned into a COPY line without decoding it into values; `key` is the row's encoded
    /// document key, which key references in the row point into.
    public func insertEncoded(table name: String, key: [UInt8], row: [UInt8]) throws(PGError) {
        try row.withUnsafeBufferPointer { row throws(PGError) in
            try key.withUnsafeBufferPointer { key throws(PGError) in try insertEncoded(table: name, key: key, row: row) }
        }
    }

    /// ``insertEncoded(table:key:row:)`` of a key and row lent for the call.
    public func insertEncoded(table name: String, key: UnsafeBufferPointer<UInt8>, row: UnsafeBufferPointer<UInt8>) throws(PGError) {
        if copy?.table != name { try startCopy(name) }
        guard let copy else { return }
        line.removeAll(keepingCapacity: true)
        do {
            try COPYText.appendEncodedRow(row, key: key, columns: copy.columns, to: &line)
        } catch {
            var named = error.inTable(name)
            named.connection = connection.description
            throw named
        }
        try copy.writer.write(line: line)
    }

    /// Ends the current COPY and starts one for `name`.
    private func startCopy(_ name: String) throws(PGError) {
        try endCopy()
        guard let schema else {
            throw PGError(code: .protocolError, message: "insert without begin", connection: connection.description)
        }
        guard let table = schema.table(named: name) else {
            throw PGError(code: .unknownTable, message: "no such table in the schema", connection: connection.description,
                          table: name)
        }
        let columns = table.rowColumns.map(\.name)
        let writer = try connection.copyIn(
            "COPY \(SQL.qualified(table.schema, table.name)) (\(SQL.list(columns))) FROM STDIN")
        copy = (name, writer, columns.map { Array($0.utf8) })
    }

    private func endCopy() throws(PGError) {
        guard let copy else { return }
        self.copy = nil
        do { try copy.writer.finish() } catch { throw error.inTable(copy.table) }
    }

    /// Ends the rows, adds constraints, indexes, sequences, views and comments, and commits
    /// (steps 3 and 4).
    public func finish() throws(PGError) {
        guard let schema else {
            throw PGError(code: .protocolError, message: "finish without begin", connection: connection.description)
        }
        do {
            try endCopy()
            if let postData {
                try runScript(postData, section: .postData)
                for statement in schema.sequenceValueStatements { try connection.execute(statement) }
            } else {
                for statement in schema.constraintStatements + schema.finalStatements { try connection.execute(statement) }
            }
            try connection.execute("COMMIT")
            self.schema = nil
            postData = nil
        } catch {
            discard()
            throw error
        }
    }

    /// Runs a section of the schema's dump as one multi-statement string; an error names the
    /// section rather than quoting the whole script.
    private func runScript(_ script: String, section: SchemaDump.Section) throws(PGError) {
        do {
            try connection.execute(script)
        } catch {
            var named = error
            named.message = "the \(section.rawValue) section of the stored schema (pg_dump): \(error.message)"
            named.sql = nil
            throw named
        }
    }

    /// Abandons the restore: ends any COPY and rolls back. A no-op after ``finish()``.
    public func discard() {
        if let copy {
            copy.writer.abort()
            self.copy = nil
        }
        if schema != nil {
            try? connection.execute("ROLLBACK")
            schema = nil
        }
    }
}
