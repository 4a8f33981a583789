/// Something of a snapshot that a restore into another engine cannot reproduce.
public struct CrossEngineIssue: Sendable, Hashable, CustomStringConvertible {
    /// How the issue affects a restore.
    public enum Kind: String, Sendable, Hashable {
        /// Structure the target cannot express (a view, a trigger, an expression index, a check
        /// constraint, a default in the other dialect): an error, unless `--skip-unmappable`
        /// leaves it out with a warning.
        case structure
        /// A row value that does not fit its column in the target: always an error.
        case value
        /// Names that cannot coexist or be written in the target: always an error.
        case name
    }

    public let kind: Kind
    /// The table (the snapshot's collection name), or the object's name for views and triggers.
    public let table: String
    /// The row's key, for value issues.
    public let key: String?
    /// The column, if the issue is about one.
    public let column: String?
    /// What cannot be mapped and why.
    public let reason: String

    public init(_ kind: Kind, table: String, key: String? = nil, column: String? = nil, _ reason: String) {
        self.kind = kind
        self.table = table
        self.key = key
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var place = "table \(table)"
        if let key { place += " key \(key)" }
        if let column { place += " column \(column)" }
        return "\(place): \(reason)"
    }
}

/// A restore into another engine refused before anything was written: every issue found (up to
/// a limit), with the total count.
public struct CrossEngineError: Error, Sendable, CustomStringConvertible {
    /// The source engine and the target engine, e.g. `"SQLite"`, `"PostgreSQL"`.
    public let from: String
    public let to: String
    public let issues: [CrossEngineIssue]
    /// All issues found; ``issues`` holds at most ``CrossEngineError/limit`` of them.
    public let total: Int

    /// How many issues an error lists.
    public static let limit = 50

    public init(from: String, to: String, issues: [CrossEngineIssue], total: Int? = nil) {
        self.from = from
        self.to = to
        self.issues = Array(issues.prefix(Self.limit))
        self.total = total ?? issues.count
    }

    public var description: String {
        var lines = ["cannot restore this \(from) snapshot into \(to): \(total) unmappable item\(total == 1 ? "" : "s"); nothing was written"]
        lines += issues.map { "  \($0)" }
        if total > issues.count { lines.append("  … and \(total - issues.count) more") }
        if issues.allSatisfy({ $0.kind == .structure }) {
            lines.append("use --skip-unmappable to restore the tables and rows without these (see docs/cross-engine.md)")
        }
        return lines.joined(separator: "\n")
    }
}
