internal import CSQLite

/// The call layer: every SQLite return code goes through ``check(_:sql:)`` and becomes a typed
/// ``SQLiteError`` carrying the connection's message and extended code.
extension SQLiteDatabase {
    /// The open handle, or ``SQLiteResultCode/misuse`` after ``close()``.
    func openHandle() throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: .sqlite, message: "database connection is closed", resultCode: .misuse,
                              extendedResultCode: .misuse, path: path)
        }
        return handle
    }

    /// Throws unless `code` is `SQLITE_OK`.
    func check(_ code: Int32, sql: String?) throws(SQLiteError) {
        guard code != SQLITE_OK else { return }
        throw error(code, sql: sql)
    }

    /// The error for a failed call that returned `code`.
    func error(_ code: Int32, sql: String?) -> SQLiteError {
        var extended = code
        var message = String(cString: sqlite3_errstr(code))
        if let handle {
            // `sqlite3_errmsg` describes the most recent failed call on this connection; it is the
            // same call only if its extended code agrees with the one returned.
            let last = sqlite3_extended_errcode(handle)
            if last & 0xFF == code & 0xFF {
                extended = last
                message = String(cString: sqlite3_errmsg(handle))
            }
        }
        return SQLiteError(code: .sqlite, message: message, resultCode: SQLiteResultCode(code & 0xFF),
                           extendedResultCode: SQLiteResultCode(extended), sql: sql, path: path)
    }
}
