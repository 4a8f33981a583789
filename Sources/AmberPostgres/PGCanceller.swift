internal import CLibPQ

/// Asks the server to cancel the command a connection is running, from any thread: libpq's
/// `PGcancel` (`PQgetCancel`, `PQcancel`).
///
/// It is made from the connection while no other thread uses it (``PGConnection/makeCanceller()``),
/// and from then on needs no access to the connection: a thread that must stop another one's
/// `COPY` calls ``cancel()``, the server ends the command with an error, and the reading thread
/// sees that error and returns. A cancel request that arrives while nothing runs does nothing.
public final class PGCanceller: @unchecked Sendable {
    private let handle: OpaquePointer?

    fileprivate init(connection: OpaquePointer) {
        handle = PQgetCancel(connection)
    }

    deinit {
        if let handle { PQfreeCancel(handle) }
    }

    /// Sends the cancel request (a separate connection to the server, as `PQcancel` does).
    ///
    /// - Returns: whether the request was sent; the server may still have finished the command.
    @discardableResult
    public func cancel() -> Bool {
        guard let handle else { return false }
        var message = [CChar](repeating: 0, count: 256)
        return PQcancel(handle, &message, Int32(message.count)) == 1
    }
}

extension PGConnection {
    /// A ``PGCanceller`` for the commands this connection will run. Call it while no other
    /// thread uses the connection.
    public func makeCanceller() throws(PGError) -> PGCanceller {
        PGCanceller(connection: try openHandle())
    }
}
