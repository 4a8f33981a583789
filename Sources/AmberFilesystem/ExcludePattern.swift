#if canImport(Glibc)
import Glibc
#endif

/// One `--exclude` pattern, matched as restic matches it (its documentation is the reference):
/// against the *absolute* path of each file and directory the backup visits, component by
/// component, each component a shell glob (`*`, `?`, `[…]`, `\` escapes) and `**` standing for
/// any number of components, none included.
///
/// A pattern that starts with `/` must match the whole path (`/home/ann/.cache`). Any other
/// pattern matches when it matches the path's last components (`*.tmp` excludes every `.tmp`
/// file; `cache/*.bin` every `.bin` file directly in a directory named `cache`). An excluded
/// directory is not entered, so nothing below it is stored.
public struct ExcludePattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as given.
    public let text: String
    /// Whether letter case is ignored (`--iexclude`: pattern and path are compared lower-cased).
    public let caseInsensitive: Bool
    private let anchored: Bool
    private let parts: [String]

    /// - Throws: ``FilesystemError`` for a pattern that cannot be used: empty, negated (`!…`,
    ///   which restic 0.16 added and Amber does not have), or with a `[` left open.
    public init(_ text: String, caseInsensitive: Bool = false) throws(FilesystemError) {
        let trimmed = text
        guard !trimmed.isEmpty else { throw FilesystemError(path: text, message: "an empty exclude pattern") }
        guard !trimmed.hasPrefix("!") else {
            throw FilesystemError(path: text, message: "negated exclude patterns (!…) are not supported")
        }
        let folded = caseInsensitive ? trimmed.lowercased() : trimmed
        let parts = folded.split(separator: "/").map(String.init).filter { $0 != "." }
        for part in parts where !Self.bracketsClose(part) {
            throw FilesystemError(path: text, message: "the exclude pattern has a [ that is not closed")
        }
        self.text = text
        self.caseInsensitive = caseInsensitive
        anchored = folded.hasPrefix("/")
        self.parts = parts
    }

    public var description: String { text }

    /// Whether the pattern matches the absolute path whose components (without the root) are
    /// `components`.
    public func matches(_ components: [String]) -> Bool {
        let path = caseInsensitive ? components.map { $0.lowercased() } : components
        guard !parts.isEmpty else { return anchored && path.isEmpty }
        if anchored { return Self.match(parts[...], path[...]) }
        return path.indices.contains { Self.match(parts[...], path[$0...]) }
    }

    /// Whether `pattern` matches all of `path`.
    private static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            return (path.startIndex...path.endIndex).contains { match(pattern.dropFirst(), path[$0...]) }
        }
        guard let head = path.first, fnmatch(first, head, 0) == 0 else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// Whether every `[` of a glob component has its `]` (an escaped `\[` does not count).
    private static func bracketsClose(_ part: String) -> Bool {
        var chars = Array(part)[...]
        while let c = chars.popFirst() {
            if c == "\\" { _ = chars.popFirst(); continue }
            guard c == "[" else { continue }
            // A `]` right after `[` or `[!` is a member, not the end.
            if chars.first == "!" || chars.first == "^" { chars = chars.dropFirst() }
            if chars.first == "]" { chars = chars.dropFirst() }
            guard let end = chars.firstIndex(of: "]") else { return false }
            chars = chars[chars.index(after: end)...]
        }
        return true
    }
}
