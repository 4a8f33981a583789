import AmberChunking
import AmberCore
import AmberCrypto
import AmberDocuments
import AmberRepository

/// Builds a manifest from entries in strictly increasing key order, writing its nodes (tree blobs)
/// and chunked values (data blobs) through a ``BlobWriter``.
///
/// A backup builds the full sorted set every time. The result depends only on the set of entries
/// (and the repository's keys), never on how it was reached, so nodes whose entries did not change
/// get the same ids and the writer's deduplication stores only the changed leaves and their
/// ancestors. Memory is O(height × node size): nodes are written as soon as they end.
///
/// Call ``BlobWriter/finish()`` after ``finish()`` and before reading the manifest: blobs still in
/// the writer's open packs are in no index yet.
///
/// Not thread-safe: one builder per manifest being built.
public final class ManifestBuilder {
    private struct Level {
        var body: [UInt8] = []
        /// The length of the node's encoded entries: `body.count`, or, for the leaves that
        /// ``LeafWorkers`` encode, what `body.count` would be (their body is not built here).
        var size = 0
        var entries = 0
        var lastKey: [UInt8] = []
        var count: UInt64 = 0
        var valueBytes: UInt64 = 0
        /// Nodes of this level written so far, and the last of them.
        var written = 0
        var lastChild: ManifestChild?
        /// The ticket of ``lastChild`` while a worker stores it (``LeafWorkers``).
        var lastTicket: Int?
        /// Where the body holds a placeholder for the id of a leaf a worker stores, and its ticket.
        var pendingIDs: [(offset: Int, ticket: Int)] = []
    }

    /// Counts of what a build did.
    public struct Statistics: Sendable, Equatable {
        /// Nodes produced, and how many of them the repository or writer did not have yet.
        public var nodes = 0
        public var newNodes = 0
        /// Values stored out of line, and data chunks the repository did not have yet.
        public var chunkedValues = 0
        public var newChunks = 0
    }

    private let writer: BlobWriter
    private let storesNodes: Bool
    private let nodeLevel: Int32?
    private let columnarLeaves: Bool
    /// The entries of the open leaf, kept only for ``columnarLeaves``.
    private var leafEntries: [ManifestEntry] = []
    /// The threads that encode and store the leaves of a packed tree, when ``columnarLeaves``.
    private let leaves: LeafWorkers?
    private let leafTarget: Int
    private let internalTarget: Int
    private let treeIDs: HMACSHA256
    private let dataIDs: HMACSHA256
    private let chunker: FastCDC
    private var rule: BoundaryRule
    private var levels: [Level] = [Level()]
    private var previousKey: [UInt8]?
    private var finished = false
    /// What this builder has done so far.
    public private(set) var statistics = Statistics()

    /// - Parameters:
    ///   - repository: supplies the keys (ids, split key, gear table).
    ///   - writer: stores the blobs; several builders may share one writer.
    ///   - storesNodes: false to compute the tree's node ids without storing the nodes (the
    ///     canonical root of a collection kept as runs, ``CollectionBuilder``); chunked values
    ///     are stored either way.
    ///   - targets: the leaf and internal boundary scales; the format's for canonical trees,
    ///     larger ones for packed trees (``ManifestFormat/packedLeafTarget``).
    ///   - nodeLevel: the zstd level of the nodes stored, instead of the repository's
    ///     (``ManifestFormat/packedCompressionLevel`` for packed trees).
    ///   - columnarLeaves: true to write each leaf whose entries are database rows in the columnar
    ///     form (§N.7) rather than version 1: for runs, whose nodes are never compared with a
    ///     canonical tree's. The boundaries are the same either way. The other leaves of such a
    ///     (packed) tree are compressed at ``ManifestFormat/packedDocumentLevel``.
    ///   - leafWorkers: with `columnarLeaves`, true to encode and store leaves on worker threads
    ///     (``LeafWorkers``); the tree is the same either way.
    public init(repository: Repository, writer: BlobWriter, storesNodes: Bool = true,
                targets: (leaf: Int, internal: Int) = (ManifestFormat.leafTarget, ManifestFormat.internalTarget),
                nodeLevel: Int32? = nil, columnarLeaves: Bool = false, leafWorkers: Bool = true) {
        self.writer = writer
        self.storesNodes = storesNodes
        self.nodeLevel = nodeLevel
        self.columnarLeaves = columnarLeaves
        leafTarget = targets.leaf
        internalTarget = targets.internal
        treeIDs = repository.makeIDHasher(for: .tree)
        dataIDs = repository.makeIDHasher(for: .data)
        chunker = repository.makeChunker(parameters: ManifestFormat.valueChunking)
        rule = BoundaryRule(mac: repository.makePreparedHasher(info: ManifestFormat.splitKeyInfo))
        leaves = columnarLeaves && storesNodes && leafWorkers ? LeafWorkers(writer: writer, hasher: treeIDs, nodeLevel: nodeLevel) : nil
    }

