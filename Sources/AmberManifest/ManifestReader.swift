import AmberCore
import AmberRepository

/// Reads one collection's manifest: point lookups in O(height) node loads per layer, ordered
/// iteration from any key, and full scans that resolve chunked values. Thread-safe; each cursor
/// belongs to one thread.
public struct ManifestReader: Sendable {
    /// The manifest read: a compact tree, or a base with runs.
    public let manifest: CollectionManifest
    /// Loads nodes and counts the loads.
    public let loader: ManifestNodeLoader

    public init(repository: Repository, root: ManifestRoot) {
        self.init(loader: ManifestNodeLoader(repository: repository), root: root)
    }

    public init(loader: ManifestNodeLoader, root: ManifestRoot) {
        self.init(loader: loader, manifest: CollectionManifest(compact: root))
    }

    public init(repository: Repository, manifest: CollectionManifest) {
        self.init(loader: ManifestNodeLoader(repository: repository), manifest: manifest)
    }

    public init(loader: ManifestNodeLoader, manifest: CollectionManifest) {
        self.loader = loader
        self.manifest = manifest
    }

    /// The canonical root: the collection's identity and statistics.
    public var root: ManifestRoot { manifest.canonical }

    /// The stored form of the value of `key` (`nil` if absent), without loading chunks.
    /// Loads exactly one node per level of each layer it has to consult, newest first.
    public func lookup(_ key: [UInt8]) throws(ManifestError) -> ManifestValue? {
        for layer in manifest.layers.reversed() {
            guard let value = try lookup(key, in: layer) else { continue }
            if case .tombstone = value { return nil }
            return value
        }
        return nil
    }

    /// The entry of `key` in one tree, tombstones included.
    func lookup(_ key: [UInt8], in root: ManifestRoot) throws(ManifestError) -> ManifestValue? {
        var id = root.id
        var level = root.level
        while true {
            let node = try loader.node(id, level: level)
            switch node.body {
            case .leaf(let entries):
                let i = Self.firstIndex(entries.count) { !entries[$0].key.lexicographicallyPrecedes(key) }
                return i < entries.count && entries[i].key == key ? entries[i].value : nil
            case .internal(let children):
                let i = Self.firstIndex(children.count) { !children[$0].lastKey.lexicographicallyPrecedes(key) }
                guard i < children.count else { return nil }
                id = children[i].id
                level -= 1
            }
        }
    }

    /// The value of `key`, chunks loaded; `nil` if absent.
    public func get(_ key: [UInt8]) throws(ManifestError) -> [UInt8]? {
        guard let value = try lookup(key) else { return nil }
        return try loader.resolve(value)
    }

    /// A cursor over the entries with keys ≥ `start` (all entries for `nil`), in key order.
    public func cursor(from start: [UInt8]? = nil) throws(ManifestError) -> ManifestCursor {
        try ManifestCursor(loader: loader, manifest: manifest, start: start)
    }

    /// Calls `body` with every entry from `start` on, in key order, values resolved (chunks loaded).
    /// Stops early when `body` returns `false`.
    ///
    /// A manifest of more than one node is read ahead on another thread (``ManifestStream``),
    /// so loading nodes and chunks overlaps with `body`; `body` itself runs on the calling thread.
    public func scan(from start: [UInt8]? = nil,
                     _ body: (_ key: [UInt8], _ value: [UInt8]) throws(ManifestError) -> Bool) throws(ManifestError) {
        guard manifest.canonical.height > 1 || !manifest.isCompact else {
            var cursor = try cursor(from: start)
            while let entry = try cursor.next() {
                guard try body(entry.key, try loader.resolve(entry.value)) else { return }
            }
            return
        }
        let stream = stream(from: start)
        while let (key, value) = try stream.next() {
            guard try body(key, value) else { return }
        }
    }

    /// ``scan(from:_:)`` with each key and value lent to `body` for the call only: a reader of
    /// millions of entries (a restore) then makes no array for each.
    public func scanLent(from start: [UInt8]? = nil,
                         _ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws(ManifestError) -> Bool) throws(ManifestError) {
        guard manifest.canonical.height > 1 || !manifest.isCompact else {
            return try scan(from: start) { key, value throws(ManifestError) in
                try key.withUnsafeBufferPointer { key throws(ManifestError) in
                    try value.withUnsafeBufferPointer { value throws(ManifestError) in try body(key, value) }
                }
            }
        }
        try stream(from: start).forEach(body)
    }

    /// The entries from `start` on, in key order, values resolved, read ahead on another thread.
    public func stream(from start: [UInt8]? = nil) -> ManifestStream {
        ManifestStream(reader: self, start: start)
    }

    /// The first index in `0..<count` for which `predicate` holds, assuming it holds from some index on.
    static func firstIndex(_ count: Int, where predicate: (Int) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(mid) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
