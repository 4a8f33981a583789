import AmberDocuments

extension PostgresTarget {
    /// Opens an existing database for an incremental restore (`restore B --target URI --from A`).
    public static func openExisting(uri: String) throws(PGError) -> PostgresIncrementalTarget {
        try PostgresIncrementalTarget(uri: uri)
    }
}

/// An existing PostgreSQL database brought from one snapshot to another by applying the diff:
/// per table, deletes by key, then upserts (`INSERT … ON CONFLICT (key) DO UPDATE`), each table
/// in a savepoint, all inside one transaction when run in ``transaction(_:)``.
///
/// Identity values are written as given (`OVERRIDING SYSTEM VALUE`); an `ALWAYS` identity column
/// outside the key is not updated. In a table without a primary key (keyed by content, see
/// ``PostgresSchema/Table``), an upsert is a plain `INSERT` (a changed row has a new key) and the
/// rows to delete are found by reading the table and keying each row the way a source does.
/// Structure changes are applied by ``migrate(_:)`` (a ``PostgresMigration``'s statements) and
/// checked by ``structureDifferences(from:removed:)``; sequence values are set by
/// ``applySequences(of:)``.
public final class PostgresIncrementalTarget {
    /// The connection (its description names the server without the password).
    public let connection: PGConnection
    /// The target's schema when it was opened, or read again by ``migrate(_:)``.
    public private(set) var schema: PostgresSchema
    private var depth = 0

    init(uri: String) throws(PGError) {
        connection = try PGConnection(uri: uri)
        do {
            try connection.useCanonicalSession()
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            schema = try PostgresSchema(reading: connection, schemas: [], tables: [])
            try connection.execute("COMMIT")
        } catch {
            connection.close()
            throw error
        }
    }

    deinit {
        connection.close()
    }

    /// Closes the connection (an open transaction is rolled back).
    public func close() {
        connection.close()
    }

    /// Runs `body` as one transaction: applies inside it commit together or not at all.
    public func transaction(_ body: () throws -> Void) throws {
        try withSavepoint(body)
    }

    /// Applies one table's changes (nested in ``transaction(_:)`` if inside one): first every
    /// delete (or, `replacingAll`, every row the table has), then every upsert. Deleting a
    /// missing key is not an error.
    public func apply<Upserts: Sequence<(DocumentKey, DatabaseRow)>, Deletes: Sequence<DocumentKey>>(
        table name: String, upserts: Upserts, deletes: Deletes, replacingAll: Bool = false
    ) throws {
        guard let table = schema.table(named: name) else {
            throw PGError(code: .unknownTable, message: "no such table in the target", connection: connection.description,
                          table: name)
        }
        do {
            try withSavepoint {
                let writer = PostgresRowWriter(table: table, connection: connection)
                if replacingAll {
                    try connection.execute("DELETE FROM ONLY \(SQL.qualified(table.schema, table.name))")
                } else if table.primaryKey.isEmpty {
                    try writer.deleteByContent(Set(deletes))
                } else {
                    try writer.delete(keys: deletes)
                }
                try writer.upsert(rows: upserts.lazy.map(\.1))
            }
        } catch let error as PGError {
            throw error.inTable(table.qualifiedName)
        }
    }

    /// Runs statements that change the structure (inside ``transaction(_:)``), then reads the
    /// structure again, so that rows are written to the tables as they now are.
    public func migrate(_ statements: [String]) throws(PGError) {
        guard !statements.isEmpty else { return }
        for statement in statements { try connection.execute(statement) }
        schema = try PostgresSchema(reading: connection, schemas: [], tables: [])
    }

    /// How the tables of `expected` (a snapshot's schema) differ from the target's, one line each
    /// (`app.tree: columns differ`), and which of `removed` the target still has: read inside the
    /// open transaction, so a migration is checked before it commits.
    public func structureDifferences(from expected: PostgresSchema, removed: Set<String>) throws(PGError) -> [String] {
        let present = try PostgresSchema(reading: connection, schemas: [], tables: [])
        var differences = removed.sorted().filter { present.table(named: $0)?.qualifiedName == $0 }.map { "\($0): still present" }
        for table in expected.tables {
            guard let actual = present.tables.first(where: { $0.qualifiedName == table.qualifiedName }) else {
                differences.append("\(table.qualifiedName): missing")
                continue
            }
            let parts: [(String, Bool)] = [("columns", actual.columns == table.columns), ("primary key", actual.primaryKey == table.primaryKey),
                                           ("constraints", actual.constraints == table.constraints), ("indexes", actual.indexes == table.indexes),
                                           ("comment", actual.comment == table.comment),
                                           ("storage parameters", actual.storageParameters == table.storageParameters)]
            let differing = parts.filter { !$0.1 }.map(\.0)
            if !differing.isEmpty { differences.append("\(table.qualifiedName): \(differing.joined(separator: ", ")) differ") }
        }
        return differences
    }

    /// Sets every sequence of `target` (the new snapshot's schema) that exists here to its value.
    public func applySequences(of target: PostgresSchema) throws(PGError) {
        let present = Set(schema.sequences.map { SQL.qualified($0.schema, $0.name) })
        for sequence in target.sequences where present.contains(SQL.qualified(sequence.schema, sequence.name)) {
            let name = SQL.qualified(sequence.schema, sequence.name)
            try connection.execute("SELECT pg_catalog.setval(\(SQL.literal(name)), \(sequence.lastValue), \(sequence.isCalled))")
        }
    }

    /// Runs `body` inside a savepoint, in a transaction begun here when none is open; rolls back
    /// (to the savepoint) if `body` throws.
    private func withSavepoint(_ body: () throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        let outer = depth == 1
        try connection.execute(outer ? "BEGIN" : "SAVEPOINT amber_\(depth)")
        do {
            try body()
            try connection.execute(outer ? "COMMIT" : "RELEASE amber_\(depth)")
        } catch {
            try? connection.execute(outer ? "ROLLBACK" : "ROLLBACK TO amber_\(depth); RELEASE amber_\(depth)")
            throw error
        }
    }
}
