/// A manifest's entries in key order, values resolved, read ahead on a thread of its own: node
/// loads (read, decrypt, decompress, verify, decode) and chunk loads overlap with what the
/// consumer does with each entry (decode a row, write it to a target, compare it with a row read
/// back). Entries travel through a ``BatchPipe`` (batches of at most 512 entries or 1 MiB, at most
/// 8 waiting). The read-ahead thread stops at the end, on ``close()`` or when the stream is released.
public final class ManifestStream {
    private let pipe = BatchPipe<(key: [UInt8], value: [UInt8])>(batchEntries: 512, batchBytes: 1 << 20, depth: 8)
    private var batch = [(key: [UInt8], value: [UInt8])]()
    private var index = 0

    init(reader: ManifestReader, start: [UInt8]?) {
        pipe.startWorker { [pipe] in
            do throws(ManifestError) {
                var cursor = try reader.cursor(from: start)
                while let entry = try cursor.next() {
                    let value = try reader.loader.resolve(entry.value)
                    try pipe.append((entry.key, value), bytes: value.count)
                }
                try pipe.flush()
                pipe.end(nil)
            } catch {
                pipe.end(error)  // a load failed, or the consumer stopped (then nobody reads this)
            }
        }
    }

    deinit { close() }

    /// The next entry, or `nil` past the last.
    public func next() throws(ManifestError) -> (key: [UInt8], value: [UInt8])? {
        while index == batch.count {
            guard let next = try pipe.next() else { return nil }
            batch = next
            index = 0
        }
        defer { index += 1 }
        return batch[index]
    }

    /// Stops reading ahead and waits until the read-ahead thread no longer touches the repository.
    public func close() {
        pipe.stop(nil)
        pipe.waitForWorker()
    }
}
