#if canImport(Glibc)
import Glibc
#endif
import AmberCore
import AmberRepository

extension Repository {
    /// The paths under the tree `root` whose name matches one of `patterns` (shell globs, as
    /// `restic find` matches them against each file's name; a pattern with a `/` is matched
    /// against the whole path), with their nodes, in path order. `ignoreCase` compares
    /// lower-cased.
    public func findPaths(_ root: BlobID, patterns: [String], ignoreCase: Bool = false) throws -> [(path: String, node: Node)] {
        let folded = ignoreCase ? patterns.map { $0.lowercased() } : patterns
        var found = [(path: String, node: Node)]()
        try walk(root) { path, node in
            let name = ignoreCase ? node.displayName.lowercased() : node.displayName
            let full = ignoreCase ? path.lowercased() : path
            if folded.contains(where: { fnmatch($0, $0.contains("/") ? full : name, 0) == 0 }) { found.append((path, node)) }
            return true
        }
        return found
    }
}
