internal import CLibPQ

/// One result of a statement: owns the `PGresult` and clears it (`PQclear`) when it goes away.
/// Values are read as text (every statement Amber runs uses the text format).
struct PGResult: ~Copyable {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQclear(handle)
    }

    /// `PQresultStatus`.
    var status: ExecStatusType { PQresultStatus(handle) }

    /// The number of rows (`PQntuples`).
    var rowCount: Int { Int(PQntuples(handle)) }

    /// The number of columns (`PQnfields`).
    var columnCount: Int { Int(PQnfields(handle)) }

    /// The text of one value, `nil` for SQL NULL (`PQgetisnull`, `PQgetvalue`).
    func string(_ row: Int, _ column: Int) -> String? {
        if PQgetisnull(handle, Int32(row), Int32(column)) != 0 { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    /// Every row, each as its columns' texts.
    var rows: [[String?]] {
        (0..<rowCount).map { row in (0..<columnCount).map { string(row, $0) } }
    }

    /// The SQLSTATE and primary message of a failed result.
    var failure: (sqlState: String?, message: String?) {
        (amber_pq_sqlstate(handle).map { String(cString: $0) },
         amber_pq_primary_message(handle).map { String(cString: $0) })
    }
}
