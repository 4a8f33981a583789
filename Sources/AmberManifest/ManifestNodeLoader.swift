import AmberCore
import AmberRepository
import Synchronization

/// Loads and parses manifest nodes and chunked values from a repository, counting the node loads
/// (the cost measure of lookups and diffs). Thread-safe.
public final class ManifestNodeLoader: Sendable {
    public let repository: Repository
    private let loads = Atomic<Int>(0)
    /// Recently loaded nodes and their approximate size, for runs of point lookups in key order;
    /// emptied when full.
    private let cache = Mutex<(nodes: [BlobID: ManifestNode], bytes: Int)>(([:], 0))
    private let cacheCapacity: Int
    /// The most the cache holds, in approximate bytes of decoded nodes, whatever their number: a
    /// run leaf decodes to several hundred KiB.
    static let cacheByteLimit = 64 << 20

    /// - Parameter cachedNodes: how many parsed nodes to keep (0: none). Point lookups of keys in
    ///   order share most of their paths, so a few thousand make each path cost one leaf.
    public init(repository: Repository, cachedNodes: Int = 0) {
        self.repository = repository
        cacheCapacity = cachedNodes
    }

    /// Nodes loaded so far.
    public var nodeLoads: Int { loads.load(ordering: .relaxed) }

    /// Loads the node `id`, which must be at `level` when one is given.
    func node(_ id: BlobID, level: UInt8?) throws(ManifestError) -> ManifestNode {
        guard cacheCapacity > 0 else { return try load(id, level: level) }
        if let node = try cached(id, level: level) { return node }
        let node = try load(id, level: level)
        let size = node.approximateBytes
        cache.withLock { cache in
            if cache.nodes.count >= cacheCapacity || cache.bytes + size > Self.cacheByteLimit {
                cache.nodes.removeAll(keepingCapacity: true)
                cache.bytes = 0
            }
            if cache.nodes.updateValue(node, forKey: id) == nil { cache.bytes += size }
        }
        return node
    }

    /// A leaf for a reader of every entry (``TreeCursor``): a columnar leaf decoded into one
    /// buffer (``FlatLeaf``; not cached), any other leaf as ``node(_:level:)`` gives it.
    func leaf(_ id: BlobID) throws(ManifestError) -> LoadedLeaf {
        if let node = try cached(id, level: 0) { return .node(node) }
        return try load(id) { bytes throws(FormatError) in
            if let flat = try ManifestNode.flatLeaf(decoding: bytes, what: "manifest node") { return .flat(flat) }
            return .node(try ManifestNode(decoding: bytes, expectedLevel: 0, what: "manifest node"))
        }
    }

    /// The cached node `id`, which must be at `level` when one is given; nil when not cached.
    private func cached(_ id: BlobID, level: UInt8?) throws(ManifestError) -> ManifestNode? {
        guard cacheCapacity > 0, let node = cache.withLock({ $0.nodes[id] }) else { return nil }
        if let level, node.level != level {
            throw ManifestError(.damaged, "manifest node \(id.shortHex) is damaged: level \(node.level), expected \(level)")
        }
        return node
    }

    private func load(_ id: BlobID, level: UInt8?) throws(ManifestError) -> ManifestNode {
        try load(id) { bytes throws(FormatError) in try ManifestNode(decoding: bytes, expectedLevel: level, what: "manifest node") }
    }

    /// Loads tree blob `id`, counting the load, and decodes it; a decoding failure names the node.
    private func load<T>(_ id: BlobID, decoding decode: ([UInt8]) throws(FormatError) -> T) throws(ManifestError) -> T {
        loads.add(1, ordering: .relaxed)
        let bytes = try viaRepository { () throws(RepositoryError) in try repository.loadBlob(id, type: .tree) }
        do throws(FormatError) {
            // A constant context in `decode`: the id is formatted only if decoding fails.
            return try decode(bytes)
        } catch {
            throw ManifestError.damaged("manifest node \(id.shortHex)", error)
        }
    }

    /// What reading a tombstone where a value belongs throws (a manifest's visible entries
    /// have none: the cursors leave them out).
    static let tombstoneReadAsValue = ManifestError(.damaged, "a deletion marker was read as a value")

    /// The bytes of a value, loading its chunks if it is stored out of line.
    public func resolve(_ value: ManifestValue) throws(ManifestError) -> [UInt8] {
        switch value {
        case .inline(let bytes):
            return bytes
        case .chunked(let length, let chunks):
            var out = [UInt8]()
            out.reserveCapacity(Int(clamping: length))
            for id in chunks {
                let chunk = try viaRepository { () throws(RepositoryError) in try repository.loadBlob(id, type: .data) }
                out.append(contentsOf: chunk)
                guard UInt64(out.count) <= length else { break }
            }
            guard UInt64(out.count) == length else {
                throw ManifestError(.damaged, "a chunked value is damaged: its chunks hold \(out.count) bytes, expected \(length)")
            }
            return out
        case .tombstone:
            throw Self.tombstoneReadAsValue
        }
    }
}

/// A leaf as ``ManifestNodeLoader/leaf(_:)`` loads it.
enum LoadedLeaf: Sendable {
    case node(ManifestNode)
    case flat(FlatLeaf)
}
