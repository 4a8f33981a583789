import AmberCore
import AmberDocuments

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

    /// About how much memory the decoded node takes: its keys and inline values, and a few
    /// words an entry.
    var approximateBytes: Int {
        switch body {
        case .leaf(let entries):
            entries.reduce(0) { total, entry in
                if case .inline(let bytes) = entry.value { total + entry.key.count + bytes.count + 64 } else { total + entry.key.count + 96 }
            }
        case .internal(let children):
            children.reduce(0) { $0 + $1.lastKey.count + 96 }
        }
    }

    /// The header: `magic u8 ‖ version u8 ‖ level u8 ‖ count varint`.
    static func header(level: UInt8, count: Int, version: UInt8 = ManifestFormat.version) -> [UInt8] {
        var out: [UInt8] = [ManifestFormat.magic, version, level]
        Varint.append(UInt64(count), to: &out)
        return out
    }

    /// A leaf in the columnar form (§N.7: version 2, ``RowColumns``), or nil when its entries do
    /// not fit it (a chunked value, a key that is not composite, a value that is not a row) or
    /// when reading the node back as every reader does would not give them back exactly
    /// (``RowColumns/encode(_:checkingWithin:)``): a leaf is never stored in a form that loses
    /// anything.
    static func columnarLeaf(_ entries: [ManifestEntry]) -> [UInt8]? {
        guard !entries.isEmpty else { return nil }
        var rows = [RowColumns.Entry]()
        rows.reserveCapacity(entries.count)
        for entry in entries {
            switch entry.value {
            case .inline(let bytes): rows.append(RowColumns.Entry(key: entry.key, row: bytes))
            case .tombstone: rows.append(RowColumns.Entry(key: entry.key, row: nil))
            case .chunked: return nil
            }
        }
        guard let payload = RowColumns.encode(rows, checkingWithin: ManifestFormat.columnarExpansionLimit) else { return nil }
        return header(level: 0, count: entries.count, version: ManifestFormat.columnarVersion) + payload
    }

    /// A packed tree's leaf of `entries` and its zstd level: columnar (version 2) when the entries
    /// are rows that fit, document columns (version 3) when they are JSON documents that fit,
    /// else version 1 at ``ManifestFormat/packedDocumentLevel``. `nodeLevel` is a columnar leaf's.
    static func packedLeaf(_ entries: [ManifestEntry], nodeLevel: Int32?) -> (bytes: [UInt8], compression: Int32?) {
        if let columnar = columnarLeaf(entries) { return (columnar, nodeLevel) }
        if !entries.isEmpty, let body = DocumentColumns.encode(entries) {
            return (header(level: 0, count: entries.count, version: ManifestFormat.documentColumnsVersion) + body,
                    ManifestFormat.documentColumnsLevel)
        }
        return (header(level: 0, count: entries.count) + leafBody(entries), ManifestFormat.packedDocumentLevel)
    }

    /// Appends a key as `shared varint ‖ suffixLength varint ‖ suffix`, where `shared` is the length
    /// of the longest common prefix with the previous key of the node (0 for the first).
    static func encodeKey(_ key: [UInt8], previous: [UInt8]?, into buffer: inout [UInt8]) {
        let shared = sharedPrefix(key, previous)
        Varint.append(UInt64(shared), to: &buffer)
        Varint.append(UInt64(key.count - shared), to: &buffer)
        buffer.append(contentsOf: key[shared...])
    }

    /// The length of the longest common prefix of `key` and `previous` (0 without one).
    static func sharedPrefix(_ key: [UInt8], _ previous: [UInt8]?) -> Int {
        guard let previous else { return 0 }
        // Through buffer pointers: this runs for every key a builder sizes or encodes.
        return key.withUnsafeBufferPointer { k in
            previous.withUnsafeBufferPointer { p in
                let limit = min(p.count, k.count)
                var shared = 0
                while shared < limit && p[shared] == k[shared] { shared += 1 }
                return shared
            }
        }
    }

    /// The length ``encodeKey(_:previous:into:)`` appends.
    static func encodedKeyLength(_ key: [UInt8], previous: [UInt8]?) -> Int {
        let shared = sharedPrefix(key, previous)
        return Varint.count(UInt64(shared)) + Varint.count(UInt64(key.count - shared)) + key.count - shared
    }

    /// The body of a version 1 leaf of `entries` (the node without its header).
    static func leafBody(_ entries: [ManifestEntry]) -> [UInt8] {
        var body = [UInt8]()
        var previous: [UInt8]? = nil
        for entry in entries {
            encodeKey(entry.key, previous: previous, into: &body)
            entry.value.encode(into: &body)
            previous = entry.key
        }
        return body
    }

    /// Parses a node, checking magic, version, the expected level, strictly increasing keys and
    /// that every byte is used. `what` names the node in errors.
    init(decoding bytes: [UInt8], expectedLevel: UInt8?, what: String) throws(FormatError) {
        var r = ByteReader(bytes, context: what)
        let (version, level, count) = try Self.readHeader(&r, expectedLevel: expectedLevel, what: what)
        self.level = level
        var previous: [UInt8]? = nil
        if version == ManifestFormat.columnarVersion {
            body = .leaf(try Self.columnarEntries(&r, count: count))
        } else if version == ManifestFormat.documentColumnsVersion {
            var budget = ExpansionBudget(bytes: ManifestFormat.columnarExpansionLimit)
            body = .leaf(try DocumentColumns.decode(count, from: &r, budget: &budget) { r, previous throws(FormatError) in
                try Self.decodeKey(&r, previous: previous)
            })
        } else if level == 0 {
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

    /// Reads a node's header (`magic u8 ‖ version u8 ‖ level u8 ‖ count varint`), checking the
    /// magic, the version, the level (and that it is `expectedLevel`, if given) and the count: a
    /// columnar node must be a leaf with entries.
    private static func readHeader(_ r: inout ByteReader, expectedLevel: UInt8?,
                                   what: String) throws(FormatError) -> (version: UInt8, level: UInt8, count: Int) {
        let magic = try r.u8(), version = try r.u8()
        guard magic == ManifestFormat.magic else { throw FormatError(context: what, reason: "not a manifest node (first byte \(magic))") }
        guard version == ManifestFormat.version || version == ManifestFormat.columnarVersion
                || version == ManifestFormat.documentColumnsVersion else {
            throw FormatError(context: what, reason: "unsupported version \(version)")
        }
        let level = try r.u8()
        guard level <= ManifestFormat.maximumLevel else { throw FormatError(context: what, reason: "level \(level) too high") }
        if let expectedLevel, level != expectedLevel {
            throw FormatError(context: what, reason: "level \(level), expected \(expectedLevel)")
        }
        // A version 1 entry takes at least 3 bytes; a columnar one at least 2 (its kind and its
        // key's first type byte: a run of deleted consecutive keys is just that).
        let count = try r.length(limit: r.remaining / (version == ManifestFormat.columnarVersion ? 2 : 3), what: "entry count")
        if version != ManifestFormat.version, level != 0 || count < 1 {
            throw FormatError(context: what, reason: "a columnar node must be a leaf with entries")
        }
        return (version, level, count)
    }

    /// The entries of a columnar leaf decoded into one buffer (``FlatLeaf``), checked as
    /// ``init(decoding:expectedLevel:what:)`` checks them; nil for a node of another version.
    static func flatLeaf(decoding bytes: [UInt8], what: String) throws(FormatError) -> FlatLeaf? {
        guard bytes.count > 1, bytes[1] == ManifestFormat.columnarVersion else { return nil }
        var r = ByteReader(bytes, context: what)
        let (_, _, count) = try readHeader(&r, expectedLevel: 0, what: what)
        var leaf = FlatLeaf(capacity: count)
        try forEachColumnarEntry(&r, count: count) { key, row in leaf.append(key: key, row: row) }
        try r.expectEnd()
        return leaf
    }

    /// The entries of a columnar leaf (``forEachColumnarEntry(_:count:_:)``).
    private static func columnarEntries(_ r: inout ByteReader, count: Int) throws(FormatError) -> [ManifestEntry] {
        var entries = [ManifestEntry]()
        entries.reserveCapacity(count)
        try forEachColumnarEntry(&r, count: count) { key, row in
            entries.append(ManifestEntry(key: key, value: row.map { .inline($0) } ?? .tombstone))
        }
        return entries
    }

    /// Reads the entries of a columnar leaf within ``ManifestFormat/columnarExpansionLimit``,
    /// checked as a version 1 leaf's are: keys strictly increasing and at most
    /// ``ManifestFormat/maximumKeyLength`` bytes, rows at most ``ManifestFormat/inlineLimit``
    /// bytes. Each entry's key and row (nil for a tombstone) go to `body` in buffers that the
    /// next entry reuses (``RowColumns/decode(_:from:budget:each:)``).
    private static func forEachColumnarEntry(_ r: inout ByteReader, count: Int,
                                             _ body: (_ key: [UInt8], _ row: [UInt8]?) throws(FormatError) -> Void) throws(FormatError) {
        var budget = ExpansionBudget(bytes: ManifestFormat.columnarExpansionLimit)
        let context = r.context
        var previous = [UInt8](), first = true
        try RowColumns.decode(count, from: &r, budget: &budget) { key, row throws(FormatError) in
            guard key.count <= ManifestFormat.maximumKeyLength, first || previous.bytesPrecede(key) else {
                throw FormatError(context: context, reason: "columnar leaf keys too long or not strictly increasing")
            }
            if let row, row.count > ManifestFormat.inlineLimit {
                throw FormatError(context: context, reason: "a columnar row of \(row.count) bytes exceeds the inline limit")
            }
            try body(key, row)
            previous.removeAll(keepingCapacity: true)
            previous.append(contentsOf: key)
            first = false
        }
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
