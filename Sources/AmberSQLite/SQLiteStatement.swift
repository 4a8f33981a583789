internal import CSQLite
import AmberDocuments

/// A compiled SQL statement. It owns the `sqlite3_stmt` handle, released by ``finalize()`` or,
/// as a backstop, by `deinit`; it keeps its ``SQLiteDatabase`` alive.
public final class SQLiteStatement {
    /// The SQL text it was compiled from.
    public let sql: String
    /// The connection it belongs to.
    public let database: SQLiteDatabase
    private var handle: OpaquePointer?

    init(handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit {
        if let handle { sqlite3_finalize(handle) }
    }

    /// Releases the statement (`sqlite3_finalize`); later calls fail with
    /// ``SQLiteResultCode/misuse``. Finalizing twice is a no-op.
    public func finalize() {
        if let handle { sqlite3_finalize(handle) }
        handle = nil
    }

    private func openHandle() throws(SQLiteError) -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(code: .sqlite, message: "statement is finalized", resultCode: .misuse,
                              extendedResultCode: .misuse, sql: sql, path: database.path)
        }
        return handle
    }

    /// Resets the statement and binds `values` to its parameters `?1`, `?2`, …
    /// (`sqlite3_reset`, `sqlite3_clear_bindings`, `sqlite3_bind_*`).
    public func bind(_ values: [DatabaseValue]) throws(SQLiteError) {
        let statement = try openHandle()
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let v): code = sqlite3_bind_int64(statement, index, v)
            case .real(let v): code = sqlite3_bind_double(statement, index, v)
            case .text(let bytes):
                // A NULL pointer would bind SQL NULL, so empty text points at a real byte.
                code = bytes.withUnsafeBufferPointer { buffer in
                    buffer.isEmpty
                        ? sqlite3_bind_text64(statement, index, "", 0, amber_sqlite_transient(), UInt8(SQLITE_UTF8))
                        : buffer.withMemoryRebound(to: CChar.self) {
                            sqlite3_bind_text64(statement, index, $0.baseAddress, UInt64($0.count), amber_sqlite_transient(),
                                                UInt8(SQLITE_UTF8))
                        }
                }
            case .blob(let bytes):
                // Likewise a zero-length blob must not be bound through a NULL pointer.
                code = bytes.isEmpty
                    ? sqlite3_bind_zeroblob(statement, index, 0)
                    : bytes.withUnsafeBytes { sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), amber_sqlite_transient()) }
            }
            try database.check(code, sql: sql)
        }
    }

    /// Advances to the next row: `true` when a row is available, `false` when the statement is
    /// done (`sqlite3_step`).
    public func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(try openHandle())
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(code, sql: sql)
        }
    }

    /// Runs the statement to completion with `values` bound, ignoring any rows.
    public func execute(_ values: [DatabaseValue]) throws(SQLiteError) {
        try bind(values)
        while try step() {}
    }

    /// The number of result columns (`sqlite3_column_count`); 0 once finalized.
    public var columnCount: Int { handle.map { Int(sqlite3_column_count($0)) } ?? 0 }

    /// The name of result column `index` (`sqlite3_column_name`).
    public func columnName(at index: Int) -> String {
        guard let handle, let name = sqlite3_column_name(handle, Int32(index)) else { return "" }
        return String(cString: name)
    }

    /// The value of column `index` of the current row, with its exact storage class
    /// (`sqlite3_column_type`, then the matching `sqlite3_column_*`).
    public func value(at index: Int) -> DatabaseValue {
        guard let statement = handle else { return .null }
        let column = Int32(index)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            // > call sqlite3_column_text() first to force the result into the desired format,
            // > then invoke sqlite3_column_bytes() to find the size of the result.
            guard let text = sqlite3_column_text(statement, column) else { return .text([]) }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(Array(UnsafeBufferPointer(start: text, count: count)))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(statement, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default: return .null
        }
    }
}