    /// Appends an entry. Keys must be strictly increasing in unsigned-byte lexicographic order.
    /// `leafHash`: the key's level-0 boundary hash, if a ``LeafHasher`` of this builder computed it.
    public func append(key: [UInt8], value: [UInt8], leafHash: UInt32? = nil) throws(ManifestError) {
        _ = try add(key: key, value: value, leafHash: leafHash)
    }

    /// Appends an entry and returns its value as the leaf stores it (chunks stored).
    ///
    /// - Parameter leafHash: the key's boundary hash at level 0, computed on another thread by
    ///   a ``LeafHasher`` of this builder; `nil` to compute it here when needed.
    func add(key: [UInt8], value: [UInt8], leafHash: UInt32? = nil) throws(ManifestError) -> ManifestValue {
        try checkNext(key)
        let stored = value.count <= ManifestFormat.inlineLimit ? ManifestValue.inline(value) : try storeChunked(value)
        try appendLeafEntry(key: key, stored: stored, leafHash: leafHash)
        return stored
    }

    /// A hasher of leaf boundaries with this builder's key, for another thread.
    public func makeLeafHasher() -> LeafHasher { LeafHasher(rule: rule.copy()) }

    /// Appends an entry whose value is already stored (a run copying a value, or a tombstone).
    func append(key: [UInt8], stored: ManifestValue) throws(ManifestError) {
        try checkNext(key)
        try appendLeafEntry(key: key, stored: stored)
    }

    /// Appends a checked entry to the open leaf.
    private func appendLeafEntry(key: [UInt8], stored: ManifestValue, leafHash: UInt32? = nil) throws(ManifestError) {
        if columnarLeaves { leafEntries.append(ManifestEntry(key: key, value: stored)) }
        if leaves != nil {
            // The workers build the leaf from leafEntries: only its size is needed here.
            let previous = levels[0].entries > 0 ? levels[0].lastKey : nil
            let length = ManifestNode.encodedKeyLength(key, previous: previous) + stored.encodedLength
            try append(level: 0, key: key, count: 1, valueBytes: stored.length, sizeOnly: length, hash: leafHash) { _ in }
        } else {
            try append(level: 0, key: key, count: 1, valueBytes: stored.length, hash: leafHash) { stored.encode(into: &$0) }
        }
    }

    private func checkNext(_ key: [UInt8]) throws(ManifestError) {
        guard !finished else { throw ManifestError(.invalidArgument, "the manifest builder has finished") }
        guard key.count <= ManifestFormat.maximumKeyLength else {
            throw ManifestError(.invalidArgument, "a key of \(key.count) bytes exceeds \(ManifestFormat.maximumKeyLength)")
        }
        if let previousKey, !previousKey.bytesPrecede(key) {
            throw ManifestError(.invalidArgument,
                                "keys out of order: \(Hex.encode(key.prefix(32))) after \(Hex.encode(previousKey.prefix(32)))")
        }
        previousKey = key
    }

    /// Ends the manifest: writes the open nodes up to a single root and returns it. An empty
    /// manifest is a leaf without entries.
    public func finish() throws(ManifestError) -> ManifestRoot {
        guard !finished else { throw ManifestError(.invalidArgument, "the manifest builder has finished") }
        finished = true
        let root = try finishLevels()
        if let leaves { statistics.newNodes += try leaves.finish() }
        return root
    }

    /// Writes the open nodes up to a single root.
    private func finishLevels() throws(ManifestError) -> ManifestRoot {
        var i = 0
        while true {
            if levels[i].written == 0 {
                // Every entry of this level is in its open node: that node is the root.
                let root = try write(level: i)
                return ManifestRoot(id: root.id, count: root.count, valueBytes: root.valueBytes, height: i + 1)
            }
            if levels[i].entries > 0 { try close(level: i) }
            if levels[i].written == 1, var root = levels[i].lastChild {
                // This level is one node: the root. Its lone entry one level up is dropped, so a
                // root never has a single child.
                if let ticket = levels[i].lastTicket, let leaves { root.id = try leaves.id(of: ticket) }
                return ManifestRoot(id: root.id, count: root.count, valueBytes: root.valueBytes, height: i + 1)
            }
            i += 1
        }
    }

    // MARK: Levels

