internal import CSQLite

/// A SQLite result code (primary or extended), with named values for the ones callers match on.
///
/// Match a thrown ``SQLiteError`` against a code with `~=`: `catch SQLiteResultCode.busy { … }`
/// matches on the primary code. Raw codes enter only through the internal call layer.
public struct SQLiteResultCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric code (the C `int`), primary or extended.
    public let rawValue: Int32

    init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code: the low 8 bits of an extended code.
    public var primary: SQLiteResultCode { SQLiteResultCode(rawValue & 0xFF) }

    public static let ok = SQLiteResultCode(SQLITE_OK)
    public static let error = SQLiteResultCode(SQLITE_ERROR)
    public static let permission = SQLiteResultCode(SQLITE_PERM)
    public static let abort = SQLiteResultCode(SQLITE_ABORT)
    public static let busy = SQLiteResultCode(SQLITE_BUSY)
    public static let locked = SQLiteResultCode(SQLITE_LOCKED)
    public static let noMemory = SQLiteResultCode(SQLITE_NOMEM)
    public static let readOnly = SQLiteResultCode(SQLITE_READONLY)
    public static let ioError = SQLiteResultCode(SQLITE_IOERR)
    public static let corrupt = SQLiteResultCode(SQLITE_CORRUPT)
    public static let full = SQLiteResultCode(SQLITE_FULL)
    public static let cantOpen = SQLiteResultCode(SQLITE_CANTOPEN)
    public static let schema = SQLiteResultCode(SQLITE_SCHEMA)
    public static let tooBig = SQLiteResultCode(SQLITE_TOOBIG)
    public static let constraint = SQLiteResultCode(SQLITE_CONSTRAINT)
    public static let mismatch = SQLiteResultCode(SQLITE_MISMATCH)
    public static let misuse = SQLiteResultCode(SQLITE_MISUSE)
    public static let notADatabase = SQLiteResultCode(SQLITE_NOTADB)

    /// SQLite's English text for the code. The corresponding C function is `sqlite3_errstr`.
    public var description: String { String(cString: sqlite3_errstr(rawValue)) }

    /// Matches an error that is a ``SQLiteError`` whose primary result code is `pattern`'s
    /// primary code.
    public static func ~= (pattern: SQLiteResultCode, error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return error.resultCode.primary == pattern.primary
    }
}
