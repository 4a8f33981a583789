import AmberCore

/// One entry of an internal node: the subtree it points to, summarized.
public struct ManifestChild: Sendable, Hashable {
    /// The greatest key in the subtree.
    public var lastKey: [UInt8]
    /// The id of the subtree's root node (a tree blob).
    public var id: BlobID
    /// The number of entries in the subtree.
    public var count: UInt64
    /// The total length of the subtree's values.
    public var valueBytes: UInt64
}

/// One entry of a leaf.
public struct ManifestEntry: Sendable, Hashable {
    public var key: [UInt8]
    public var value: ManifestValue
}

/// A decoded manifest node (`docs/manifest-format.md` §Nodes): a leaf (level 0) of entries, or an
/// internal node (level ≥ 1) of children.
struct ManifestNode: Sendable {
    enum Body: Sendable {
        case leaf([ManifestEntry])
        case `internal`([ManifestChild])
    }

    var level: UInt8
    var body: Body

    /// The header: `magic u8 ‖ version u8 ‖ level u8 ‖ count varint`.
    static func header(level: UInt8, count: Int) -> [UInt8] {
        var out: [UInt8] = [ManifestFormat.magic, ManifestFormat.version, level]
        Varint.append(UInt64(count), to: &out)
        return out
    }

    /// Appends a key as `shared varint ‖ suffixLength varint ‖ suffix`, where `shared` is the length
    /// of the longest common prefix with the previous key of the node (0 for the first).
    static func encodeKey(_ key: [UInt8], previous: [UInt8]?, into buffer: inout [UInt8]) {
        var shared = 0
        if let previous {
            let limit = min(previous.count, key.count)
            while shared < limit && previous[shared] == key[shared] { shared += 1 }
        }
        Varint.append(UInt64(shared), to: &buffer)
        Varint.append(UInt64(key.count - shared), to: &buffer)
        buffer.append(contentsOf: key[shared...])
    }

    /// Parses a node, checking magic, version, the expected level, strictly increasing keys and
    /// that every byte is used. `what` names the node in errors.
    init(decoding bytes: [UInt8], expectedLevel: UInt8?, what: String) throws(FormatError) {
        var r = ByteReader(bytes, context: what)
        let magic = try r.u8(), version = try r.u8()
        guard magic == ManifestFormat.magic else { throw FormatError(context: what, reason: "not a manifest node (first byte \(magic))") }
        guard version == ManifestFormat.version else { throw FormatError(context: what, reason: "unsupported version \(version)") }
        level = try r.u8()
        guard level <= ManifestFormat.maximumLevel else { throw FormatError(context: what, reason: "level \(level) too high") }
        if let expectedLevel, level != expectedLevel {
            throw FormatError(context: what, reason: "level \(level), expected \(expectedLevel)")
        }
        let count = try r.length(limit: r.remaining / 3, what: "entry count")
        var previous: [UInt8]? = nil
        if level == 0 {
            var entries = [ManifestEntry]()
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let key = try Self.decodeKey(&r, previous: previous)
                entries.append(ManifestEntry(key: key, value: try ManifestValue(from: &r)))
                previous = key
            }
            body = .leaf(entries)
        } else {
            guard count >= 1 else { throw FormatError(context: what, reason: "internal node without children") }
            var children = [ManifestChild]()
            children.reserveCapacity(count)
            for _ in 0..<count {
                let key = try Self.decodeKey(&r, previous: previous)
                let id = try r.id()
                children.append(ManifestChild(lastKey: key, id: id, count: try r.varint(), valueBytes: try r.varint()))
                previous = key
            }
            body = .internal(children)
        }
        try r.expectEnd()
    }

    private static func decodeKey(_ r: inout ByteReader, previous: [UInt8]?) throws(FormatError) -> [UInt8] {
        let shared = try r.length(limit: previous?.count ?? 0, what: "shared prefix")
        let suffixCount = try r.length(limit: ManifestFormat.maximumKeyLength - shared, what: "key suffix length")
        var key = [UInt8]()
        key.reserveCapacity(shared + suffixCount)
        if let previous { key.append(contentsOf: previous[..<shared]) }
        try r.raw(suffixCount, appendingTo: &key)
        if let previous {
            // `shared` must be the longest common prefix (one encoding per key), and the key must
            // follow `previous`: then the first suffix byte decides both, in O(1).
            if shared < previous.count {
                guard suffixCount > 0, key[shared] != previous[shared] else {
                    throw FormatError(context: r.context, reason: "non-canonical key prefix at offset \(r.offset)")
                }
                guard key[shared] > previous[shared] else {
                    throw FormatError(context: r.context, reason: "keys not strictly increasing at offset \(r.offset)")
                }
            } else if suffixCount == 0 {
                throw FormatError(context: r.context, reason: "keys not strictly increasing at offset \(r.offset)")
            }
        }
        return key
    }
}
