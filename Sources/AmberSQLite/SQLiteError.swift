/// A failure of the SQLite layer: a SQLite call that returned an error, or a database Amber
/// cannot capture or restore.
///
/// It names the file, the table where there is one, and the SQL text of the failing statement;
/// never the values bound to it (row contents stay out of errors and logs).
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case sqlite = "SQLite error"
            case targetExists = "target exists"
            case unsupported = "unsupported"
            case rowMismatch = "row does not fit the table"
            case keyOrder = "primary key order"
            case unknownTable = "unknown table"
            case io = "I/O error"
            case invalidSchema = "invalid schema"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A SQLite call failed: ``SQLiteError/resultCode`` says how.
        public static let sqlite = Code(.sqlite)
        /// ``SQLiteTarget`` found a file at the target path and `force` was not given.
        public static let targetExists = Code(.targetExists)
        /// The database uses something Amber does not capture (a virtual table, a table with no
        /// addressable rowid).
        public static let unsupported = Code(.unsupported)
        /// A row's columns or key do not match the table it is written to.
        public static let rowMismatch = Code(.rowMismatch)
        /// Two rows of a table have equal primary keys (possible with NULL in a rowid table's
        /// primary key), so they cannot be keyed documents.
        public static let keyOrder = Code(.keyOrder)
        /// A table name not in the schema.
        public static let unknownTable = Code(.unknownTable)
        /// A file operation (rename, unlink, stat) failed.
        public static let io = Code(.io)
        /// A schema that cannot be decoded or applied.
        public static let invalidSchema = Code(.invalidSchema)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The primary SQLite result code; ``SQLiteResultCode/ok`` when the failure is not SQLite's.
    public var resultCode: SQLiteResultCode
    /// The extended result code (`sqlite3_extended_errcode`), e.g. `SQLITE_CONSTRAINT_PRIMARYKEY`.
    public var extendedResultCode: SQLiteResultCode
    /// SQLite's message (`sqlite3_errmsg`) or Amber's explanation.
    public var message: String
    /// The SQL of the failing statement, without bound values.
    public var sql: String?
    /// The database file.
    public var path: String?
    /// The table concerned, if any.
    public var table: String?

    init(code: Code, message: String, resultCode: SQLiteResultCode = .ok, extendedResultCode: SQLiteResultCode = .ok,
         sql: String? = nil, path: String? = nil, table: String? = nil) {
        self.code = code
        self.resultCode = resultCode
        self.extendedResultCode = extendedResultCode
        self.message = message
        self.sql = sql
        self.path = path
        self.table = table
    }

    /// The same error, naming `table` (unless it already names one).
    func inTable(_ name: String) -> SQLiteError {
        var copy = self
        if copy.table == nil { copy.table = name }
        return copy
    }

    public var description: String {
        var text = path ?? "SQLite"
        if let table { text += ", table \"\(table)\"" }
        text += ": \(message)"
        if code == .sqlite { text += " (\(resultCode.description), code \(extendedResultCode.rawValue))" }
        if let sql { text += " in SQL: \(sql)" }
        return text
    }
}
