import AmberCore

/// Walks one tree's entries in key order, tombstones included: a stack of (node, position) from
/// the root to a leaf. Loads log n nodes to start and then one node per leaf (plus the internal
/// nodes it crosses).
struct TreeCursor: Sendable {
    private enum Frame: Sendable {
        case leaf([ManifestEntry], Int)
        case `internal`([ManifestChild], Int, level: UInt8)
    }

    private let loader: ManifestNodeLoader
    private var stack: [Frame] = []

    init(loader: ManifestNodeLoader, root: ManifestRoot, start: [UInt8]?) throws(ManifestError) {
        self.loader = loader
        try descend(root.id, level: root.level, start: start)
    }

    /// The next entry, or `nil` past the last one.
    mutating func next() throws(ManifestError) -> ManifestEntry? {
        while let top = stack.popLast() {
            switch top {
            case .leaf(let entries, let i):
                guard i < entries.count else { continue }
                stack.append(.leaf(entries, i + 1))
                return entries[i]
            case .internal(let children, let i, let level):
                guard i < children.count else { continue }
                stack.append(.internal(children, i + 1, level: level))
                try descend(children[i].id, level: level - 1, start: nil)
            }
        }
        return nil
    }

    /// Pushes the path from node `id` to the first entry ≥ `start`.
    private mutating func descend(_ id: BlobID, level: UInt8, start: [UInt8]?) throws(ManifestError) {
        var id = id, level = level
        while true {
            let node = try loader.node(id, level: level)
            switch node.body {
            case .leaf(let entries):
                let i = start.map { s in ManifestReader.firstIndex(entries.count) { !entries[$0].key.lexicographicallyPrecedes(s) } } ?? 0
                stack.append(.leaf(entries, i))
                return
            case .internal(let children):
                let i = start.map { s in ManifestReader.firstIndex(children.count) { !children[$0].lastKey.lexicographicallyPrecedes(s) } } ?? 0
                guard i < children.count else { return }
                stack.append(.internal(children, i + 1, level: level))
                id = children[i].id
                level -= 1
            }
        }
    }
}
