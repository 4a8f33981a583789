import AmberCore

/// Walks one tree's entries in key order, tombstones included: the leaf being read and a stack
/// of (internal node, position) above it. Loads log n nodes to start and then one node per leaf
/// (plus the internal nodes it crosses). An entry within a leaf costs an index step, no frame.
///
/// A columnar leaf is held in one buffer (``FlatLeaf``): ``nextLent(_:)`` lends its entries
/// without an array each; ``next()`` makes the arrays of a ``ManifestEntry``.
struct TreeCursor: Sendable {
    private struct Frame: Sendable {
        var children: [ManifestChild]
        var next: Int
        var level: UInt8
    }

    private let loader: ManifestNodeLoader
    private var stack: [Frame] = []
    /// The leaf being read: its entries, or its flat form (then `entries` is empty).
    private var entries: [ManifestEntry] = []
    private var flat: FlatLeaf?
    private var position = 0

    init(loader: ManifestNodeLoader, root: ManifestRoot, start: [UInt8]?) throws(ManifestError) {
        self.loader = loader
        try descend(root.id, level: root.level, start: start)
    }

    private var leafCount: Int { flat?.count ?? entries.count }

    /// Whether an entry is left, loading the next leaf when this one is read.
    mutating func hasNext() throws(ManifestError) -> Bool {
        while position == leafCount {
            guard try advanceLeaf() else { return false }
        }
        return true
    }

    /// The next entry, or `nil` past the last one.
    mutating func next() throws(ManifestError) -> ManifestEntry? {
        guard let entry = try peek() else { return nil }
        position += 1
        return entry
    }

    /// ``next()`` without stepping past the entry.
    mutating func peek() throws(ManifestError) -> ManifestEntry? {
        guard try hasNext() else { return nil }
        return flat?.entry(position) ?? entries[position]
    }

    /// Calls `body` with the next entry's key and value, lent for the call, and returns what it
    /// returns; `nil` past the last entry.
    mutating func nextLent<R>(_ body: (UnsafeBufferPointer<UInt8>, LentValue) throws(ManifestError) -> R) throws(ManifestError) -> R? {
        guard let result = try peekLent(body) else { return nil }
        position += 1
        return result
    }

    /// ``nextLent(_:)`` without stepping past the entry.
    mutating func peekLent<R>(_ body: (UnsafeBufferPointer<UInt8>, LentValue) throws(ManifestError) -> R) throws(ManifestError) -> R? {
        guard try hasNext() else { return nil }
        if let flat {
            return try flat.withEntry(position) { key, row throws(ManifestError) in try body(key, row.map { .inline($0) } ?? .tombstone) }
        }
        return try entries[position].lend(body)
    }

    /// Steps over the next entry.
    mutating func skip() throws(ManifestError) {
        if try hasNext() { position += 1 }
    }

    /// Whether the next entry is a tombstone (false past the last one).
    mutating func nextIsTombstone() throws(ManifestError) -> Bool {
        guard try hasNext() else { return false }
        if let flat { return flat.isTombstone(position) }
        if case .tombstone = entries[position].value { return true }
        return false
    }

    /// The order of the next entry's key and `key` (``Array/compareBytes(_:)``), or `nil` past
    /// the last entry.
    mutating func compareNextKey(with key: [UInt8]) throws(ManifestError) -> Int? {
        guard try hasNext() else { return nil }
        return flat?.compareKey(position, with: key) ?? entries[position].key.compareBytes(key)
    }

    /// Moves to the next leaf; false when there is none.
    private mutating func advanceLeaf() throws(ManifestError) -> Bool {
        while let top = stack.last {
            guard top.next < top.children.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            try descend(top.children[top.next].id, level: top.level - 1, start: nil)
            return true
        }
        entries = []
        flat = nil
        position = 0
        return false
    }

    /// Descends from node `id` at `level` to the leaf holding the first key ≥ `start` (the
    /// first leaf without `start`), pushing the internal nodes crossed.
    private mutating func descend(_ id: BlobID, level: UInt8, start: [UInt8]?) throws(ManifestError) {
        var id = id, level = level
        while level > 0 {
            let node = try loader.node(id, level: level)
            guard case .internal(let children) = node.body else {
                throw ManifestError(.damaged, "manifest node \(id.shortHex) is damaged: a leaf where a level \(level) node belongs")
            }
            let i = start.map { s in ManifestReader.firstIndex(children.count) { !children[$0].lastKey.lexicographicallyPrecedes(s) } } ?? 0
            guard i < children.count else {
                entries = []
                flat = nil
                position = 0
                return
            }
            stack.append(Frame(children: children, next: i + 1, level: level))
            id = children[i].id
            level -= 1
        }
        switch try loader.leaf(id) {
        case .flat(let leaf):
            position = start.map { s in ManifestReader.firstIndex(leaf.count) { leaf.compareKey($0, with: s) >= 0 } } ?? 0
            flat = leaf
            entries = []
        case .node(let node):
            guard case .leaf(let leafEntries) = node.body else {
                throw ManifestError(.damaged, "manifest node \(id.shortHex) is damaged: an internal node where a leaf belongs")
            }
            position = start.map { s in ManifestReader.firstIndex(leafEntries.count) { !leafEntries[$0].key.lexicographicallyPrecedes(s) } } ?? 0
            entries = leafEntries
            flat = nil
        }
    }
}

/// An entry's value lent for a call (``TreeCursor/nextLent(_:)``): a row or document stored in
/// the leaf, a tombstone, or a value stored otherwise (chunked), to resolve.
public enum LentValue {
    case inline(UnsafeBufferPointer<UInt8>)
    case tombstone
    case stored(ManifestValue)
}

extension LentValue {
    /// Whether this is `value`: the same bytes inline, both tombstones, or the same stored value.
    func isSame(as value: ManifestValue) -> Bool {
        switch (self, value) {
        case (.inline(let lent), .inline(let bytes)):
            bytes.withUnsafeBufferPointer { lent.compareBytes($0) == 0 }
        case (.tombstone, .tombstone): true
        case (.stored(let stored), _): stored == value
        default: false
        }
    }
}

extension ManifestEntry {
    /// Calls `body` with this entry's key and value, lent.
    func lend<R>(_ body: (UnsafeBufferPointer<UInt8>, LentValue) throws(ManifestError) -> R) throws(ManifestError) -> R {
        try key.withUnsafeBufferPointer { key throws(ManifestError) in
            switch value {
            case .inline(let bytes): try bytes.withUnsafeBufferPointer { bytes throws(ManifestError) in try body(key, .inline(bytes)) }
            case .tombstone: try body(key, .tombstone)
            case .chunked: try body(key, .stored(value))
            }
        }
    }
}
