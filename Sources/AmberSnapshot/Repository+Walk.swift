import AmberCore
import AmberRepository

extension Repository {
    /// Visits every node under a tree depth-first, in name order, with its path (`/a/b`).
    /// `visit` returns whether to descend into a directory.
    public func walk(_ tree: BlobID, path: String = "", visit: (String, Node) throws -> Bool) throws {
        for node in try loadTree(tree).nodes {
            let child = path + "/" + node.displayName
            if try visit(child, node), node.kind == .directory, let sub = node.subtree {
                try walk(sub, path: child, visit: visit)
            }
        }
    }

    /// The node at a path (`/a/b`) under a root tree, or nil if there is none.
    public func node(at path: String, root: BlobID) throws(RepositoryError) -> Node? {
        let components = path.split(separator: "/").map { Array($0.utf8) }
        var tree = root
        var found: Node?
        for (i, name) in components.enumerated() {
            guard let node = try loadTree(tree).node(named: name) else { return nil }
            found = node
            if i < components.count - 1 {
                guard node.kind == .directory, let sub = node.subtree else { return nil }
                tree = sub
            }
        }
        return found
    }
}
