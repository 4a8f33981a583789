import AmberCore

/// Walks one tree's entries in key order, tombstones included: the leaf being read and a stack
/// of (internal node, position) above it. Loads log n nodes to start and then one node per leaf
/// (plus the internal nodes it crosses). An entry within a leaf costs an index step, no frame.
struct TreeCursor: Sendable {
    private struct Frame: Sendable {
        var children: [ManifestChild]
        var next: Int
        var level: UInt8
    }

    private let loader: ManifestNodeLoader
    private var stack: [Frame] = []
    private var leaf: [ManifestEntry] = []
    private var position = 0

    init(loader: ManifestNodeLoader, root: ManifestRoot, start: [UInt8]?) throws(ManifestError) {
        self.loader = loader
        try descend(root.id, level: root.level, start: start)
    }

    /// The next entry, or `nil` past the last one.
    mutating func next() throws(ManifestError) -> ManifestEntry? {
        while position == leaf.count {
            guard try advanceLeaf() else { return nil }
        }
        position += 1
        return leaf[position - 1]
    }

    /// The key of the entry ``next()`` returns, without taking it: nil past the last one.
    /// (Loads the next leaf when the current one is done.)
    mutating func peekKey<R>(_ body: ([UInt8]) -> R) throws(ManifestError) -> R? {
        while position == leaf.count {
            guard try advanceLeaf() else { return nil }
        }
        return body(leaf[position].key)
    }

    /// Moves to the first entry of the next leaf; false past the last leaf.
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
        leaf = []
        position = 0
        return false
    }

    /// Pushes the path from node `id` to the first entry ≥ `start` and makes its leaf current.
    private mutating func descend(_ id: BlobID, level: UInt8, start: [UInt8]?) throws(ManifestError) {
        var id = id, level = level
        while true {
            let node = try loader.node(id, level: level)
            switch node.body {
            case .leaf(let entries):
                position = start.map { s in ManifestReader.firstIndex(entries.count) { !entries[$0].key.lexicographicallyPrecedes(s) } } ?? 0
                leaf = entries
                return
            case .internal(let children):
                let i = start.map { s in ManifestReader.firstIndex(children.count) { !children[$0].lastKey.lexicographicallyPrecedes(s) } } ?? 0
                guard i < children.count else {
                    leaf = []
                    position = 0
                    return
                }
                stack.append(Frame(children: children, next: i + 1, level: level))
                id = children[i].id
                level -= 1
            }
        }
    }
}
