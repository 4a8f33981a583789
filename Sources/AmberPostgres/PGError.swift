/// A failure of the PostgreSQL layer: a libpq call or a statement the server rejected, or a
/// database Amber cannot capture or restore.
///
/// It names the server (``connection``: user, host, port and database, never the password or
/// the URI as given), the table where there is one, the SQLSTATE and the SQL text of the failing
/// statement; never the values sent with it (row contents stay out of errors and logs).
public struct PGError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case connection = "cannot connect"
            case server = "PostgreSQL error"
            case protocolError = "protocol error"
            case copyFormat = "COPY data"
            case targetNotEmpty = "target not empty"
            case unknownTable = "unknown table"
            case rowMismatch = "row does not fit the table"
            case keyOrder = "primary key order"
            case unsupported = "unsupported"
            case invalidSchema = "invalid schema"
            case invalidURI = "invalid connection URI"
            case clientProgram = "PostgreSQL client program"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The connection could not be made or was lost (`PQconnectdb`, `PQstatus`): unreachable
        /// server, wrong password, missing database.
        public static let connection = Code(.connection)
        /// The server rejected a statement: ``PGError/sqlState`` says why.
        public static let server = Code(.server)
        /// libpq reported an unexpected result status or a failed send.
        public static let protocolError = Code(.protocolError)
        /// A line of COPY text data that is not what `COPY … TO STDOUT` writes.
        public static let copyFormat = Code(.copyFormat)
        /// ``PostgresTarget`` found tables, views, sequences or types in the target database and
        /// `force` was not given.
        public static let targetNotEmpty = Code(.targetNotEmpty)
        /// A table name not in the schema (or not in the database).
        public static let unknownTable = Code(.unknownTable)
        /// A row's columns or key do not match the table it is written to.
        public static let rowMismatch = Code(.rowMismatch)
        /// Rows did not arrive in ascending key order, or two rows share a key.
        public static let keyOrder = Code(.keyOrder)
        /// Something Amber does not capture or apply (e.g. deletes in a table without a primary
        /// key whose rows cannot be found).
        public static let unsupported = Code(.unsupported)
        /// A schema that cannot be decoded or applied.
        public static let invalidSchema = Code(.invalidSchema)
        /// libpq could not parse the connection URI (`PQconninfoParse`).
        public static let invalidURI = Code(.invalidURI)
        /// `pg_dump` or `pg_restore` is missing, too old for the server, or failed.
        public static let clientProgram = Code(.clientProgram)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The five-character SQLSTATE (`PG_DIAG_SQLSTATE`), e.g. `"42P01"` for an undefined table;
    /// `nil` when the failure is not the server's.
    public var sqlState: String?
    /// The server's or libpq's message (primary message only), or Amber's explanation.
    public var message: String
    /// The SQL of the failing statement, without any parameter values.
    public var sql: String?
    /// The server, as ``PGConnectionInfo/redacted`` (no password).
    public var connection: String?
    /// The table concerned, if any (`schema.table`).
    public var table: String?

    init(code: Code, message: String, sqlState: String? = nil, sql: String? = nil, connection: String? = nil,
         table: String? = nil) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
        self.connection = connection
        self.table = table
    }

    /// The same error, naming `table` (unless it already names one).
    func inTable(_ name: String) -> PGError {
        var copy = self
        if copy.table == nil { copy.table = name }
        return copy
    }

    public var description: String {
        var text = connection ?? "PostgreSQL"
        if let table { text += ", table \"\(table)\"" }
        text += ": \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" } else if code != .server { text += " (\(code))" }
        if let sql { text += " in SQL: \(sql)" }
        return text
    }
}
