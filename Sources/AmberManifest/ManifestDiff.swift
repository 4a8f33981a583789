import AmberCore
import AmberRepository

/// Computes the changes between two manifests, never loading a subtree the two share.
///
/// Each side is a frontier: a stack of items in key order, each a subtree (level, id) or a leaf
/// entry. While both fronts are subtrees with equal ids, both are dropped unopened: equal ids mean
/// equal entry sets over the same key range, and both sides have consumed exactly the keys before
/// it. Otherwise the front subtree of the higher level is opened (replaced by its children); when
/// both fronts are entries, they are merged by key. Content-defined boundaries make the two trees
/// realign within a node or so of each change, so the cost is O(changes × height) node loads, not O(n).
public struct ManifestDiff: Sendable {
    private enum Item {
        case subtree(BlobID, level: UInt8)
        case entry(ManifestEntry)
    }

    /// Loads nodes and counts the loads.
    public let loader: ManifestNodeLoader

    public init(loader: ManifestNodeLoader) {
        self.loader = loader
    }

    /// A loader that keeps the last few thousand nodes, for the point lookups of layered diffs.
    public init(repository: Repository) {
        self.init(loader: ManifestNodeLoader(repository: repository, cachedNodes: 4096))
    }

    /// The changes from `old` (`nil`: an empty manifest) to `new`, in key order.
    public static func diff(_ repository: Repository, from old: ManifestRoot?, to new: ManifestRoot) throws(ManifestError) -> [ManifestChange] {
        var out = [ManifestChange]()
        try ManifestDiff(repository: repository).visit(from: old, to: new) { out.append($0) }
        return out
    }

    /// The changes from `old` (`nil`: an empty collection) to `new`, in key order.
    public static func diff(_ repository: Repository, from old: CollectionManifest?, to new: CollectionManifest) throws(ManifestError) -> [ManifestChange] {
        var out = [ManifestChange]()
        try ManifestDiff(repository: repository).visit(from: old, to: new) { out.append($0) }
        return out
    }

    /// Calls `body` with each change from collection `old` to collection `new`, in key order.
    ///
    /// Equal canonical roots mean no change. Two compact manifests are diffed as trees. Otherwise
    /// a key can differ only where the bases differ (a tree diff, which skips their shared
    /// subtrees) or where a run that the two do not share has an entry; each such key is looked
    /// up on both sides (runs newest first, then the base). Consecutive snapshots of one chain
    /// share the base and all runs but the last, so their diff reads only that run and the
    /// paths to its keys.
    public func visit(from old: CollectionManifest?, to new: CollectionManifest,
                      _ body: (ManifestChange) throws(ManifestError) -> Void) throws(ManifestError) {
        guard let old else {
            var cursor = try ManifestCursor(loader: loader, manifest: new, start: nil)
            while let entry = try cursor.next() { try body(ManifestChange(key: entry.key, kind: .added, old: nil, new: entry.value)) }
            return
        }
        if old.canonical.id == new.canonical.id { return }
        if old.isCompact && new.isCompact { return try visit(from: old.canonical, to: new.canonical, body) }
        var keys = [[UInt8]]()
        var shared = 0
        if old.base.id == new.base.id {
            while shared < min(old.runs.count, new.runs.count) && old.runs[shared].id == new.runs[shared].id { shared += 1 }
        } else {
            try visit(from: old.base, to: new.base) { change in keys.append(change.key) }
        }
        keys += try loader.keys(in: old.runs[shared...] + new.runs[shared...])
        keys.sort { $0.lexicographicallyPrecedes($1) }
        let before = ManifestReader(loader: loader, manifest: old), after = ManifestReader(loader: loader, manifest: new)
        var previous: [UInt8]?
        for key in keys where key != previous {
            previous = key
            switch (try before.lookup(key), try after.lookup(key)) {
            case (nil, nil): break
            case (let a?, nil): try body(ManifestChange(key: key, kind: .removed, old: a, new: nil))
            case (nil, let b?): try body(ManifestChange(key: key, kind: .added, old: nil, new: b))
            case (let a?, let b?) where a != b: try body(ManifestChange(key: key, kind: .changed, old: a, new: b))
            default: break
            }
        }
    }

    /// Calls `body` with each change from tree `old` to tree `new`, in key order.
    public func visit(from old: ManifestRoot?, to new: ManifestRoot,
                      _ body: (ManifestChange) throws(ManifestError) -> Void) throws(ManifestError) {
        var a: [Item] = old.map { [.subtree($0.id, level: $0.level)] } ?? []
        var b: [Item] = [.subtree(new.id, level: new.level)]
        while let x = a.last, let y = b.last {
            switch (x, y) {
            case (.subtree(let i, _), .subtree(let j, _)) where i == j:
                a.removeLast()
                b.removeLast()
            case (.entry(let e), .entry(let f)):
                if e.key == f.key {
                    a.removeLast()
                    b.removeLast()
                    if e.value != f.value { try body(ManifestChange(key: e.key, kind: .changed, old: e.value, new: f.value)) }
                } else if e.key.lexicographicallyPrecedes(f.key) {
                    a.removeLast()
                    try body(ManifestChange(key: e.key, kind: .removed, old: e.value, new: nil))
                } else {
                    b.removeLast()
                    try body(ManifestChange(key: f.key, kind: .added, old: nil, new: f.value))
                }
            default:
                if Self.rank(x) >= Self.rank(y) { try open(&a) } else { try open(&b) }
            }
        }
        while let x = a.popLast() {
            if case .entry(let e) = x { try body(ManifestChange(key: e.key, kind: .removed, old: e.value, new: nil)) } else { a.append(x); try open(&a) }
        }
        while let y = b.popLast() {
            if case .entry(let f) = y { try body(ManifestChange(key: f.key, kind: .added, old: nil, new: f.value)) } else { b.append(y); try open(&b) }
        }
    }

    /// Entries rank below every subtree; subtrees by level.
    private static func rank(_ item: Item) -> Int {
        if case .subtree(_, let level) = item { return Int(level) }
        return -1
    }

    /// Replaces the front subtree of `frontier` by its children (or entries), first child on top.
    private func open(_ frontier: inout [Item]) throws(ManifestError) {
        guard case .subtree(let id, let level) = frontier.removeLast() else { return }
        Self.push(try loader.node(id, level: level), level: level, onto: &frontier)
    }

    /// Pushes a node's children (or entries) onto a frontier, first child on top.
    private static func push(_ node: ManifestNode, level: UInt8, onto frontier: inout [Item]) {
        switch node.body {
        case .leaf(let entries):
            for e in entries.reversed() { frontier.append(.entry(e)) }
        case .internal(let children):
            for c in children.reversed() { frontier.append(.subtree(c.id, level: level - 1)) }
        }
    }
}
