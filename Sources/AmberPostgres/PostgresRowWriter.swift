import AmberDocuments

/// Changes to one table by key, for ``PostgresIncrementalTarget``, in a few statements whatever
/// their number: the rows (or keys) go by `COPY` into a temporary staging table shaped like the
/// table's columns, then one `INSERT … SELECT … ON CONFLICT` (or one `DELETE … USING`) applies
/// them. The server converts values with each column's input function, as in a full restore.
struct PostgresRowWriter {
    let table: PostgresSchema.Table
    let connection: PGConnection

    /// `INSERT … OVERRIDING SYSTEM VALUE SELECT … FROM staging ON CONFLICT (key) DO UPDATE SET …`
    /// (a plain insert for a table without a primary key).
    private func upsertSQL(from staging: String) -> String {
        let columns = table.rowColumns
        var sql = "INSERT INTO \(SQL.qualified(table.schema, table.name)) (\(SQL.list(columns.map(\.name)))) "
            + "OVERRIDING SYSTEM VALUE SELECT \(SQL.list(columns.map(\.name))) FROM \(staging)"
        guard !table.primaryKey.isEmpty else { return sql }
        let updated = columns.filter { !table.primaryKey.contains($0.name) && $0.identity != "always" }
        sql += " ON CONFLICT (\(SQL.list(table.primaryKey))) DO "
        sql += updated.isEmpty ? "NOTHING"
            : "UPDATE SET " + updated.map { "\(SQL.quote($0.name)) = EXCLUDED.\(SQL.quote($0.name))" }.joined(separator: ", ")
        return sql
    }

    /// Inserts or replaces `rows` (keys unique), which must have the table's non-generated columns in order.
    func upsert<Rows: Sequence<DatabaseRow>>(rows: Rows) throws {
        let names = table.rowColumns.map { Array($0.name.utf8) }
        try withStaging(columns: table.rowColumns.map(\.name), rows: rows.map { row throws(PGError) -> [DatabaseValue] in
            guard row.columns.count == names.count, zip(row.columns, names).allSatisfy({ $0.name == $1 }) else {
                throw PGError(code: .rowMismatch, message: "the row's columns are not the table's", table: table.qualifiedName)
            }
            return row.columns.map(\.value)
        }) { staging throws(PGError) in
            try connection.execute(upsertSQL(from: staging))
        }
    }

    /// Deletes the rows with primary keys `keys`.
    func delete<Keys: Sequence<DocumentKey>>(keys: Keys) throws {
        let count = table.primaryKey.count
        try withStaging(columns: table.primaryKey, rows: keys.map { key throws(PGError) -> [DatabaseValue] in
            guard case .composite(let values) = key, values.count == count else {
                throw PGError(code: .rowMismatch, message: "a key that is not this table's primary key", table: table.qualifiedName)
            }
            return values
        }) { staging throws(PGError) in
            let match = table.primaryKey.map { "t.\(SQL.quote($0)) = k.\(SQL.quote($0))" }.joined(separator: " AND ")
            try connection.execute("DELETE FROM ONLY \(SQL.qualified(table.schema, table.name)) AS t USING \(staging) AS k WHERE \(match)")
        }
    }

    /// Copies `rows` of `columns` into a temporary table shaped like those columns of the table,
    /// runs `apply` with its name, and drops it. Nothing is done for no rows.
    private func withStaging(columns: [String], rows: [[DatabaseValue]], apply: (String) throws(PGError) -> Void) throws {
        guard !rows.isEmpty else { return }
        let staging = "pg_temp.amber_staging"
        try connection.execute("CREATE TEMPORARY TABLE amber_staging ON COMMIT DROP AS SELECT \(SQL.list(columns)) "
                               + "FROM \(SQL.qualified(table.schema, table.name)) WITH NO DATA")
        let copy = try connection.copyIn("COPY \(staging) (\(SQL.list(columns))) FROM STDIN")
        var line = [UInt8]()
        do {
            for values in rows {
                line.removeAll(keepingCapacity: true)
                COPYText.append(values, to: &line)
                try copy.write(line: line)
            }
            try copy.finish()
        } catch {
            copy.abort()
            throw error
        }
        try apply(staging)
        try connection.execute("DROP TABLE \(staging)")
    }

    /// Deletes the rows whose content keys are in `keys`: reads the table with each row's `ctid`,
    /// keys the rows as a source does, and deletes the matching `ctid`s.
    func deleteByContent(_ keys: Set<DocumentKey>) throws {
        guard !keys.isEmpty else { return }
        let columns = table.rowColumns.map(\.name)
        let names = columns.map { Array($0.utf8) }
        var rows = [DatabaseRow]()
        var locations = [String]()
        try connection.copyOut("COPY (SELECT ctid, \(SQL.list(columns)) FROM ONLY \(SQL.qualified(table.schema, table.name))) TO STDOUT") {
            let values = try COPYText.parse($0)
            guard case .text(let ctid) = values.first, values.count == names.count + 1 else {
                throw PGError(code: .copyFormat, message: "unexpected COPY line", table: table.qualifiedName)
            }
            locations.append(String(decoding: ctid, as: UTF8.self))
            rows.append(DatabaseRow(zip(names, values.dropFirst()).map { DatabaseRow.Column(name: $0, value: $1) }))
        }
        for (key, position) in PostgresSchema.Table.contentKeys(rows) where keys.contains(key) {
            _ = try connection.query("DELETE FROM ONLY \(SQL.qualified(table.schema, table.name)) WHERE ctid = $1::pg_catalog.tid",
                                     [locations[position]])
        }
    }
}
