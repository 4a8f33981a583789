import AmberDocuments

extension SQLiteTarget {
    /// Opens an existing database for an incremental restore (`restore B --target T --from A`).
    public static func openExisting(path: String) throws(SQLiteError) -> SQLiteIncrementalTarget {
        try SQLiteIncrementalTarget(path: path)
    }
}

/// An existing SQLite database brought from one snapshot to another by applying the diff:
/// per table, deletes by key and upserts (`INSERT OR REPLACE` by key).
///
/// Triggers on a table are dropped for the duration of its ``apply(table:upserts:deletes:)``
/// and recreated from their SQL in the same transaction, so applying rows fires nothing that
/// the snapshot did not already contain; foreign-key enforcement is off on this connection.
/// A structure change is applied by ``migrate(_:)`` (a ``SQLiteMigration``'s statements) and
/// checked by ``structureDifferences(from:)`` before the transaction commits.
public final class SQLiteIncrementalTarget {
    /// The database file.
    public let path: String
    /// The target's schema when it was opened (refreshed by ``applySettings(of:)``).
    public private(set) var schema: SQLiteSchema
    private let database: SQLiteDatabase
    private var savepointDepth = 0

    init(path: String) throws(SQLiteError) {
        self.path = path
        guard SQLiteFiles.exists(path) else {
            throw SQLiteError(code: .sqlite, message: "no database at the target path", resultCode: .cantOpen,
                              extendedResultCode: .cantOpen, path: path)
        }
        database = try SQLiteDatabase(path: path, mode: .readWrite)
        do {
            try database.execute("PRAGMA foreign_keys = OFF; BEGIN")
            schema = try SQLiteSchema(reading: database)
            try database.execute("COMMIT")
        } catch {
            try? database.close()
            throw error
        }
    }

    deinit {
        try? database.close()
    }

    /// Closes the database.
    public func close() throws(SQLiteError) {
        try database.close()
    }

    /// Runs `body` as one transaction: applies inside it commit together or not at all.
    public func transaction(_ body: () throws -> Void) throws {
        try withSavepoint(body)
    }

    /// Applies one table's changes in one transaction (nested in ``transaction(_:)`` if inside
    /// one): first every delete, then every upsert, so a unique value can move between rows.
    ///
    /// A rowid-keyed table's upsert puts the row at the key's rowid. Deleting a missing key is
    /// not an error. Both sequences are consumed once, element by element.
    public func apply<Upserts: Sequence<(DocumentKey, DatabaseRow)>, Deletes: Sequence<DocumentKey>>(
        table name: String, upserts: Upserts, deletes: Deletes
    ) throws(SQLiteError) {
        guard let table = schema.table(named: name) else {
            throw SQLiteError(code: .unknownTable, message: "no such table in the target", path: path, table: name)
        }
        do {
            try withSavepoint { () throws(SQLiteError) in
                let triggers = schema.triggers.filter { $0.table == name }
                for trigger in triggers { try database.execute("DROP TRIGGER main.\(SQL.quote(trigger.name))") }
                let writer = try SQLiteRowWriter(table: table, database: database, replace: true)
                defer { writer.finalize() }
                for key in deletes { try writer.delete(key: key) }
                for (key, row) in upserts { try writer.insert(key: key, row: row) }
                for trigger in triggers { try database.execute(trigger.sql) }
            }
        } catch let error as SQLiteError {
            throw error.inTable(name)
        } catch {
            preconditionFailure("only SQLite errors are thrown here: \(error)")
        }
    }

    /// Runs statements that change the structure (inside ``transaction(_:)``), then reads the
    /// structure again, so rows go to the tables and triggers as they now are.
    public func migrate(_ statements: [String]) throws(SQLiteError) {
        guard !statements.isEmpty else { return }
        for statement in statements { try database.execute(statement) }
        schema = try SQLiteSchema(reading: database)
    }

    /// How the tables, indexes, views and triggers here differ from `expected`'s, a line each:
    /// read inside the open transaction, so a migration is checked before it commits.
    public func structureDifferences(from expected: SQLiteSchema) throws(SQLiteError) -> [String] {
        let present = try SQLiteSchema(reading: database)
        func compare<Object: Hashable>(_ kind: String, _ want: [Object], _ have: [Object], name: (Object) -> String) -> [String] {
            let missing = want.filter { !have.contains($0) }.map { "\(kind) \(name($0)) missing or different" }
            let extra = have.filter { object in !want.contains { name($0) == name(object) } }.map { "\(kind) \(name($0)) extra" }
            return missing + extra
        }
        return compare("table", expected.tables, present.tables, name: \.name) + compare("index", expected.indexes, present.indexes, name: \.name)
            + compare("view", expected.views, present.views, name: \.name) + compare("trigger", expected.triggers, present.triggers, name: \.name)
    }

    /// Sets `sqlite_sequence`, `user_version` and `application_id` to `schema`'s (the new
    /// snapshot's), in one transaction.
    public func applySettings(of target: SQLiteSchema) throws(SQLiteError) {
        do {
            try withSavepoint { () throws(SQLiteError) in
                if !target.sequences.isEmpty || !schema.sequences.isEmpty {
                    try database.execute("DELETE FROM main.sqlite_sequence")
                    let statement = try database.prepare("INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)")
                    defer { statement.finalize() }
                    for sequence in target.sequences { try statement.execute([.text(sequence.table), .integer(sequence.value)]) }
                }
                try database.execute("PRAGMA user_version = \(target.settings.userVersion); "
                                     + "PRAGMA application_id = \(target.settings.applicationID)")
                schema.sequences = target.sequences
                schema.settings.userVersion = target.settings.userVersion
                schema.settings.applicationID = target.settings.applicationID
            }
        } catch let error as SQLiteError {
            throw error
        } catch {
            preconditionFailure("only SQLite errors are thrown here: \(error)")
        }
    }

    /// Runs `body` inside a savepoint, which begins a transaction when none is open; rolls back
    /// to it if `body` throws.
    private func withSavepoint(_ body: () throws -> Void) throws {
        savepointDepth += 1
        let name = "amber_\(savepointDepth)"
        defer { savepointDepth -= 1 }
        try database.execute("SAVEPOINT \(name)")
        do {
            try body()
            try database.execute("RELEASE \(name)")
        } catch {
            try? database.execute("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }
    }
}
