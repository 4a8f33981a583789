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

/// Compares documents read back from a target, fed in key order, with a collection's manifest,
/// which is read ahead on another thread meanwhile.
struct CollectionComparer {
    let name: String
    let stream: ManifestStream
    var pending: (key: [UInt8], value: [UInt8])?
    var mismatches = [Mismatch]()
    /// Stop collecting after this many (the count still grows).
    let limit = 1_000
    var count = 0

    init(repository: Repository, manifest: CollectionManifest, name: String) throws {
        self.name = name
        stream = ManifestReader(repository: repository, manifest: manifest).stream()
        pending = try stream.next()
    }

    private mutating func record(_ key: [UInt8], _ kind: Mismatch.Kind) {
        count += 1
        if mismatches.count < limit { mismatches.append(Mismatch(collection: name, key: DocumentFormat.display(key), kind: kind)) }
    }

    /// Feeds the next target document (keys strictly increasing).
    mutating func feed(key: [UInt8], value: [UInt8]) throws {
        while let entry = pending, entry.key.lexicographicallyPrecedes(key) {
            record(entry.key, .missing)
            pending = try stream.next()
        }
        if let entry = pending, entry.key == key {
            if entry.value != value { record(key, .different) }
            pending = try stream.next()
        } else {
            record(key, .extra)
        }
    }

    /// Reports what the target lacks at the end.
    mutating func finish() throws -> [Mismatch] {
        while let entry = pending {
            record(entry.key, .missing)
            pending = try stream.next()
        }
        stream.close()
        return mismatches
    }
}
