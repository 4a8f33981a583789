import AmberDocuments

/// Writes keyed rows into one table through prepared statements: `INSERT` (or
/// `INSERT OR REPLACE`) with the rowid taken from the key for rowid-keyed tables, and `DELETE`
/// by key. Checks that each row's columns and key fit the table.
final class SQLiteRowWriter {
    let table: SQLiteSchema.Table
    private let path: String
    private let database: SQLiteDatabase
    private let rowID: String?
    private let names: [[UInt8]]
    private let keyOffsets: [Int]
    private var insertStatement: SQLiteStatement?
    private var deleteStatement: SQLiteStatement?
    private let replace: Bool

    init(table: SQLiteSchema.Table, database: SQLiteDatabase, replace: Bool) throws(SQLiteError) {
        self.table = table
        self.database = database
        self.path = database.path
        self.replace = replace
        rowID = table.isKeyedByRowID ? try table.requireRowIDName(path: database.path) : nil
        names = table.rowColumns.map { Array($0.name.utf8) }
        keyOffsets = table.keyOffsets
    }

    /// Inserts `row` under `key` (the key's integer is the rowid of a rowid-keyed table).
    func insert(key: DocumentKey, row: DatabaseRow) throws(SQLiteError) {
        guard row.columns.count == names.count, zip(row.columns, names).allSatisfy({ $0.name == $1 }) else {
            throw mismatch("row columns \(row.columns.map { String(decoding: $0.name, as: UTF8.self) }) "
                           + "are not the table's \(table.rowColumns.map(\.name))")
        }
        var values = [DatabaseValue]()
        values.reserveCapacity(names.count + 1)
        if rowID != nil { values.append(.integer(try rowIDValue(key))) }
        for column in row.columns { values.append(column.value) }
        if rowID == nil, key != .composite(keyOffsets.map { row.columns[$0].value }) {
            throw mismatch("key \(key.display) is not the row's primary key")
        }
        if insertStatement == nil {
            let columns = (rowID.map { [$0] } ?? []) + table.rowColumns.map { SQL.quote($0.name) }
            let parameters = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            insertStatement = try database.prepare("INSERT \(replace ? "OR REPLACE " : "")INTO main.\(SQL.quote(table.name)) "
                                                   + "(\(columns.joined(separator: ", "))) VALUES (\(parameters))")
        }
        try insertStatement?.execute(values)
    }

    /// Deletes the row with `key`, if there is one.
    func delete(key: DocumentKey) throws(SQLiteError) {
        let values: [DatabaseValue]
        if rowID != nil {
            values = [.integer(try rowIDValue(key))]
        } else {
            guard case .composite(let parts) = key, parts.count == keyOffsets.count else {
                throw mismatch("key \(key.display) does not have \(keyOffsets.count) values")
            }
            values = parts
        }
        if deleteStatement == nil {
            let condition = rowID.map { "\($0) = ?" } ?? table.keyColumns.map { "\(SQL.quote($0)) IS ?" }.joined(separator: " AND ")
            deleteStatement = try database.prepare("DELETE FROM main.\(SQL.quote(table.name)) WHERE \(condition)")
        }
        try deleteStatement?.execute(values)
    }

    /// Releases the prepared statements.
    func finalize() {
        insertStatement?.finalize()
        deleteStatement?.finalize()
        insertStatement = nil
        deleteStatement = nil
    }

    private func rowIDValue(_ key: DocumentKey) throws(SQLiteError) -> Int64 {
        guard case .composite(let parts) = key, parts.count == 1, case .integer(let value) = parts[0] else {
            throw mismatch("key \(key.display) is not a rowid")
        }
        return value
    }

    private func mismatch(_ message: String) -> SQLiteError {
        SQLiteError(code: .rowMismatch, message: message, path: path, table: table.name)
    }
}
