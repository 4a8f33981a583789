import AmberDocuments
import Foundation

/// A collection read from a JSON file: `ndjson:PATH` (one document per line) or `json:PATH`
/// (an array of documents). Each document is an object with an id field; it is stored in
/// canonical form (RFC 8785) except for its numbers, which keep their spelling
/// (``CanonicalJSON/NumberForm/asWritten``): key order and whitespace in the source make no
/// difference, and `1.0` comes back `1.0`. The id is a key by value: `1.0` and `1` are the same id.
public struct JSONCollectionSource: Sendable {
    public enum Format: String, Sendable {
        case ndjson
        case json
    }

    public let path: String
    public let format: Format
    /// The collection's name: `--collection`, else the file's stem.
    public let name: String
    /// The id field: `--id-field`, else `_id` if the first document has one, else `id`.
    public let idField: String?

    public init(path: String, format: Format, name: String? = nil, idField: String? = nil) {
        self.path = path
        self.format = format
        let file = (path as NSString).lastPathComponent
        self.name = name ?? ((file as NSString).deletingPathExtension.isEmpty ? file : (file as NSString).deletingPathExtension)
        self.idField = idField
    }

    /// Reads, validates and canonicalizes every document, sorted by key, into memory.
    /// Throws ``SourceError`` naming the file, line and id of the first bad document.
    public func read() throws(SourceError) -> (documents: [CollectionDocument], idField: String) {
        let (sorted, field) = try readSorted(memoryBudget: Int.max)
        var documents = [CollectionDocument]()
        documents.reserveCapacity(sorted.count)
        try SourceError.naming(path) { try sorted.forEach { documents.append($0) } }
        return (documents, field)
    }

