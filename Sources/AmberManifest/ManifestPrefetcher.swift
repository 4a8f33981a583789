import Foundation

/// Reads a manifest's entries ahead of their consumer on a thread of its own: node loads
/// (read, decrypt, decompress, verify, decode) and chunk loads overlap with what the consumer does
/// with each entry (decode a row, write it to a target). Used by ``ManifestReader/scan(from:_:)``.
///
/// Entries travel in batches of at most ``batchEntries`` entries or ``batchBytes`` value bytes;
/// at most ``depth`` batches wait, so memory stays bounded (plus one value larger than a batch).
final class ManifestPrefetcher: @unchecked Sendable {
    typealias Batch = [(key: [UInt8], value: [UInt8])]

    static let batchEntries = 512
    static let batchBytes = 1 << 20
    static let depth = 8

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue = [Batch]()
    private var finished = false
    private var failure: ManifestError?
    private var cancelled = false
    private var producerDone = false

    /// Starts reading `reader`'s entries from `start` on a new thread.
    init(reader: ManifestReader, start: [UInt8]?) {
        let thread = Thread { [self] in
            produce(reader: reader, start: start)
            condition.lock()
            producerDone = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The next batch, `nil` after the last; rethrows the producer's error.
    func next() throws(ManifestError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the producer and waits until it no longer touches the repository.
    func close() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        while !producerDone { condition.wait() }
        condition.unlock()
    }

    private func produce(reader: ManifestReader, start: [UInt8]?) {
        var batch = Batch()
        var bytes = 0
        do throws(ManifestError) {
            var cursor = try reader.cursor(from: start)
            while let entry = try cursor.next() {
                let value = try reader.loader.resolve(entry.value)
                bytes += value.count
                batch.append((entry.key, value))
                if batch.count >= Self.batchEntries || bytes >= Self.batchBytes {
                    guard put(batch) else { return }
                    batch = Batch()
                    batch.reserveCapacity(Self.batchEntries)
                    bytes = 0
                }
            }
            if !batch.isEmpty, !put(batch) { return }
            end(nil)
        } catch {
            end(error)
        }
    }

    /// Queues a batch, waiting while the queue is full; `false` once the consumer has closed.
    private func put(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.depth && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    private func end(_ error: ManifestError?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }
}

/// A manifest's entries in key order, values resolved, read ahead on another thread (see
/// ``ManifestPrefetcher``): a pull-based ``ManifestReader/scan(from:_:)`` for a consumer that
/// takes entries at its own pace, such as a comparison with rows read back from a target.
/// The read-ahead thread stops at the end, on ``close()`` or when the stream is released.
public final class ManifestStream {
    private let prefetcher: ManifestPrefetcher
    private var batch = ManifestPrefetcher.Batch()
    private var index = 0

    init(reader: ManifestReader, start: [UInt8]?) {
        prefetcher = ManifestPrefetcher(reader: reader, start: start)
    }

    deinit { prefetcher.close() }

    /// The next entry, or `nil` past the last.
    public func next() throws(ManifestError) -> (key: [UInt8], value: [UInt8])? {
        while index == batch.count {
            guard let next = try prefetcher.next() else { return nil }
            batch = next
            index = 0
        }
        defer { index += 1 }
        return batch[index]
    }

    /// Stops reading ahead.
    public func close() { prefetcher.close() }
}
