internal import CLibPQ

/// `COPY` in both directions, in the text format (see ``COPYText``).
extension PGConnection {
    /// Runs `COPY … TO STDOUT` and calls `body` with each data line, without its newline
    /// (`PQgetCopyData`, which delivers one line per call in text format).
    ///
    /// If `body` throws, the rest of the data is read and dropped, so the connection stays usable,
    /// and the error is rethrown; with ``abandonsCopyOnError``, the error is rethrown at once and
    /// the connection is left inside the `COPY`, fit only to be closed.
    public func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let connection = try openHandle()
        let started = try check(PQexec(connection, sql), sql: sql, expecting: [PGRES_COPY_OUT])
        _ = consume started
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)
            if length == -1 { break }
            guard length >= 0, let buffer else {
                if let buffer { PQfreemem(buffer) }
                throw lastError(sql: sql)
            }
            defer { PQfreemem(buffer) }
            guard failure == nil else { continue }
            var count = Int(length)
            if count > 0, buffer[count - 1] == 0x0A { count -= 1 }
            do {
                try body(UnsafeRawBufferPointer(start: buffer, count: count))
            } catch {
                failure = error
                if abandonsCopyOnError { break }
            }
        }
        if abandonsCopyOnError, let failure { throw failure }
        try finishCommand(sql: sql)
        if let failure { throw failure }
    }

    /// Runs `COPY … FROM STDIN` and returns a writer for its data; call
    /// ``PGCopyIn/finish()`` (or ``PGCopyIn/abort()``) before using the connection again.
    func copyIn(_ sql: String) throws(PGError) -> PGCopyIn {
        let connection = try openHandle()
        let started = try check(PQexec(connection, sql), sql: sql, expecting: [PGRES_COPY_IN])
        _ = consume started
        return PGCopyIn(connection: self, sql: sql)
    }

    /// Reads results until libpq has none left (`PQgetResult` returns NULL) and throws the first
    /// failure.
    func finishCommand(sql: String?) throws(PGError) {
        let connection = try openHandle()
        var failure: PGError?
        while let raw = PQgetResult(connection) {
            let result = PGResult(raw)
            if failure == nil, result.status != PGRES_COMMAND_OK { failure = error(of: result, sql: sql) }
        }
        if let failure { throw failure }
    }
}

/// The data side of one `COPY … FROM STDIN`: buffers lines and sends them in large messages
/// (`PQputCopyData`), then ends the copy (`PQputCopyEnd`).
final class PGCopyIn {
    private let connection: PGConnection
    private let sql: String
    private var buffer: [UInt8] = []
    private var done = false
    private static let flushSize = 1 << 18

    init(connection: PGConnection, sql: String) {
        self.connection = connection
        self.sql = sql
        buffer.reserveCapacity(Self.flushSize + 4096)
    }

    /// Appends one line of COPY text data (its newline is added here).
    func write(line: [UInt8]) throws(PGError) {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Sends what is buffered.
    private func flush() throws(PGError) {
        guard !buffer.isEmpty else { return }
        let handle = try connection.openHandle()
        let status = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard status == 1 else { throw connection.lastError(sql: sql) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Sends the rest, ends the copy and reads its result.
    func finish() throws(PGError) {
        guard !done else { return }
        done = true
        try flush()
        let handle = try connection.openHandle()
        guard PQputCopyEnd(handle, nil) == 1 else { throw connection.lastError(sql: sql) }
        try connection.finishCommand(sql: sql)
    }

    /// Ends the copy as failed, so the server discards what it received (and the transaction
    /// is aborted).
    func abort() {
        guard !done else { return }
        done = true
        guard let handle = try? connection.openHandle() else { return }
        _ = PQputCopyEnd(handle, "aborted by Amber")
        try? connection.finishCommand(sql: sql)
    }
}
