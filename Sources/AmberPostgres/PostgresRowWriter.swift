import AmberDocuments

/// Row-at-a-time changes to one table by key, for ``PostgresIncrementalTarget``. Values travel as
/// text parameters, which the server converts with each column's input function.
struct PostgresRowWriter {
    let table: PostgresSchema.Table
    let connection: PGConnection

    /// `INSERT … OVERRIDING SYSTEM VALUE VALUES (…) ON CONFLICT (key) DO UPDATE SET …` (a plain
    /// insert for a table without a primary key).
    private var upsertSQL: String {
        let columns = table.rowColumns
        let placeholders = (1...max(columns.count, 1)).map { "$\($0)" }.prefix(columns.count).joined(separator: ", ")
        var sql = "INSERT INTO \(SQL.qualified(table.schema, table.name)) (\(SQL.list(columns.map(\.name)))) "
            + "OVERRIDING SYSTEM VALUE VALUES (\(placeholders))"
        guard !table.primaryKey.isEmpty else { return sql }
        let updated = columns.filter { !table.primaryKey.contains($0.name) && $0.identity != "always" }
        sql += " ON CONFLICT (\(SQL.list(table.primaryKey))) DO "
        sql += updated.isEmpty ? "NOTHING"
            : "UPDATE SET " + updated.map { "\(SQL.quote($0.name)) = EXCLUDED.\(SQL.quote($0.name))" }.joined(separator: ", ")
        return sql
    }

    /// Inserts or replaces `row`, which must have the table's non-generated columns in order.
    func upsert(row: DatabaseRow) throws(PGError) {
        let names = table.rowColumns.map { Array($0.name.utf8) }
        guard row.columns.map(\.name) == names else {
            throw PGError(code: .rowMismatch, message: "the row's columns are not the table's", table: table.qualifiedName)
        }
        _ = try connection.query(upsertSQL, row.columns.map { $0.value.parameterText })
    }

    /// Deletes the row with primary key `key`.
    func delete(key: DocumentKey) throws(PGError) {
        guard case .composite(let values) = key, values.count == table.primaryKey.count else {
            throw PGError(code: .rowMismatch, message: "a key that is not this table's primary key", table: table.qualifiedName)
        }
        let condition = table.primaryKey.enumerated().map { "\(SQL.quote($1)) = $\($0 + 1)" }.joined(separator: " AND ")
        _ = try connection.query("DELETE FROM \(SQL.qualified(table.schema, table.name)) WHERE \(condition)",
                                 values.map(\.parameterText))
    }

    /// Deletes the rows whose content keys are in `keys`: reads the table with each row's `ctid`,
    /// keys the rows as a source does, and deletes the matching `ctid`s.
    func deleteByContent(_ keys: Set<DocumentKey>) throws {
        guard !keys.isEmpty else { return }
        let columns = table.rowColumns.map(\.name)
        let names = columns.map { Array($0.utf8) }
        var rows = [DatabaseRow]()
        var locations = [String]()
        try connection.copyOut("COPY (SELECT ctid, \(SQL.list(columns)) FROM \(SQL.qualified(table.schema, table.name))) TO STDOUT") {
            let values = try COPYText.parse($0)
            guard case .text(let ctid) = values.first, values.count == names.count + 1 else {
                throw PGError(code: .copyFormat, message: "unexpected COPY line", table: table.qualifiedName)
            }
            locations.append(String(decoding: ctid, as: UTF8.self))
            rows.append(DatabaseRow(zip(names, values.dropFirst()).map { DatabaseRow.Column(name: $0, value: $1) }))
        }
        for (key, position) in PostgresSchema.Table.contentKeys(rows) where keys.contains(key) {
            _ = try connection.query("DELETE FROM \(SQL.qualified(table.schema, table.name)) WHERE ctid = $1::pg_catalog.tid",
                                     [locations[position]])
        }
    }
}

extension DatabaseValue {
    /// The value as a text parameter in PostgreSQL's input syntax (`nil` for NULL); see
    /// ``COPYText/append(_:to:)`` for values from other engines.
    var parameterText: String? {
        switch self {
        case .null: nil
        case .integer(let value): String(value)
        case .real(let value): COPYText.realText(value)
        case .text(let bytes): String(decoding: bytes, as: UTF8.self)
        case .blob(let bytes): "\\x" + bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        }
    }
}
