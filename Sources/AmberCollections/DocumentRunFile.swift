import AmberDocuments
import Foundation

/// A sorted run of documents spilled to a temporary file by ``SortedDocuments``, and read back
/// in order for the merge.
///
/// Record: `keyLength u32 ‖ key ‖ line u64 ‖ valueLength u32 ‖ value`, little-endian. Records
/// are sealed in blocks by a ``RunCipher`` whose key exists only in memory, so the file never
/// holds the source's documents in clear; it lies in a directory only the user can read, and is
/// removed when the backup ends (or by the next one, after a crash).
enum DocumentRunFile {
    /// Writes `documents` (already sorted) to `path` as run number `run`, sealed by `cipher`.
    static func write(_ documents: [CollectionDocument], to path: String, cipher: RunCipher, run: UInt32) throws(SourceError) {
        let file = try AtomicFileWriter(path: path)
        var block = [UInt8](), sealed = [UInt8]()
        var blocks: UInt64 = 0
        func flush() throws(SourceError) {
            guard !block.isEmpty else { return }
            sealed.removeAll(keepingCapacity: true)
            do {
                try cipher.seal(block, run: run, block: blocks, appendingTo: &sealed)
            } catch {
                throw SourceError(file: path, message: "cannot encrypt a temporary file for sorting: \(error)")
            }
            try file.write(sealed)
            blocks += 1
            block.removeAll(keepingCapacity: true)
        }
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { block.append(contentsOf: $0) }
        }
        for document in documents {
            append(UInt32(document.keyBytes.count))
            block.append(contentsOf: document.keyBytes)
            append(UInt64(document.line))
            append(UInt32(document.value.count))
            block.append(contentsOf: document.value)
            if block.count >= RunCipher.blockSize { try flush() }
        }
        try flush()
        try file.commit()
    }

    /// Reads a run file's records in order, a block at a time.
    struct Reader {
        private let handle: FileHandle
        private let path: String
        private let cipher: RunCipher
        private let run: UInt32
        private var block: UInt64 = 0
        private var buffer = [UInt8]()
        private var offset = 0
        private var atEnd = false

        init(path: String, cipher: RunCipher, run: UInt32) throws(SourceError) {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw SourceError(file: path, message: "cannot read a temporary file for sorting")
            }
            self.handle = handle
            self.path = path
            self.cipher = cipher
            self.run = run
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

        /// Makes `count` bytes available at `offset`, opening blocks as needed; `false` if the file ends first.
        private mutating func fill(_ count: Int) throws(SourceError) -> Bool {
            while buffer.count - offset < count {
                if atEnd { return false }
                guard let records = try nextBlock() else {
                    atEnd = true
                    continue
                }
                buffer.removeFirst(offset)
                offset = 0
                buffer.append(contentsOf: records)
            }
            return true
        }

        /// The records of the next block, or `nil` at the end of the file.
        private mutating func nextBlock() throws(SourceError) -> [UInt8]? {
            let header = try read(4)
            guard header.count == 4 else {
                if header.isEmpty { return nil }
                throw truncated()
            }
            let length = Int(header.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
            let sealed = try read(length)
            guard sealed.count == length else { throw truncated() }
            do {
                defer { block += 1 }
                return try cipher.open(sealed[...], run: run, block: block)
            } catch {
                throw SourceError(file: path, message: "a temporary file for sorting is damaged (it does not decrypt)")
            }
        }

        private func read(_ count: Int) throws(SourceError) -> [UInt8] {
            do {
                return [UInt8](try handle.read(upToCount: count) ?? Data())
            } catch {
                throw SourceError(file: path, message: "cannot read a temporary file for sorting: \(error)")
            }
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
