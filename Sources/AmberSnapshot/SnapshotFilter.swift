import AmberCore
import AmberRepository
import AmberStorage
import Foundation

/// Which snapshots a command considers, as restic's `--host`, `--tag` and `--path` select them:
/// a snapshot matches when its host is one of `hosts`, it has every tag of one of `tagSets`
/// (`--tag a,b` needs both; two `--tag` options either), and it names every path of `paths`
/// among its sources. An empty list does not restrict. `latest` is the newest match.
public struct SnapshotFilter: Sendable {
    public var hosts: [String]
    public var tagSets: [[String]]
    public var paths: [String]
    /// Only snapshots taken at or before this moment (`--at`: `latest` is then the snapshot a
    /// restore to that point in time wants).
    public var at: Date?

    public init(hosts: [String] = [], tagSets: [[String]] = [], paths: [String] = [], at: Date? = nil) {
        self.hosts = hosts
        self.tagSets = tagSets
        self.paths = paths
        self.at = at
    }

    /// `--tag` values as restic reads them: each a comma-separated set (``tagSet(_:)``).
    public init(hosts: [String], tags: [String], paths: [String], at: Date? = nil) {
        self.init(hosts: hosts, tagSets: tags.map(Self.tagSet), paths: paths, at: at)
    }

    /// The tags of one `--tag` (or `--keep-tag`) value: comma-separated, each trimmed; `''` is the
    /// empty tag, which ``Snapshot/hasTags(_:)`` matches against snapshots without tags.
    public static func tagSet(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    public var isEmpty: Bool { hosts.isEmpty && tagSets.isEmpty && paths.isEmpty && at == nil }

    public func matches(_ snapshot: Snapshot) -> Bool {
        (at.map { at in RFC3339.parse(snapshot.time).map { $0 <= at } ?? false } ?? true)
            && (hosts.isEmpty || hosts.contains(snapshot.host))
            && (tagSets.isEmpty || tagSets.contains(where: snapshot.hasTags))
            && paths.allSatisfy { path in snapshot.sources.contains { Self.samePath($0, path) } }
    }

    /// Equal as given, or once a trailing `/` is dropped.
    private static func samePath(_ a: String, _ b: String) -> Bool {
        func clean(_ p: String) -> Substring { var s = Substring(p); while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }; return s }
        return clean(a) == clean(b)
    }
}

extension Repository {
    /// The snapshot `reference` names (an id prefix, or `latest`: the newest that `filter`
    /// matches). The filter applies to `latest` only, as in restic.
    public func findSnapshot(_ reference: String, filter: SnapshotFilter) throws(RepositoryError) -> SnapshotRecord {
        guard reference == "latest", !filter.isEmpty else { return try findSnapshot(reference) }
        guard let last = try readableSnapshots().last(where: { filter.matches($0.snapshot) }) else {
            throw RepositoryError(.invalidArgument, "no snapshot matches the --host/--tag/--path/--at given")
        }
        return last
    }
}
