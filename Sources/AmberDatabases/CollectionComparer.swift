import AmberCore
import AmberManifest
import AmberRepository

/// A document that differs between a target and a snapshot.
public struct Mismatch: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// In the snapshot, not in the target.
        case missing
        /// In the target, not in the snapshot.
        case extra
        /// In both, with different contents.
        case different
    }

    public let collection: String
    public let key: String
    public let kind: Kind

    public var description: String { "\(collection) \(key): \(kind.rawValue)" }
}

/// Compares documents read back from a target, fed in key order, with a collection's manifest.
struct CollectionComparer {
    let name: String
    var cursor: ManifestCursor
    let loader: ManifestNodeLoader
    var pending: ManifestEntry?
    var mismatches = [Mismatch]()
    /// Stop collecting after this many (the count still grows).
    let limit = 1_000
    var count = 0

    init(repository: Repository, root: ManifestRoot, name: String) throws {
        self.name = name
        let reader = ManifestReader(repository: repository, root: root)
        cursor = try reader.cursor()
        loader = reader.loader
        pending = try cursor.next()
    }

    private mutating func record(_ key: [UInt8], _ kind: Mismatch.Kind) {
        count += 1
        if mismatches.count < limit { mismatches.append(Mismatch(collection: name, key: DocumentFormat.display(key), kind: kind)) }
    }

    /// Feeds the next target document (keys strictly increasing).
    mutating func feed(key: [UInt8], value: [UInt8]) throws {
        while let entry = pending, entry.key.lexicographicallyPrecedes(key) {
            record(entry.key, .missing)
            pending = try cursor.next()
        }
        if let entry = pending, entry.key == key {
            if try loader.resolve(entry.value) != value { record(key, .different) }
            pending = try cursor.next()
        } else {
            record(key, .extra)
        }
    }

    /// Reports what the target lacks at the end.
    mutating func finish() throws -> [Mismatch] {
        while let entry = pending {
            record(entry.key, .missing)
            pending = try cursor.next()
        }
        return mismatches
    }
}
