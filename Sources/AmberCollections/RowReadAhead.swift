import AmberManifest
import Foundation

/// The rows of a database source's tables, read on a thread of their own into a bounded buffer
/// before the backup asks for them: reading (the server's `COPY`, parsing, encoding) then overlaps
/// with what comes before storing, chiefly unlocking the repository, whose key derivation keeps
/// one or two cores busy for a quarter to half a second while the others would wait.
///
/// The reader reads the tables in the order given, each in key order, in chunks of at most 1,024
/// rows or an eighth of `limit`, and waits while the rows queued hold `limit` bytes or more
/// (counted with each array's capacity and a fixed overhead, so the figure is close to the
/// memory held): at most about `limit` plus two chunks are held, whatever the rows' size. The consumer takes the rows table by table in the
/// same order, row by row (``forEachRow(of:_:)``) or chunk by chunk (``forEachChunk(of:_:)``,
/// which hands them on without touching each); an error of the reader reaches it in its
/// place, after the rows read before it. Once given a ``LeafHasher`` (``hashLeaves(with:)``,
/// when the repository is unlocked), the reader also computes each row's leaf boundary hash. ``cancel()`` stops the reader (calling `interrupt`, which should
/// make a blocked read return, e.g. ``AmberPostgres/PGCanceller/cancel()``) and waits for it: call
/// it before closing what the reader reads from.
final class RowReadAhead: @unchecked Sendable {
    /// One row: its encoded key, its encoded value, and its key's leaf boundary hash when the
    /// reader had a hasher (the builder computes the others).
    typealias Row = PipelinedBuilder<CollectionBuilder>.Entry
    /// Reads one table, calling the function it is given with each row's key and value in key order.
    typealias Reader = (_ table: String, _ emit: ((key: [UInt8], value: [UInt8])) throws -> Void) throws -> Void

    private enum Item {
        case rows([Row], bytes: Int)
        case end
        case failure(any Error)
    }

    /// What the reader throws out of a table when ``cancel()`` stopped it.
    private struct Cancelled: Error {}

    private static let chunkRows = 1024
    /// The reader's stack: parsing a document recurses into its nesting, as on the main thread.
    private static let stackSize = 8 << 20
    private static let rowOverhead = 64

    private let tables: [String]
    private let limit: Int
    private let interrupt: @Sendable () -> Void
    /// The next table the consumer takes: the consumer's alone.
    private var nextTable = 0

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var head = 0
    private var queuedBytes = 0
    private var cancelled = false
    private var running = true
    private var leafHasher: LeafHasher?

    /// Starts the reader.
    ///
    /// - Parameters:
    ///   - tables: the tables, in the order the consumer takes them.
    ///   - limit: the bytes of rows the buffer holds before the reader waits: 8 MiB by default.
    ///     While the key derivation holds the cores (two lanes, a quarter of a second) the reader
    ///     gets little of them anyway; 32 MiB made a PostgreSQL backup no faster and its peak
    ///     28 MB larger (it coincides with the derivation's 128 MiB).
    ///   - interrupt: called by ``cancel()`` while the reader runs, to end a read it is blocked in.
    ///   - read: reads one table; it runs on the reader's thread only, and alone uses what it reads.
    init(tables: [String], limit: Int = 8 << 20, interrupt: @escaping @Sendable () -> Void, read: @escaping Reader) {
        self.tables = tables
        self.limit = limit
        self.interrupt = interrupt
        nonisolated(unsafe) let read = read
        let thread = Thread { [self] in
            run(read)
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = Self.stackSize
        thread.start()
    }

    deinit {
        cancel()
    }

    /// Calls `body` with each row of `table`, which must be the next table of the list given.
    ///
    /// - Throws: the reader's error for this table (or an earlier one), or what `body` throws.
    func forEachRow(of table: String, _ body: (Row) throws -> Void) throws {
        try forEachChunk(of: table) { rows in for row in rows { try body(row) } }
    }

    /// Calls `body` with the rows of `table` (the next table of the list given) chunk by chunk,
    /// in order: at most 1,024 rows each.
    ///
    /// - Throws: the reader's error for this table (or an earlier one), or what `body` throws.
    func forEachChunk(of table: String, _ body: ([Row]) throws -> Void) throws {
        guard nextTable < tables.count, tables[nextTable] == table else {
            throw SourceError(file: table, message: "rows asked out of order (read ahead: \(tables))")
        }
        nextTable += 1
        while true {
            switch take() {
            case .rows(let rows, _):
                try body(rows)
            case .end:
                return
            case .failure(let error):
                throw error
            }
        }
    }

    /// Has the reader compute the leaf boundary hash of the rows it reads from now on (the
    /// hasher is the reader's alone from then on).
    func hashLeaves(with hasher: LeafHasher) {
        condition.lock()
        leafHasher = hasher
        condition.unlock()
    }

    /// Stops the reader and waits for it to return. Harmless after the reader has finished.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        head = 0
        queuedBytes = 0
        condition.broadcast()
        let isRunning = running
        condition.unlock()
        if isRunning { interrupt() }
        condition.lock()
        while running { condition.wait() }
        condition.unlock()
    }

    // MARK: Reader

    private func run(_ read: Reader) {
        let chunkBytes = max(1, limit / 8)
        for table in tables {
            // A cancel that reached the server between two tables ended nothing: do not start the next.
            guard !isCancelled else { return }
            var chunk = [Row]()
            var bytes = 0
            var hasher = currentHasher
            do {
                try read(table) { row in
                    chunk.append((row.key, row.value, hasher?.hash(row.key)))
                    bytes += row.key.capacity + row.value.capacity + Self.rowOverhead
                    if chunk.count == Self.chunkRows || bytes >= chunkBytes {
                        try put(.rows(chunk, bytes: bytes))
                        chunk = []
                        chunk.reserveCapacity(Self.chunkRows)
                        bytes = 0
                        if hasher == nil { hasher = currentHasher }
                    }
                }
                if !chunk.isEmpty { try put(.rows(chunk, bytes: bytes)) }
                try put(.end)
            } catch is Cancelled {
                return
            } catch {
                // The rows read before the error come first, as they would without reading ahead.
                if !chunk.isEmpty { try? put(.rows(chunk, bytes: bytes)) }
                try? put(.failure(error))  // refused once cancelled: nobody takes it then
                return
            }
        }
    }

    /// Queues an item, waiting while the buffer is full.
    private func put(_ item: Item) throws {
        condition.lock()
        defer { condition.unlock() }
        while queuedBytes >= limit && !cancelled { condition.wait() }
        guard !cancelled else { throw Cancelled() }
        if case .rows(_, let bytes) = item { queuedBytes += bytes }
        queue.append(item)
        condition.broadcast()
    }

    private var currentHasher: LeafHasher? {
        condition.lock()
        defer { condition.unlock() }
        return leafHasher
    }

    private var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    // MARK: Consumer

    /// The next item, waiting for the reader.
    private func take() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count {
            // The reader always ends a table with `.end` or `.failure`; it returns early only when cancelled.
            guard running, !cancelled else { return .failure(SourceError(file: "", message: "the reading ahead was cancelled")) }
            condition.wait()
        }
        let item = queue[head]
        queue[head] = .end
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        if case .rows(_, let bytes) = item {
            queuedBytes -= bytes
            condition.broadcast()
        }
        return item
    }
}
