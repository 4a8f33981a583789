import AmberCore
import AmberRepository

/// One path that differs between two snapshots' directory trees, marked as `restic diff` marks
/// it: `+` added, `-` removed, `M` content changed (a file's bytes, a link's target, a
/// collection source's documents), `T` type changed, `U` only metadata changed (mode, owner,
/// modification time). Directories end in `/`.
public struct TreeChange: Sendable, Hashable {
    public enum Modifier: String, Sendable {
        case added = "+", removed = "-", modified = "M", typeChanged = "T", metadata = "U"
    }

    public let modifier: Modifier
    public let path: String
}

extension Repository {
    /// The paths that differ between the trees `old` and `new` (either may be nil: everything
    /// added or removed), in path order; metadata-only changes (`U`) only when `metadata` (as
    /// `restic diff --metadata`). A subtree with the same id on both sides is skipped without
    /// being read, so the cost follows the changes.
    public func diffTrees(_ old: BlobID?, _ new: BlobID?, path: String = "", metadata: Bool = false) throws(RepositoryError) -> [TreeChange] {
        guard old != new else { return [] }
        let before = try old.map { id throws(RepositoryError) in try loadTree(id).nodes } ?? []
        let after = try new.map { id throws(RepositoryError) in try loadTree(id).nodes } ?? []
        var changes = [TreeChange]()
        var i = 0, j = 0
        while i < before.count || j < after.count {
            let a = i < before.count ? before[i] : nil, b = j < after.count ? after[j] : nil
            if let a, b == nil || a.name.lexicographicallyPrecedes(b!.name) {
                try everything(a, at: path, .removed, into: &changes)
                i += 1
            } else if let b, a == nil || b.name.lexicographicallyPrecedes(a!.name) {
                try everything(b, at: path, .added, into: &changes)
                j += 1
            } else if let a, let b {
                try compare(a, b, at: path, metadata: metadata, into: &changes)
                i += 1
                j += 1
            }
        }
        return changes
    }

    /// A node and, for a directory, everything below it, all with `modifier`.
    private func everything(_ node: Node, at path: String, _ modifier: TreeChange.Modifier,
                            into changes: inout [TreeChange]) throws(RepositoryError) {
        let child = path + "/" + node.displayName
        changes.append(TreeChange(modifier: modifier, path: node.kind == .directory ? child + "/" : child))
        guard node.kind == .directory, let sub = node.subtree else { return }
        changes += try modifier == .added ? diffTrees(nil, sub, path: child) : diffTrees(sub, nil, path: child)
    }

    /// Two nodes of the same name.
    private func compare(_ a: Node, _ b: Node, at path: String, metadata: Bool, into changes: inout [TreeChange]) throws(RepositoryError) {
        let child = path + "/" + b.displayName
        let shown = b.kind == .directory ? child + "/" : child
        guard a.kind == b.kind else {
            changes.append(TreeChange(modifier: .typeChanged, path: shown))
            return
        }
        let metadataDiffers = metadata && (a.mode != b.mode || a.uid != b.uid || a.gid != b.gid
            || a.extendedAttributes != b.extendedAttributes
            || (a.kind != .directory && a.kind != .database && (a.mtimeSeconds, a.mtimeNanoseconds) != (b.mtimeSeconds, b.mtimeNanoseconds)))
        switch a.kind {
        case .directory:
            if metadataDiffers { changes.append(TreeChange(modifier: .metadata, path: shown)) }
            changes += try diffTrees(a.subtree, b.subtree, path: child, metadata: metadata)
        case .file, .symlink, .database:
            if a.content != b.content || a.linkTarget != b.linkTarget || a.subtree != b.subtree || a.size != b.size {
                changes.append(TreeChange(modifier: .modified, path: shown))
            } else if metadataDiffers {
                changes.append(TreeChange(modifier: .metadata, path: shown))
            }
        case .fifo, .characterDevice, .blockDevice, .socket:
            if a.device != b.device { changes.append(TreeChange(modifier: .modified, path: shown)) } else if metadataDiffers {
                changes.append(TreeChange(modifier: .metadata, path: shown))
            }
        }
    }
}
