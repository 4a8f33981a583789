/// A manifest's entries in key order, values resolved, read ahead on a thread of its own: node
/// loads (read, decrypt, decompress, verify, decode) and chunk loads overlap with what the
/// consumer does with each entry (decode a row, write it to a target, compare it with a row read
/// back). The read-ahead thread stops at the end, on ``close()`` or when the stream is released.
///
/// Entries travel through a ``BatchPipe`` as *flat batches* (at most 512 entries or 1 MiB each,
/// at most 8 waiting): one buffer of their bytes and their ends, which the consumer turns back
/// into arrays. So every array is freed by the thread that made it: with an array per key and
/// value crossing threads, the allocator's per-thread caches never served the read-ahead thread,
/// and a restore of a collection kept as a base and runs spent a third of its time in `malloc`.
public final class ManifestStream {
    /// Entries laid end to end: key and value bytes in `bytes`, where each ends in `ends`.
    struct FlatBatch {
        var bytes = [UInt8]()
        var ends = [(key: Int, value: Int)]()

        var count: Int { ends.count }

        mutating func append(key: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: key)
            let keyEnd = bytes.count
            bytes.append(contentsOf: value)
            ends.append((keyEnd, bytes.count))
        }

        /// Calls `body` with entry `i`'s key and value, lent.
        func withEntry<R, E: Error>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
            let start = i == 0 ? 0 : ends[i - 1].value
            let (keyEnd, valueEnd) = ends[i]
            return try bytes.withUnsafeBufferPointer { all throws(E) in
                try body(UnsafeBufferPointer(rebasing: all[start..<keyEnd]), UnsafeBufferPointer(rebasing: all[keyEnd..<valueEnd]))
            }
        }

        /// Entry `i`, as new arrays.
        func entry(_ i: Int) -> (key: [UInt8], value: [UInt8]) {
            withEntry(i) { key, value in (Array(key), Array(value)) }
        }
    }

    static let batchEntries = 512
    static let batchBytes = 1 << 20

    private let pipe = BatchPipe<FlatBatch>(batchEntries: 1, batchBytes: Int.max, depth: 8)
    private var batch = FlatBatch()
    private var index = 0
    /// Batches taken from the pipe and not read yet, the next last.
    private var taken = [FlatBatch]()

    init(reader: ManifestReader, start: [UInt8]?) {
        pipe.startWorker { [pipe] in
            do throws(ManifestError) {
                var cursor = try reader.cursor(from: start)
                var flat = FlatBatch()
                // Entries are lent by the cursor and copied once, into the batch.
                while try cursor.nextLent({ key, value throws(ManifestError) in
                    switch value {
                    case .inline(let bytes): flat.append(key: key, value: bytes)
                    case .tombstone: throw ManifestNodeLoader.tombstoneReadAsValue
                    case .stored(let stored): try reader.loader.resolve(stored).withUnsafeBufferPointer { flat.append(key: key, value: $0) }
                    }
                }) != nil {
                    if flat.count >= Self.batchEntries || flat.bytes.count >= Self.batchBytes {
                        try pipe.append(flat, bytes: flat.bytes.count)
                        flat = FlatBatch()
                    }
                }
                if flat.count > 0 { try pipe.append(flat, bytes: flat.bytes.count) }
                try pipe.flush()
                pipe.end(nil)
            } catch {
                pipe.end(error)  // a load failed, or the consumer stopped (then nobody reads this)
            }
        }
    }

    deinit { close() }

    /// The next entry, or `nil` after the last; throws what failed the reading.
    public func next() throws(ManifestError) -> (key: [UInt8], value: [UInt8])? {
        guard try hasNext() else { return nil }
        defer { index += 1 }
        return batch.entry(index)
    }

    /// Calls `body` with each remaining entry in order, its key and value lent for the call only
    /// (no array made for either), until `body` returns false or the entries end.
    public func forEach(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws(ManifestError) -> Bool) throws(ManifestError) {
        while try hasNext() {
            let i = index
            index += 1
            guard try batch.withEntry(i, body) else { return }
        }
    }

    /// Makes `batch[index]` the next entry, taking the next batch when this one is read;
    /// false after the last entry.
    private func hasNext() throws(ManifestError) -> Bool {
        while index == batch.count {
            if taken.isEmpty {
                guard let next = try pipe.next() else { return false }
                taken = next.reversed()
            }
            batch = taken.removeLast()
            index = 0
        }
        return true
    }

    public func close() {
        pipe.stop(nil)
        pipe.waitForWorker()
    }
}
