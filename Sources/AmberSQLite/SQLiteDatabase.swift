internal import CSQLite
import AmberDocuments

/// One connection to a SQLite database file. It owns the `sqlite3` handle: ``close()`` releases
/// it and reports failure; `deinit` is only a backstop for a connection that was never closed.
///
/// A connection is used from one thread at a time (not `Sendable`). Statements it prepares hold
/// it alive, so finalize or drop them before ``close()``.
public final class SQLiteDatabase {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read only; the file must exist. (`SQLITE_OPEN_READONLY`)
        case readOnly
        /// Read and write; the file must exist. (`SQLITE_OPEN_READWRITE`)
        case readWrite
        /// Read and write, creating the file if it is missing. (`SQLITE_OPEN_CREATE`)
        case create
    }

    /// The file this connection opened.
    public let path: String
    var handle: OpaquePointer?

    /// Opens `path`. The corresponding C function is `sqlite3_open_v2`.
    ///
    /// - Parameter busyTimeout: how long a statement waits for another connection's lock before
    ///   failing with ``SQLiteResultCode/busy`` (`sqlite3_busy_timeout`).
    public init(path: String, mode: Mode, busyTimeout: Duration = .seconds(10)) throws(SQLiteError) {
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            // > Whether or not an error occurs when it is opened, resources associated with the
            // > database connection handle should be released by passing it to sqlite3_close().
            _ = sqlite3_close(connection)
            throw SQLiteError(code: .sqlite, message: message, resultCode: SQLiteResultCode(code & 0xFF),
                              extendedResultCode: SQLiteResultCode(code), path: path)
        }
        handle = connection
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(connection, Int32(clamping: milliseconds))
        sqlite3_extended_result_codes(connection, 1)
    }

    /// Closes the connection. Fails with ``SQLiteResultCode/busy`` while statements prepared on it
    /// are alive. Closing twice is a no-op. The corresponding C function is `sqlite3_close`.
    public func close() throws(SQLiteError) {
        guard let connection = handle else { return }
        let code = sqlite3_close(connection)
        guard code == SQLITE_OK else { throw error(code, sql: nil) }
        handle = nil
    }

    deinit {
        // Backstop only: statements hold the database alive, so none is left to keep it busy.
        if let handle { _ = sqlite3_close(handle) }
    }

    /// Whether ``close()`` has succeeded.
    public var isClosed: Bool { handle == nil }

    /// Runs one or more SQL statements that return no rows of interest (`sqlite3_exec`).
    public func execute(_ sql: String) throws(SQLiteError) {
        let connection = try openHandle()
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(connection, sql, nil, nil, &errorMessage)
        if let errorMessage { sqlite3_free(errorMessage) }
        try check(code, sql: sql)
    }

    /// Compiles one SQL statement (`sqlite3_prepare_v3`).
    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        let connection = try openHandle()
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, 0, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            _ = sqlite3_finalize(statement)
            throw error(code == SQLITE_OK ? SQLITE_MISUSE : code, sql: sql)
        }
        return SQLiteStatement(handle: statement, database: self, sql: sql)
    }

    /// The values of the first column of every row `sql` returns, after binding `arguments`.
    public func column(_ sql: String, _ arguments: [DatabaseValue] = []) throws(SQLiteError) -> [DatabaseValue] {
        try rows(sql, arguments).map { $0[0] }
    }

    /// Every row `sql` returns, each as its column values, after binding `arguments`.
    public func rows(_ sql: String, _ arguments: [DatabaseValue] = []) throws(SQLiteError) -> [[DatabaseValue]] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var rows = [[DatabaseValue]]()
        while try statement.step() { rows.append((0..<statement.columnCount).map { statement.value(at: $0) }) }
        statement.finalize()
        return rows
    }
}
