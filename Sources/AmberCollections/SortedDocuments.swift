import AmberDocuments
import Foundation

/// The documents of a JSON source in key order, with duplicates already rejected: held in memory
/// while they fit ``memoryBudget``, else sorted in runs spilled to temporary files and merged
/// (an external merge sort), so a collection larger than memory backs up in bounded memory.
///
/// Every check that can fail on bad input (malformed line, missing id, duplicate id) runs while
/// the source is read, before ``forEach(_:)`` hands out a single document, so a backup that fails
/// on bad input has written nothing.
public final class SortedDocuments {
    /// Key and value bytes (plus a fixed overhead per document) kept in memory before a run is
    /// spilled: 256 MiB.
    public static let defaultMemoryBudget = 256 << 20
    static let overheadPerDocument = 160

    public let file: String
    public let memoryBudget: Int
    /// How many documents were added.
    public private(set) var count = 0
    /// Runs spilled to disk so far.
    public var spilledRuns: Int { runs.count }

    private var buffer = [CollectionDocument]()
    private var bufferBytes = 0
    private var runs = [String]()
    /// Seals the runs: its key lives in this object only.
    private let cipher = RunCipher()
    private var directory: String?
    private var sealed = false

    /// - Parameters:
    ///   - file: the source, for error messages.
    ///   - memoryBudget: bytes of documents held before a sorted run is spilled.
    public init(file: String, memoryBudget: Int = SortedDocuments.defaultMemoryBudget) {
        self.file = file
        self.memoryBudget = memoryBudget
    }

    deinit {
        if let directory { ScratchDirectories.remove(directory) }
    }

    /// Adds a document (in any order).
    public func add(_ document: CollectionDocument) throws(SourceError) {
        bufferBytes += document.keyBytes.count + document.value.count + Self.overheadPerDocument
        buffer.append(document)
        count += 1
        if bufferBytes >= memoryBudget { try spill() }
    }

    /// Ends adding: sorts, and checks that no id occurs twice (naming both lines).
    public func seal() throws(SourceError) {
        sealed = true
        try buffer.sortByKeyRejectingDuplicates(file: file)
        guard !runs.isEmpty else { return }
        if !buffer.isEmpty { try spill() }
        // One merge pass to find duplicates across runs before anything is stored.
        try SourceError.naming(file) { try merge(decodingKeys: false) { _ in } }
    }

    /// Calls `body` with every document in key order. Call after ``seal()``.
    public func forEach(_ body: (CollectionDocument) throws -> Void) throws {
        guard sealed else { throw SourceError(file: file, message: "documents read before they were sorted") }
        if runs.isEmpty {
            for document in buffer { try body(document) }
        } else {
            try merge(decodingKeys: true, body)
        }
    }

    /// Sorts the buffer into a new run file.
    private func spill() throws(SourceError) {
        try buffer.sortByKeyRejectingDuplicates(file: file)
        let directory: String
        if let existing = self.directory { directory = existing } else { directory = try makeDirectory() }
        let path = "\(directory)/run-\(runs.count)"
        try DocumentRunFile.write(buffer, to: path, cipher: cipher, run: UInt32(runs.count))
        runs.append(path)
        buffer.removeAll()
        bufferBytes = 0
    }

    private func makeDirectory() throws(SourceError) -> String {
        guard let path = ScratchDirectories.make() else {
            throw SourceError(file: file, message: "cannot create a temporary directory for sorting in \(NSTemporaryDirectory())")
        }
        directory = path
        return path
    }

    /// Merges the runs in key order, rejecting a key found in two runs.
    private func merge(decodingKeys: Bool, _ body: (CollectionDocument) throws -> Void) throws {
        var readers = [DocumentRunFile.Reader]()
        defer { for reader in readers { reader.close() } }
        var heads = [(key: [UInt8], line: Int, value: [UInt8])?]()
        for (run, path) in runs.enumerated() {
            var reader = try DocumentRunFile.Reader(path: path, cipher: cipher, run: UInt32(run))
            heads.append(try reader.next())
            readers.append(reader)
        }
        var previous: (key: [UInt8], line: Int)?
        while true {
            var best: Int?
            for (i, head) in heads.enumerated() {
                guard let head else { continue }
                if let b = best, let current = heads[b], !head.key.lexicographicallyPrecedes(current.key) { continue }
                best = i
            }
            guard let best, let head = heads[best] else { return }
            if let previous, previous.key == head.key {
                let key = try? DocumentKey(encoded: head.key)
                throw SourceError.duplicateID(file: file, lines: previous.line, head.line, id: key?.display)
            }
            previous = (head.key, head.line)
            heads[best] = try readers[best].next()
            guard decodingKeys else { continue }
            let key: DocumentKey
            do {
                key = try DocumentKey(encoded: head.key)
            } catch {
                throw SourceError(file: file, line: head.line, message: "a temporary sort file is damaged: \(error)")
            }
            try body(CollectionDocument(key: key, keyBytes: head.key, value: head.value, line: head.line))
        }
    }
}
