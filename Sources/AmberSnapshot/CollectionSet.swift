import AmberCore
import AmberManifest
import AmberRepository

/// What a database or collection source holds in a snapshot (`docs/format.md` §Collection sets):
/// its engine, its structure (canonical JSON) and, per collection, the manifest that maps
/// document keys to documents. Stored as a tree blob that a ``Node`` of kind `.database`
/// points to.
///
/// Encoding: `'C' (0x43) ‖ version u8 ‖ engine u8 ‖ schemaLength u32 ‖ schema ‖ count u32 ‖
/// (nameLength u16 ‖ name ‖ manifest) × count`, collections sorted by name bytes. Version 3,
/// written whenever a manifest has a packed base (every manifest this version builds), encodes
/// each manifest as canonical root, base, runs and their tiers. Versions 1 (every manifest
/// compact: its `ManifestRoot`) and 2 (canonical root, run count, base and runs) are what
/// repositories written before packed bases hold; they are still read, and written only for
/// manifests that have no packed base.
public struct CollectionSet: Sendable, Equatable {
    /// Where the collections came from; the raw values are format numbers.
    public enum Engine: UInt8, Sendable {
        /// `ndjson:` or `json:`: documents are canonical JSON.
        case json = 1
        /// `sqlite:`: documents are encoded `DatabaseRow`s; the schema is an `SQLiteSchema`.
        case sqlite = 2
        /// `postgresql:` (reserved).
        case postgresql = 3
    }

    public struct Collection: Sendable, Equatable {
        public var name: [UInt8]
        public var manifest: CollectionManifest

        public init(name: [UInt8], manifest: CollectionManifest) {
            self.name = name
            self.manifest = manifest
        }

        public init(name: [UInt8], root: ManifestRoot) {
            self.init(name: name, manifest: CollectionManifest(compact: root))
        }

        public var displayName: String { String(decoding: name, as: UTF8.self) }
    }

    public static let magic: UInt8 = 0x43

    public var engine: Engine
    /// Canonical JSON describing the structure (the SQLite schema, or the id field for JSON).
    public var schema: [UInt8]
    public var collections: [Collection]

    public init(engine: Engine, schema: [UInt8], collections: [Collection]) {
        self.engine = engine
        self.schema = schema
        self.collections = collections.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    public func collection(named name: String) -> Collection? {
        collections.first { $0.name == Array(name.utf8) }
    }

    public var documents: UInt64 { collections.reduce(0) { $0 + $1.manifest.count } }
    public var bytes: UInt64 { collections.reduce(0) { $0 + $1.manifest.valueBytes } }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + schema.count + collections.count * 80)
        let version: UInt8 = collections.contains(where: \.manifest.hasPackedBase) ? 3
            : collections.allSatisfy(\.manifest.isCompact) ? 1 : 2
        w.u8(Self.magic)
        w.u8(version)
        w.u8(engine.rawValue)
        w.string32(schema)
        w.u32(UInt32(collections.count))
        for c in collections {
            w.string16(c.name)
            switch version {
            case 1: w.raw(c.manifest.canonical.encoded())
            case 2: w.raw(c.manifest.encodedVersion2())
            default: w.raw(c.manifest.encodedVersion3())
            }
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(FormatError) {
        var r = ByteReader(bytes, context: "collection set")
        guard try r.u8() == Self.magic else { throw FormatError(context: "collection set", reason: "bad magic") }
        let version = try r.u8()
        guard (1...3).contains(version) else { throw FormatError(context: "collection set", reason: "unsupported version \(version)") }
        let rawEngine = try r.u8()
        guard let engine = Engine(rawValue: rawEngine) else { throw FormatError(context: "collection set", reason: "unknown engine \(rawEngine)") }
        self.engine = engine
        schema = try r.string32()
        let count = Int(try r.u32())
        guard count <= r.remaining / 38 else { throw FormatError(context: "collection set", reason: "count exceeds blob") }
        var collections = [Collection]()
        for _ in 0..<count {
            let name = try r.string16()
            let manifest: CollectionManifest
            switch version {
            case 1: manifest = CollectionManifest(compact: try ManifestRoot(from: &r))
            case 2: manifest = try CollectionManifest(version2: &r)
            default: manifest = try CollectionManifest(version3: &r)
            }
            collections.append(Collection(name: name, manifest: manifest))
        }
        try r.expectEnd()
        if version == 2 && collections.allSatisfy(\.manifest.isCompact) {
            throw FormatError(context: "collection set", reason: "version 2 with every manifest compact (version 1 is its encoding)")
        }
        self.collections = collections
    }
}

extension Repository {
    /// Loads the collection set a `.database` node points to.
    public func loadCollectionSet(_ id: BlobID) throws(RepositoryError) -> CollectionSet {
        let bytes = try loadBlob(id, type: .tree)
        do {
            return try CollectionSet(decoding: bytes)
        } catch {
            throw RepositoryError(.damaged, "collection set \(id.shortHex) is damaged: \(error.reason)")
        }
    }
}
