import AmberCore
import AmberDocuments
import AmberManifest
import AmberRepository
import AmberSnapshot

/// A collection found in a snapshot: the source entry it belongs to and its set.
public struct SnapshotCollection: Sendable {
    /// The root-tree entry of the source (`users` for `ndjson:users.ndjson`, `app.db` for SQLite).
    public let entry: String
    public let set: CollectionSet
    public let collection: CollectionSet.Collection

    public var name: String { collection.displayName }
    public var manifest: CollectionManifest { collection.manifest }
}

extension SnapshotCollection {
    /// The document whose key a user wrote as `text` (`amber dump`'s KEY: each key it may
    /// mean, ``DocumentFormat/keys(from:engine:)``, tried in turn), with its encoded key; nil
    /// when there is none.
    public func document(withKey text: String, in repository: Repository) throws(ManifestError) -> (key: [UInt8], value: [UInt8])? {
        let reader = ManifestReader(repository: repository, manifest: manifest)
        for candidate in DocumentFormat.keys(from: text, engine: set.engine) {
            if let value = try reader.get(candidate.encoded) { return (candidate.encoded, value) }
        }
        return nil
    }
}

extension Repository {
    /// The collection sets of a snapshot, by root-tree entry.
    public func collectionSets(ofTree root: BlobID) throws(RepositoryError) -> [(entry: String, set: CollectionSet)] {
        var result = [(entry: String, set: CollectionSet)]()
        for node in try loadTree(root).nodes where node.kind == .database {
            guard let id = node.subtree else { continue }
            result.append((node.displayName, try loadCollectionSet(id)))
        }
        return result
    }

    /// Every collection of a snapshot.
    public func collections(ofTree root: BlobID) throws(RepositoryError) -> [SnapshotCollection] {
        try collectionSets(ofTree: root).flatMap { entry, set in
            set.collections.map { SnapshotCollection(entry: entry, set: set, collection: $0) }
        }
    }

    /// The collection named `name` (a collection name, or `entry/collection` when several
    /// sources have one of that name).
    public func collection(named name: String, ofTree root: BlobID) throws(RepositoryError) -> SnapshotCollection {
        let all = try collections(ofTree: root)
        let matches = all.filter { $0.name == name || "\($0.entry)/\($0.name)" == name }
        guard !matches.isEmpty else {
            let known = all.map { "\($0.entry)/\($0.name)" }.joined(separator: ", ")
            throw RepositoryError(.invalidArgument, "no collection \"\(name)\" in this snapshot (it has: \(known.isEmpty ? "none" : known))")
        }
        guard matches.count == 1 else {
            throw RepositoryError(.invalidArgument, "\"\(name)\" names \(matches.count) collections; write ENTRY/COLLECTION")
        }
        return matches[0]
    }
}

/// Turning stored documents into JSON text and user input into keys.
public enum DocumentFormat {
    /// A stored document as one line of canonical JSON: JSON documents are stored that way;
    /// database rows are rendered with their typed values (`DatabaseRow.json`). `key` is the
    /// encoded document key the value is stored under.
    public static func jsonLine(_ value: [UInt8], key: [UInt8], engine: CollectionSet.Engine) throws -> [UInt8] {
        switch engine {
        case .json: return value
        case .sqlite, .postgresql: return try DatabaseRow(encoded: value, key: key).json.canonicalBytes
        }
    }

    /// The key a user typed: a JSON array for a composite key (`[1,"a"]`); for a database,
    /// a single value is a one-column key; for JSON collections, candidates as a string and,
    /// when it is a number, as a number.
    public static func keys(from text: String, engine: CollectionSet.Engine) -> [DocumentKey] {
        let parsed = try? JSONParser.parse(text)
        switch engine {
        case .sqlite, .postgresql:
            if case .array(let items)? = parsed {
                let values = items.compactMap { try? DatabaseValue(json: $0) }
                return values.count == items.count ? [.composite(values)] : []
            }
            if let parsed, let value = try? DatabaseValue(json: parsed) { return [.composite([value]), .composite([.text(Array(text.utf8))])] }
            return [.composite([.text(Array(text.utf8))])]
        case .json:
            var keys: [DocumentKey] = [.string(Array(text.utf8))]
            if let parsed, case .number(let n) = parsed { keys.append(.number(n)) }
            if let parsed, case .string(let s) = parsed { keys.append(.string(s)) }
            return keys
        }
    }

    /// The display form of an encoded key.
    public static func display(_ keyBytes: [UInt8]) -> String {
        (try? DocumentKey(encoded: keyBytes))?.display ?? Hex.encode(keyBytes)
    }
}
