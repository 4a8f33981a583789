internal import CLibPQ

/// One connection to a PostgreSQL server. It owns the `PGconn`: ``close()`` releases it;
/// `deinit` is only a backstop for a connection that was never closed.
///
/// The connection string is a libpq URI (`postgresql://user@host:port/db?sslmode=…`, also
/// `postgres://`) or `key=value` string. The password comes from the URI, `PGPASSWORD` or
/// `~/.pgpass`, all looked up by libpq itself. Errors and ``description`` name the server by
/// ``PGConnectionInfo/redacted`` only, and any message that quotes the password is scrubbed.
///
/// A connection is used from one thread at a time (not `Sendable`). NOTICE and WARNING
/// messages are dropped rather than printed.
public final class PGConnection: CustomStringConvertible {
    /// What the connection string names (without the password).
    public let info: PGConnectionInfo
    var handle: OpaquePointer?
    /// Whether ``copyOut(_:_:)`` stops at once when its body throws, instead of reading the rest
    /// of the data so that the connection stays usable: for a reader that is being cancelled and
    /// whose connection is closed next (a table of millions of rows would otherwise be read to
    /// its end first).
    public var abandonsCopyOnError = false

    /// Connects. The corresponding C function is `PQconnectdb`.
    ///
    /// - Throws: ``PGError/Code/invalidURI`` for a string libpq cannot parse,
    ///   ``PGError/Code/connection`` with libpq's message for an unreachable server, a failed
    ///   authentication or a missing database.
    public init(uri: String) throws(PGError) {
        info = try PGConnectionInfo(uri)
        let connection = PQconnectdb(uri)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            // > Note that when PQconnectdb returns a non-null pointer, you must call PQfinish when
            // > you are finished with it, even if the connection attempt fails.
            PQfinish(connection)
            throw PGError(code: .connection, message: info.scrub(PGConnectionInfo.oneLine(message)),
                          connection: info.redacted)
        }
        amber_pq_silence_notices(connection)
        handle = connection
    }

    /// Closes the connection (`PQfinish`); an open transaction is rolled back by the server.
    /// Closing twice is a no-op.
    public func close() {
        guard let handle else { return }
        PQfinish(handle)
        self.handle = nil
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool { handle == nil }

    /// The server's version number, e.g. 150020 for 15.20 (`PQserverVersion`).
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }

    /// The server's major version (15 for 15.20): the client programs it needs are of it or newer.
    public var serverMajor: Int { serverVersion / 10000 }

    public var description: String { info.redacted }

    /// Runs one or more statements that return no rows of interest (`PQexec`).
    public func execute(_ sql: String) throws(PGError) {
        let result = try exec(sql)
        _ = consume result
    }

    /// Every row one statement returns, each as its columns' text (`nil` for NULL), after
    /// sending `parameters` as text values `$1`, `$2`, … (`PQexecParams`).
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PGError) -> [[String?]] {
        let result = try exec(sql, parameters)
        return result.rows
    }

    /// The session settings under which values have one canonical text form and every name in
    /// SQL the server generates is schema-qualified: UTF-8, ISO dates, `postgres` intervals, UTC,
    /// shortest exact floats, hex `bytea`, and an empty `search_path` (as `pg_dump` uses).
    public func useCanonicalSession() throws(PGError) {
        try execute("""
            SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; \
            SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'; \
            SET standard_conforming_strings = on; \
            SELECT pg_catalog.set_config('search_path', '', false)
            """)
    }
}
