import AmberCollections
import AmberCore
import AmberManifest
import AmberRepository

extension RepositoryBrowser {
    /// Documents of a collection in key order, from a key on.
    public struct DocumentPage: Encodable, Sendable {
        public struct Document: Encodable, Sendable {
            /// The key as the CLI shows it.
            public let key: String
            /// The key's encoding in hex: what ``RepositoryBrowser/documents(snapshot:collection:from:key:limit:)`` takes as `from`.
            public let cursor: String
            /// The document as `amber dump` prints it (one line of JSON).
            public let json: String
        }

        public let collection: String
        public let documents: [Document]
        /// The cursor of the first document after this page, if any.
        public let next: String?
    }

    /// Up to `limit` documents of the collection at `collection` (`/ENTRY/NAME`): with `key`, the
    /// document of that key (as `amber dump` finds it); else from the cursor `from` on.
    public func documents(snapshot: String, collection: String, from: String?, key: String?, limit: Int) throws -> DocumentPage {
        try locked { repository in
            let (_, root) = try Self.find(snapshot, in: repository)
            let found = try Self.collection(collection, root: root, in: repository)
            let reader = ManifestReader(repository: repository, manifest: found.manifest)
            let render = { (key: [UInt8], value: [UInt8]) throws -> DocumentPage.Document in
                DocumentPage.Document(key: DocumentFormat.display(key), cursor: Hex.encode(key),
                                      json: String(decoding: try DocumentFormat.jsonLine(value, key: key, engine: found.set.engine), as: UTF8.self))
            }
            if let key {
                let document = try found.document(withKey: key, in: repository)
                return DocumentPage(collection: collection, documents: try document.map { [try render($0.key, $0.value)] } ?? [], next: nil)
            }
            let start = try from.map { text -> [UInt8] in
                guard let bytes = Hex.decode(text) else { throw BrowseError.invalid("cursor \(text) is not hex") }
                return bytes
            }
            // A cursor, not scan: scan reads ahead on another thread, far past one page.
            var cursor = try reader.cursor(from: start)
            var documents = [DocumentPage.Document]()
            while let entry = try cursor.next() {
                guard documents.count < limit else {
                    return DocumentPage(collection: collection, documents: documents, next: Hex.encode(entry.key))
                }
                if case .tombstone = entry.value { continue }
                documents.append(try render(entry.key, try reader.loader.resolve(entry.value)))
            }
            return DocumentPage(collection: collection, documents: documents, next: nil)
        }
    }

    /// About a megabyte of a collection's documents as `amber dump` prints them (one JSON line
    /// each, in key order) from the key `from` on, and the key the next block starts at (nil
    /// at the end): a download pulls the blocks one after the other.
    public func documentBlock(snapshot: String, collection: String, from: [UInt8]?) throws -> (bytes: [UInt8], next: [UInt8]?) {
        try locked { repository in
            let (_, root) = try Self.find(snapshot, in: repository)
            let found = try Self.collection(collection, root: root, in: repository)
            let reader = ManifestReader(repository: repository, manifest: found.manifest)
            var cursor = try reader.cursor(from: from)
            var bytes = [UInt8]()
            while let entry = try cursor.next() {
                guard bytes.count < 1 << 20 else { return (bytes, entry.key) }
                if case .tombstone = entry.value { continue }
                bytes += try DocumentFormat.jsonLine(try reader.loader.resolve(entry.value), key: entry.key, engine: found.set.engine)
                bytes.append(10)
            }
            return (bytes, nil)
        }
    }
}
