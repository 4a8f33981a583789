import AmberDocuments
import Foundation

/// A sorted run of documents spilled to a temporary file by ``SortedDocuments``, and read back
/// in order for the merge.
///
/// Record: `keyLength u32 ‖ key ‖ line u64 ‖ valueLength u32 ‖ value`, little-endian. The file
/// holds source documents in plaintext, like the source itself, in a directory only the user can
/// read, and is removed when the backup ends.
enum DocumentRunFile {
    /// Writes `documents` (already sorted) to `path`, in a directory only the user can read.
    static func write(_ documents: [CollectionDocument], to path: String) throws(SourceError) {
        let file = try AtomicFileWriter(path: path)
        var record = [UInt8]()
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { record.append(contentsOf: $0) }
        }
        for document in documents {
            record.removeAll(keepingCapacity: true)
            append(UInt32(document.keyBytes.count))
            record.append(contentsOf: document.keyBytes)
            append(UInt64(document.line))
            append(UInt32(document.value.count))
            record.append(contentsOf: document.value)
            try file.write(record)
        }
        try file.commit()
    }

    /// Reads a run file's records in order, a buffer at a time.
    struct Reader {
        private let handle: FileHandle
        private let path: String
        private var buffer = [UInt8]()
        private var offset = 0
        private var atEnd = false

        init(path: String) throws(SourceError) {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw SourceError(file: path, message: "cannot read a temporary file for sorting")
            }
            self.handle = handle
            self.path = path
        }

        func close() { try? handle.close() }

        /// The next record, or `nil` at the end of the file.
        mutating func next() throws(SourceError) -> (key: [UInt8], line: Int, value: [UInt8])? {
            guard try fill(4) else {
                if buffer.count == offset { return nil }
                throw truncated()
            }
            let keyLength = Int(u32())
            guard try fill(keyLength + 12) else { throw truncated() }
            let key = bytes(keyLength)
            let line = Int(u64())
            let valueLength = Int(u32())
            guard try fill(valueLength) else { throw truncated() }
            return (key, line, bytes(valueLength))
        }

        /// Makes `count` bytes available at `offset`; `false` if the file ends first.
        private mutating func fill(_ count: Int) throws(SourceError) -> Bool {
            while buffer.count - offset < count {
                if atEnd { return false }
                let chunk: Data?
                do {
                    chunk = try handle.read(upToCount: Swift.max(1 << 20, count))
                } catch {
                    throw SourceError(file: path, message: "cannot read a temporary file for sorting: \(error)")
                }
                buffer.removeFirst(offset)
                offset = 0
                if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { atEnd = true }
            }
            return true
        }

        private mutating func bytes(_ count: Int) -> [UInt8] {
            defer { offset += count }
            return Array(buffer[offset..<offset + count])
        }

        private mutating func u32() -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(buffer[offset + k]) << (8 * k) }
            offset += 4
            return v
        }

        private mutating func u64() -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(buffer[offset + k]) << (8 * k) }
            offset += 8
            return v
        }

        private func truncated() -> SourceError {
            SourceError(file: path, message: "a temporary file for sorting is truncated")
        }
    }
}
