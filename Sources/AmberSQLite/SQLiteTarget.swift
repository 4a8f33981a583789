import AmberDocuments
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a new SQLite database from a schema and keyed rows (`restore --target sqlite:PATH`).
///
/// The file is built beside the target under a temporary name and appears at the target path
/// only when ``finish()`` succeeds; a failure or ``discard()`` removes it. The order follows
/// from what each step must not disturb:
///
/// 1. file settings (encoding, page size, auto-vacuum), which only an empty file accepts;
/// 2. in one transaction: every table's `CREATE TABLE` exactly as captured; the rows through
///    prepared statements (rowids from the keys of rowid-keyed tables); the indexes, built once
///    over the data; views; triggers last, so none fired while rows went in; `sqlite_sequence`;
///    `user_version` and `application_id`;
/// 3. WAL mode if the source had it, close, and publish.
///
/// Rows are pushed one at a time (``insert(table:key:row:)``), in any table order, so a restore
/// streams and never holds a table in memory. ``write(schema:rows:)`` does all of it in one
/// call. Foreign-key enforcement is off on this connection: rows arrive in key order, not in
/// dependency order.
public final class SQLiteTarget {
    /// Where the database appears.
    public let path: String
    /// Whether an existing file at ``path`` is replaced.
    public let force: Bool
    private let temporaryPath: String
    private var database: SQLiteDatabase?
    private var schema: SQLiteSchema?
    private var writers: [String: SQLiteRowWriter] = [:]

    /// Prepares to write `path`.
    ///
    /// - Throws: ``SQLiteError/Code/targetExists`` if something is at `path` and `force` is false.
    public init(path: String, force: Bool) throws(SQLiteError) {
        guard force || !SQLiteFiles.exists(path) else {
            throw SQLiteError(code: .targetExists, message: "the target exists; use force to replace it", path: path)
        }
        self.path = path
        self.force = force
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        temporaryPath = "\(path).amber-\(getpid())-\(suffix).tmp"
    }

    deinit {
        discard()
    }

    /// Writes the whole database: ``begin(schema:)``, every table's rows in schema order as
    /// `rows(table)` yields them, ``finish()``. Discards the file if anything throws.
    public func write<Rows: Sequence<(DocumentKey, DatabaseRow)>>(
        schema: SQLiteSchema, rows: (SQLiteSchema.Table) throws -> Rows
    ) throws {
        do {
            try begin(schema: schema)
            for table in schema.tables {
                for (key, row) in try rows(table) { try insert(table: table.name, key: key, row: row) }
            }
            try finish()
        } catch {
            discard()
            throw error
        }
    }

    /// Creates the temporary file with `schema`'s settings and tables, and begins the transaction.
    public func begin(schema: SQLiteSchema) throws(SQLiteError) {
        guard database == nil, self.schema == nil else {
            throw SQLiteError(code: .sqlite, message: "begin called twice", resultCode: .misuse, extendedResultCode: .misuse, path: path)
        }
        SQLiteFiles.removeDatabase(temporaryPath)
        do throws(SQLiteError) {
            let database = try SQLiteDatabase(path: temporaryPath, mode: .create)
            self.database = database
            self.schema = schema
            let settings = schema.settings
            if settings.encoding != "UTF-8" { try database.execute("PRAGMA encoding = '\(settings.encoding.replacing("'", with: "''"))'") }
            try database.execute("PRAGMA page_size = \(settings.pageSize); PRAGMA auto_vacuum = \(settings.autoVacuum); "
                                 + "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE")
            for table in schema.tables {
                do { try database.execute(table.sql) } catch { throw error.inTable(table.name) }
            }
        } catch {
            discard()
            SQLiteFiles.removeDatabase(temporaryPath)
            throw error.withPath(path)
        }
    }

    /// Inserts one row of `table` under `key`. A rowid-keyed table takes its rowid from the key.
    ///
    /// - Throws: ``SQLiteError/Code/rowMismatch`` if the row's column names are not the table's
    ///   non-generated columns in order, or `key` is not the row's primary key (or a rowid).
    public func insert(table name: String, key: DocumentKey, row: DatabaseRow) throws(SQLiteError) {
        do {
            try writer(for: name).insert(key: key, row: row)
        } catch {
            throw error.inTable(name).withPath(path)
        }
    }

    /// Creates indexes, views and triggers, sets `sqlite_sequence` and the pragmas, commits, and
    /// publishes the file at ``path`` (atomically replacing what is there when ``force``).
    public func finish() throws(SQLiteError) {
        guard let database, let schema else {
            throw SQLiteError(code: .sqlite, message: "finish without begin", resultCode: .misuse, extendedResultCode: .misuse, path: path)
        }
        do throws(SQLiteError) {
            for writer in writers.values { writer.finalize() }
            writers = [:]
            for index in schema.indexes {
                do { try database.execute(index.sql) } catch { throw error.inTable(index.table) }
            }
            for object in schema.views + schema.triggers {
                do { try database.execute(object.sql) } catch { throw error.inTable(object.table) }
            }
            if !schema.sequences.isEmpty {
                try database.execute("DELETE FROM main.sqlite_sequence")
                let statement = try database.prepare("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)")
                defer { statement.finalize() }
                for sequence in schema.sequences { try statement.execute([.text(sequence.table), .integer(sequence.value)]) }
            }
            try database.execute("PRAGMA user_version = \(schema.settings.userVersion); "
                                 + "PRAGMA application_id = \(schema.settings.applicationID); COMMIT")
            if schema.settings.walMode { try database.execute("PRAGMA journal_mode = WAL") }
            try database.close()
            self.database = nil
            if force {
                // Side files of the replaced database would be replayed into the new one.
                for suffix in SQLiteFiles.sideSuffixes { try SQLiteFiles.remove(path + suffix) }
                try SQLiteFiles.replace(path, with: temporaryPath)
            } else {
                try SQLiteFiles.publish(temporaryPath, at: path)
            }
            SQLiteFiles.syncDirectory(of: path)
            self.schema = nil
        } catch {
            discard()
            throw error.withPath(path)
        }
    }

    /// Abandons the database: closes it and removes the temporary file. Nothing appears at
    /// ``path``. A no-op after ``finish()``.
    public func discard() {
        for writer in writers.values { writer.finalize() }
        writers = [:]
        if let database {
            try? database.close()
            self.database = nil
        }
        if schema != nil { SQLiteFiles.removeDatabase(temporaryPath) }
        schema = nil
    }

    private func writer(for name: String) throws(SQLiteError) -> SQLiteRowWriter {
        if let writer = writers[name] { return writer }
        guard let database, let schema else {
            throw SQLiteError(code: .sqlite, message: "insert without begin", resultCode: .misuse, extendedResultCode: .misuse)
        }
        guard let table = schema.table(named: name) else {
            throw SQLiteError(code: .unknownTable, message: "no such table in the schema")
        }
        let writer = try SQLiteRowWriter(table: table, database: database, replace: false)
        writers[name] = writer
        return writer
    }
}

extension SQLiteError {
    /// The same error naming `path` as the file (errors from the temporary file name the target).
    func withPath(_ path: String) -> SQLiteError {
        var copy = self
        copy.path = path
        return copy
    }
}
