internal import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The call layer: every libpq result goes through ``check(_:sql:expecting:)`` and becomes a
/// typed ``PGError`` carrying the SQLSTATE, the primary message and the SQL.
extension PGConnection {
    /// The open handle, or ``PGError/Code/connection`` after ``close()``.
    func openHandle() throws(PGError) -> OpaquePointer {
        guard let handle else {
            throw PGError(code: .connection, message: "connection is closed", connection: info.redacted)
        }
        return handle
    }

    /// Runs `sql` (with text `parameters` if any) and returns its result, which must have one of
    /// the `expecting` statuses.
    func exec(_ sql: String, _ parameters: [String?] = [],
              expecting: [ExecStatusType] = [PGRES_COMMAND_OK, PGRES_TUPLES_OK]) throws(PGError) -> PGResult {
        let connection = try openHandle()
        let raw: OpaquePointer?
        if parameters.isEmpty {
            raw = PQexec(connection, sql)
        } else {
            let copies = parameters.map { $0.flatMap { strdup($0) } }
            defer { for copy in copies { free(copy) } }
            let values = copies.map { UnsafePointer<CChar>($0) }
            raw = values.withUnsafeBufferPointer { buffer in
                PQexecParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
            }
        }
        return try check(raw, sql: sql, expecting: expecting)
    }

    /// Wraps a result from libpq, throwing unless its status is one of `expecting`.
    func check(_ raw: OpaquePointer?, sql: String?, expecting: [ExecStatusType]) throws(PGError) -> PGResult {
        guard let raw else { throw lastError(sql: sql) }
        let result = PGResult(raw)
        guard expecting.contains(result.status) else { throw error(of: result, sql: sql) }
        return result
    }

    /// The error a failed (or unexpected) result describes.
    func error(of result: borrowing PGResult, sql: String?) -> PGError {
        let status = result.status
        if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR {
            let (sqlState, primary) = result.failure
            let message = primary ?? String(cString: PQresultErrorMessage(result.handle))
            return PGError(code: .server, message: info.scrub(PGConnectionInfo.oneLine(message)), sqlState: sqlState,
                           sql: sql, connection: info.redacted)
        }
        let name = String(cString: PQresStatus(status))
        return PGError(code: .protocolError, message: "unexpected result status \(name)", sql: sql,
                       connection: info.redacted)
    }

    /// The connection's last error (`PQerrorMessage`), for calls that return no result.
    func lastError(sql: String?) -> PGError {
        let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "connection is closed"
        let code: PGError.Code = handle.map { PQstatus($0) == CONNECTION_OK } ?? false ? .protocolError : .connection
        return PGError(code: code, message: info.scrub(PGConnectionInfo.oneLine(message)), sql: sql,
                       connection: info.redacted)
    }
}
