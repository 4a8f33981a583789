import AmberDocuments

/// One document of a collection, ready for the manifest: its key in display and encoded form,
/// and its value as stored (canonical JSON for JSON sources, an encoded row for databases).
public struct CollectionDocument: Sendable {
    public var key: DocumentKey
    /// The order-preserving encoding of ``key``: the manifest's key.
    public var keyBytes: [UInt8]
    public var value: [UInt8]
    /// Where the document came from (1-based line), for error messages.
    public var line: Int

    public init(key: DocumentKey, value: [UInt8], line: Int) {
        self.key = key
        keyBytes = key.encoded
        self.value = value
        self.line = line
    }

    /// A document whose key's encoding is at hand (`keyBytes` must be `key.encoded`).
    init(key: DocumentKey, keyBytes: [UInt8], value: [UInt8], line: Int) {
        self.key = key
        self.keyBytes = keyBytes
        self.value = value
        self.line = line
    }
}

extension Array where Element == CollectionDocument {
    /// Sorts by key and rejects a duplicate id, naming both lines.
    mutating func sortByKeyRejectingDuplicates(file: String) throws(SourceError) {
        sort { $0.keyBytes.lexicographicallyPrecedes($1.keyBytes) }
        for i in indices.dropFirst() where self[i].keyBytes == self[i - 1].keyBytes {
            throw SourceError.duplicateID(file: file, lines: self[i].line, self[i - 1].line, id: self[i].key.display)
        }
    }
}