    /// Reads, validates and canonicalizes every document, sorted by key, holding at most about
    /// `memoryBudget` bytes of documents in memory (more are sorted in runs on disk; see
    /// ``SortedDocuments``). An NDJSON file is read a block at a time; a JSON array is parsed whole.
    /// Throws ``SourceError`` naming the file, line and id of the first bad document.
    public func readSorted(memoryBudget: Int = SortedDocuments.defaultMemoryBudget) throws(SourceError)
        -> (documents: SortedDocuments, idField: String) {
        let documents = SortedDocuments(file: path, memoryBudget: memoryBudget)
        var field = idField
        switch format {
        case .ndjson:
            try SourceError.naming(path) { try forEachLine(field: &field) { document in try documents.add(document) } }
        case .json:
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SourceError(file: path, message: "cannot read the file")
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse([UInt8](data))
            } catch {
                throw SourceError(file: path, line: error.line, message: "malformed JSON at column \(error.column): \(error.reason)")
            }
            guard case .array(let items) = value else {
                throw SourceError(file: path, line: 1, message: "expected an array of documents")
            }
            for (i, item) in items.enumerated() {
                try documents.add(try document(item, line: i + 1, field: &field))
            }
        }
        try documents.seal()
        return (documents, field ?? "_id")
    }

    /// The input is not in key order: ``forEachInKeyOrder(field:_:)`` stopped at `line`.
    public struct NotInKeyOrder: Error {
        public let line: Int
    }

    /// Calls `body` with every document of an NDJSON file in the file's order, checking that the
    /// keys only increase: one pass with no sort, for the common file written in id order.
    /// Throws ``NotInKeyOrder`` at the first key that does not (before `body` sees it), and
    /// ``SourceError`` for bad input, including an id equal to the one before it.
    ///
    /// - Parameter field: the id field; `nil` means the first document decides, and it is set then.
    public func forEachInKeyOrder(field: inout String?, _ body: (CollectionDocument) throws -> Void) throws {
        var previous: (key: [UInt8], line: Int)?
        try forEachLine(field: &field) { document in
            if let previous, !previous.key.lexicographicallyPrecedes(document.keyBytes) {
                guard previous.key == document.keyBytes else { throw NotInKeyOrder(line: document.line) }
                throw SourceError.duplicateID(file: path, lines: previous.line, document.line, id: document.key.display)
            }
            previous = (document.keyBytes, document.line)
            try body(document)
        }
    }

    /// Calls `body` with every document of an NDJSON file in the file's order, parsed on all
    /// cores a block at a time. Until the id field is known, lines go one at a time: the first
    /// document decides it.
    private func forEachLine(field: inout String?, _ body: (CollectionDocument) throws -> Void) throws {
        try forEachBlock { lines, first throws in
            var index = 0
            while field == nil, index < lines.count {
                if let document = try parseLine(lines[index], number: first + index, field: &field) { try body(document) }
                index += 1
            }
            for result in parseInParallel(lines[index...], firstNumber: first + index, field: field) {
                if let document = try result.get() { try body(document) }
            }
        }
    }

    /// Throws ``SourceError`` unless the file is a regular file this process can open.
    public func checkReadable() throws(SourceError) {
        try? openForReading().close()
    }

    private func openForReading() throws(SourceError) -> FileHandle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let handle = FileHandle(forReadingAtPath: path) else {
            throw SourceError(file: path, message: "cannot read the file")
        }
        return handle
    }

    /// Calls `body` with the lines (without newlines) of each block of the file read, 8 MiB at
    /// a time, and the 1-based number of the block's first line; the text after the last newline
    /// is the last line.
    private func forEachBlock(_ body: ([ArraySlice<UInt8>], Int) throws -> Void) throws {
        let handle = try openForReading()
        defer { try? handle.close() }
        var pending = [UInt8]()
        var lineNumber = 1
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 8 << 20)
            } catch {
                throw SourceError(file: path, message: "cannot read the file: \(error)")
            }
            guard let chunk, !chunk.isEmpty else { break }
            pending.append(contentsOf: chunk)
            var lines = [ArraySlice<UInt8>]()
            var start = 0
            while let end = pending[start...].firstIndex(of: 10) {
                lines.append(pending[start..<end])
                start = end + 1
            }
            try body(lines, lineNumber)
            lineNumber += lines.count
            pending.removeFirst(start)
        }
        try body([pending[...]], lineNumber)
    }

    /// One NDJSON line as a document; `nil` for a blank line.
    private func parseLine(_ line: ArraySlice<UInt8>, number: Int, field: inout String?) throws(SourceError) -> CollectionDocument? {
        var line = line
        if line.last == 13 { line = line.dropLast() }
        guard !line.allSatisfy({ $0 == 32 || $0 == 9 }) else { return nil }
        if let field, let document = transcode(line, number: number, field: field) { return document }
        let value: JSONValue
        do throws(JSONError) {
            value = try JSONParser.parse(line)
        } catch {
            throw SourceError(file: path, line: number, message: "malformed JSON at column \(error.column): \(error.reason)")
        }
        return try document(value, line: number, field: &field, sourceLength: line.count)
    }

    /// The document on a line by ``CanonicalTranscoder``'s fast path; `nil` where that path gives
    /// up (the general path then decides, and names what is wrong).
    private func transcode(_ line: ArraySlice<UInt8>, number: Int, field: String) -> CollectionDocument? {
        guard let output = line.withUnsafeBufferPointer({ CanonicalTranscoder.transcode($0, idField: field) }),
              let id = output.id, let idValue = try? JSONParser.parse(output.bytes[id]),
              let key = DocumentKey(json: idValue) else { return nil }
        return CollectionDocument(key: key, value: output.bytes, line: number)
    }

    /// ``parseLine(_:number:field:)`` for every line, on all cores, results in line order (so the
    /// first failure in that order is the first bad line).
    private func parseInParallel(_ lines: ArraySlice<ArraySlice<UInt8>>, firstNumber: Int, field: String?)
        -> [Result<CollectionDocument?, SourceError>] {
        let results = ParsedLines(count: lines.count)
        let workers = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, lines.count / 256))
        let base = lines.startIndex, count = lines.count
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in count * worker / workers ..< count * (worker + 1) / workers {
                var known = field
                results.set(i, Result { () throws(SourceError) in try parseLine(lines[base + i], number: firstNumber + i, field: &known) })
            }
        }
        return results.values
    }

    /// Validates one document and extracts its key. For `json:` sources `line` is the element's
    /// 1-based position in the array.
    private func document(_ value: JSONValue, line: Int, field: inout String?, sourceLength: Int = 256) throws(SourceError) -> CollectionDocument {
        let place = format == .ndjson ? line : nil
        guard case .object = value else {
            throw SourceError(file: path, line: place, message: format == .ndjson ? "not a JSON object" : "element \(line) is not a JSON object")
        }
        if field == nil { field = value["_id"] != nil ? "_id" : "id" }
        guard let idValue = value[field!] else {
            throw SourceError(file: path, line: place, message: (format == .json ? "element \(line): " : "") + "no \"\(field!)\" field")
        }
        guard let key = DocumentKey(json: idValue) else {
            throw SourceError(file: path, line: place, message: "the \"\(field!)\" field must be a string or a number, not \(idValue.canonicalText.prefix(40))")
        }
        return CollectionDocument(key: key, value: CanonicalJSON.serialize(value, capacity: sourceLength, numbers: .asWritten), line: line)
    }
}

/// Results written by parallel workers, each to its own slots of one fixed buffer.
private final class ParsedLines: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<CollectionDocument?, SourceError>>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: .success(nil))
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ result: Result<CollectionDocument?, SourceError>) { slots[index] = result }

    var values: [Result<CollectionDocument?, SourceError>] { Array(slots) }
}
