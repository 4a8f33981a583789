#if canImport(Glibc)
import Glibc
#endif

/// Selects the paths `restore --include` names. A path is included when a pattern matches it
/// or one of its parent directories. Paths are relative to the snapshot root and start with `/`
/// (`/docs/a.txt`). A pattern with a `/` is matched against the whole path (a missing leading `/`
/// is added); a pattern without one is matched against each component. Patterns are shell
/// globs (`fnmatch`: `*`, `?`, `[…]`).
public struct IncludeFilter: Sendable {
    public let patterns: [String]

    public init(_ patterns: [String]) {
        self.patterns = patterns.map { p in
            var p = p
            while p.count > 1, p.hasSuffix("/") { p.removeLast() }
            return p
        }
    }

    /// Whether every path is included (no patterns).
    public var includesAll: Bool { patterns.isEmpty }

    /// Whether `path` itself or an ancestor matches.
    public func includes(_ path: String) -> Bool {
        if patterns.isEmpty { return true }
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var prefix = ""
        for component in components {
            prefix += "/" + component
            for pattern in patterns {
                if pattern.contains("/") {
                    let anchored = pattern.hasPrefix("/") ? pattern : "/" + pattern
                    if fnmatch(anchored, prefix, 0) == 0 { return true }
                } else if fnmatch(pattern, component, 0) == 0 {
                    return true
                }
            }
        }
        return false
    }
}
