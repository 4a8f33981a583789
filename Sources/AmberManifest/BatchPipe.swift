import Foundation

/// A bounded hand-over of entries from a producer thread to a consumer thread, one of which is a
/// worker thread the pipe starts (``startWorker(_:)``). The producer appends entries, which travel
/// in batches of at most `batchEntries` entries or `batchBytes` bytes; at most `depth` batches
/// wait, so memory stays bounded (plus one entry larger than a batch).
///
/// Either side may stop early: the producer with ``end(_:discardingQueued:)`` (its error, if any,
/// reaches the consumer after the batches already queued, or at once when discarding them), the
/// consumer with ``stop(_:)`` (its error reaches the producer's next ``flush()``).
/// Used by ``ManifestStream`` (the worker produces) and ``PipelinedBuilder`` (the worker
/// consumes).
final class BatchPipe<Element>: @unchecked Sendable {
    typealias Batch = [Element]

    let batchEntries: Int
    let batchBytes: Int
    let depth: Int

    // The batch being filled: the producer's alone.
    private var batch = Batch()
    private var bytes = 0

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue = [Batch]()
    private var ended = false
    private var producerFailure: ManifestError?
    private var stopped = false
    private var consumerFailure: ManifestError?
    private var workerRunning = false

    init(batchEntries: Int, batchBytes: Int, depth: Int) {
        self.batchEntries = batchEntries
        self.batchBytes = batchBytes
        self.depth = depth
    }

    /// Runs `body` (one side of the pipe) on a new thread.
    func startWorker(_ body: @escaping @Sendable () -> Void) {
        workerRunning = true
        let thread = Thread { [self] in
            body()
            condition.lock()
            workerRunning = false
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits until the worker's body has returned.
    func waitForWorker() {
        condition.lock()
        while workerRunning { condition.wait() }
        condition.unlock()
    }

    // MARK: Producer

    /// Adds an entry of `count` bytes, handing the batch over when it is full.
    func append(_ element: Element, bytes count: Int) throws(ManifestError) {
        batch.append(element)
        bytes += count
        if batch.count >= batchEntries || bytes >= batchBytes { try flush() }
    }

    /// Hands the batch being filled over, waiting while the queue is full; throws the
    /// consumer's error once it has stopped.
    func flush() throws(ManifestError) {
        guard !batch.isEmpty else { return }
        try enqueue(batch)
        batch = Batch()
        batch.reserveCapacity(batchEntries)
        bytes = 0
    }

    /// Hands a whole batch over (after the one being filled), as it is: for a producer that
    /// already holds its entries in batches, which then travel without being copied entry by
    /// entry. Its size is the producer's to bound.
    func append(batch whole: Batch) throws(ManifestError) {
        try flush()
        guard !whole.isEmpty else { return }
        try enqueue(whole)
    }

    /// Queues a batch, waiting while the queue is full; throws the consumer's error once it
    /// has stopped.
    private func enqueue(_ batch: Batch) throws(ManifestError) {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= depth && !stopped { condition.wait() }
        guard !stopped else { throw consumerFailure ?? ManifestError(.invalidArgument, "the reader stopped") }
        queue.append(batch)
        condition.broadcast()
    }

    /// Ends production, with the error that ended it if any; `discardingQueued` drops the
    /// batches not yet taken.
    func end(_ failure: ManifestError?, discardingQueued: Bool = false) {
        condition.lock()
        ended = true
        producerFailure = failure
        if discardingQueued { queue.removeAll() }
        condition.broadcast()
        condition.unlock()
    }

    // MARK: Consumer

    /// The next batch, `nil` after the last; throws the producer's error after the batches
    /// queued before it.
    func next() throws(ManifestError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !ended { condition.wait() }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let producerFailure { throw producerFailure }
        return nil
    }

    /// Stops consuming, with the error that stopped it if any; queued batches are dropped.
    func stop(_ failure: ManifestError?) {
        condition.lock()
        stopped = true
        consumerFailure = failure
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The error the consumer stopped with, if any.
    var consumerError: ManifestError? {
        condition.lock()
        defer { condition.unlock() }
        return consumerFailure
    }
}