    /// Encodes an entry into the open node of `level` and ends the node if the boundary rule says so.
    ///
    /// `pendingID` is the ticket of a leaf whose id is not known yet: `encodeRest` then begins
    /// with a placeholder id, replaced before the node is written.
    ///
    /// `sizeOnly` is the entry's encoded length when the node's body is not built (a leaf that
    /// ``LeafWorkers`` encode): nothing is encoded then. `hash` is the key's boundary hash at
    /// this level, if already computed.
    private func append(level i: Int, key: [UInt8], count: UInt64, valueBytes: UInt64, pendingID: Int? = nil,
                        sizeOnly: Int? = nil, hash: UInt32? = nil, encodeRest: (inout [UInt8]) -> Void) throws(ManifestError) {
        if i == levels.count {
            guard i <= Int(ManifestFormat.maximumLevel) else { throw ManifestError(.invalidArgument, "manifest too deep") }
            levels.append(Level())
        }
        let start = levels[i].size
        if let sizeOnly {
            levels[i].size += sizeOnly
        } else {
            ManifestNode.encodeKey(key, previous: levels[i].entries > 0 ? levels[i].lastKey : nil, into: &levels[i].body)
            if let pendingID { levels[i].pendingIDs.append((levels[i].body.count, pendingID)) }
            encodeRest(&levels[i].body)
            levels[i].size = levels[i].body.count
        }
        levels[i].entries += 1
        levels[i].lastKey = key
        levels[i].count += count
        levels[i].valueBytes += valueBytes
        let isLeaf = i == 0
        if rule.isBoundary(level: UInt8(i), key: key, start: start, end: levels[i].size, entries: levels[i].entries,
                           minimumEntries: isLeaf ? 1 : 2,
                           target: isLeaf ? leafTarget : internalTarget, precomputed: hash) {
            try close(level: i)
        }
    }

    /// Writes the open node of `level` and appends its summary to the level above.
    /// A leaf of a packed tree goes to a worker (``LeafWorkers``) instead, its id to follow.
    private func close(level i: Int) throws(ManifestError) {
        let child: ManifestChild
        var ticket: Int? = nil
        if i == 0, let leaves {
            let level = levels[0]
            ticket = leaves.submit(entries: leafEntries)
            leafEntries = []
            child = ManifestChild(lastKey: level.lastKey, id: Self.placeholderID, count: level.count, valueBytes: level.valueBytes)
            statistics.nodes += 1
        } else {
            child = try write(level: i)
        }
        levels[i] = Level(written: levels[i].written + 1, lastChild: child, lastTicket: ticket)
        try append(level: i + 1, key: child.lastKey, count: child.count, valueBytes: child.valueBytes, pendingID: ticket) { body in
            child.id.append(to: &body)
            Varint.append(child.count, to: &body)
            Varint.append(child.valueBytes, to: &body)
        }
    }

    /// Encodes and stores the open node of `level`; returns its summary.
    private func write(level i: Int) throws(ManifestError) -> ManifestChild {
        var level = levels[i]
        if let leaves {
            for (offset, ticket) in level.pendingIDs {
                let id = try leaves.id(of: ticket)
                level.body.replaceSubrange(offset..<offset + BlobID.byteCount, with: id.bytes)
            }
        }
        var bytes: [UInt8]
        var compression = nodeLevel
        if i == 0, columnarLeaves, leafEntries.count == level.entries {
            (bytes, compression) = ManifestNode.packedLeaf(leafEntries, nodeLevel: nodeLevel)
        } else {
            bytes = ManifestNode.header(level: UInt8(i), count: level.entries)
            // A leaf LeafWorkers would have encoded has only its size here (the lone leaf of a tree).
            bytes.append(contentsOf: i == 0 && leaves != nil ? ManifestNode.leafBody(leafEntries) : level.body)
            if i == 0 && columnarLeaves { compression = ManifestFormat.packedDocumentLevel }
        }
        if i == 0 { leafEntries.removeAll(keepingCapacity: true) }
        let id = treeIDs.id(bytes)
        let isNew = storesNodes ? try viaRepository { () throws(RepositoryError) in try writer.add(.tree, id: id, plaintext: bytes, level: compression) } : false
        statistics.nodes += 1
        if isNew { statistics.newNodes += 1 }
        return ManifestChild(lastKey: level.lastKey, id: id, count: level.count, valueBytes: level.valueBytes)
    }

    /// The id a node holds for a leaf until its worker has stored it.
    private static let placeholderID = BlobID(bytes: [UInt8](repeating: 0, count: BlobID.byteCount))!

    /// Chunks a long value into data blobs and returns its reference.
    private func storeChunked(_ value: [UInt8]) throws(ManifestError) -> ManifestValue {
        var ids = [BlobID]()
        var offset = 0
        for length in chunker.chunkLengths(of: value) {
            let chunk = Array(value[offset..<offset + length])
            offset += length
            let id = dataIDs.id(chunk)
            let isNew = try viaRepository { () throws(RepositoryError) in try writer.add(.data, id: id, plaintext: chunk) }
            if isNew { statistics.newChunks += 1 }
            ids.append(id)
        }
        statistics.chunkedValues += 1
        return .chunked(length: UInt64(value.count), chunks: ids)
    }
}
