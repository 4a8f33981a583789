/// How rows of a table become keyed documents.
///
/// - A table with a primary key (every `WITHOUT ROWID` table; a rowid table that declares one)
///   is keyed by the primary-key columns in key order: `.composite([v₁, v₂, …])`.
/// - A rowid table without a primary key is keyed by its rowid: `.composite([.integer(rowid)])`.
///   The rowid is not a column of the row; the key *is* where it is kept, and a target that
///   inserts the row passes the key's integer as the rowid, so restored rowids equal the source's
///   (gaps included). ``Table/rowIDName`` is the name that reaches the rowid.
///
/// A rowid table whose key is `INTEGER PRIMARY KEY` has that column as its rowid: its key is
/// the column, and its rowids survive because the column does.
extension SQLiteSchema.Table {
    /// The primary-key column names in key order; empty when the table is keyed by rowid.
    public var keyColumns: [String] {
        columns.filter { $0.primaryKeyPosition > 0 }.sorted { $0.primaryKeyPosition < $1.primaryKeyPosition }.map(\.name)
    }

    /// Whether rows are keyed by the rowid (no declared primary key).
    public var isKeyedByRowID: Bool { !withoutRowID && keyColumns.isEmpty }

    /// The columns a row carries, in table order: all but generated columns.
    public var rowColumns: [SQLiteSchema.Column] { columns.filter { $0.generated == nil } }

    /// A name that reaches the rowid of a rowid table: `rowid`, `oid` or `_rowid_`, the first
    /// that no column shadows; `nil` for `WITHOUT ROWID` tables and when all three are columns.
    public var rowIDName: String? {
        guard !withoutRowID else { return nil }
        let taken = Set(columns.map { $0.name.lowercased() })
        return ["rowid", "oid", "_rowid_"].first { !taken.contains($0) }
    }

    /// Whether the primary key is the rowid itself (a single `INTEGER PRIMARY KEY` column), so
    /// that key order is rowid order.
    var keyIsRowIDAlias: Bool {
        guard !withoutRowID else { return false }
        let key = columns.filter { $0.primaryKeyPosition > 0 }
        return key.count == 1 && key[0].declaredType.uppercased() == "INTEGER"
    }

    /// The positions of the key columns within ``rowColumns``.
    var keyOffsets: [Int] {
        let names = rowColumns.map(\.name)
        return keyColumns.compactMap { names.firstIndex(of: $0) }
    }

    /// The rowid name, or ``SQLiteError/Code/unsupported`` when no name reaches it.
    func requireRowIDName(path: String) throws(SQLiteError) -> String {
        guard let rowID = rowIDName else {
            throw SQLiteError(code: .unsupported, message: "columns named rowid, oid and _rowid_ hide the rowid", path: path,
                              table: name)
        }
        return rowID
    }
}

/// SQL text helpers.
enum SQL {
    /// `name` as a quoted identifier: `"a""b"`.
    static func quote(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// A comma-separated list of quoted identifiers.
    static func list(_ names: [String]) -> String { names.map(quote).joined(separator: ", ") }
}
