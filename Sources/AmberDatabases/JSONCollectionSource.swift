import AmberDocuments
import Foundation

/// A collection read from a JSON file: `ndjson:PATH` (one document per line) or `json:PATH`
/// (an array of documents). Each document is an object with an id field; it is stored in
/// canonical form (RFC 8785), so key order and whitespace in the source make no difference.
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

    /// Reads, validates and canonicalizes every document, sorted by key.
    /// Throws ``SourceError`` naming the file, line and id of the first bad document.
    public func read() throws(SourceError) -> (documents: [CollectionDocument], idField: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SourceError(file: path, message: "cannot read the file")
        }
        let bytes = [UInt8](data)
        var documents = [CollectionDocument]()
        var field = idField
        switch format {
        case .ndjson:
            var lineNumber = 0
            var start = 0
            while start <= bytes.count {
                let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
                lineNumber += 1
                var line = bytes[start..<end]
                if line.last == 13 { line = line.dropLast() }
                if !line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                    let value: JSONValue
                    do {
                        value = try JSONParser.parse(line)
                    } catch {
                        throw SourceError(file: path, line: lineNumber, message: "malformed JSON at column \(error.column): \(error.reason)")
                    }
                    documents.append(try document(value, line: lineNumber, field: &field))
                }
                start = end + 1
            }
        case .json:
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes)
            } catch {
                throw SourceError(file: path, line: error.line, message: "malformed JSON at column \(error.column): \(error.reason)")
            }
            guard case .array(let items) = value else {
                throw SourceError(file: path, line: 1, message: "expected an array of documents")
            }
            for (i, item) in items.enumerated() {
                documents.append(try document(item, line: i + 1, field: &field))
            }
        }
        try documents.sortByKeyRejectingDuplicates(file: path)
        return (documents, field ?? "_id")
    }

    /// Validates one document and extracts its key. For `json:` sources `line` is the element's
    /// 1-based position in the array.
    private func document(_ value: JSONValue, line: Int, field: inout String?) throws(SourceError) -> CollectionDocument {
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
        return CollectionDocument(key: key, value: value.canonicalBytes, line: line)
    }
}
