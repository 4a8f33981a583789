import AmberCore
import Foundation

/// What `forget` groups snapshots by before applying a policy (restic's `--group-by`).
public struct SnapshotGrouping: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let host = SnapshotGrouping(rawValue: 1)
    /// The sources (restic's paths), sorted.
    public static let sources = SnapshotGrouping(rawValue: 2)
    /// The tags, sorted.
    public static let tags = SnapshotGrouping(rawValue: 4)
    /// restic's default, `host,paths`.
    public static let hostAndSources: SnapshotGrouping = [.host, .sources]

    /// Parses restic's spelling: `host,paths,tags` in any combination (`sources` for `paths` too);
    /// the empty string for no grouping. Nil for an unknown word.
    public init?(parsing text: String) {
        var result = SnapshotGrouping()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            switch word {
            case "host": result.insert(.host)
            case "paths", "path", "sources": result.insert(.sources)
            case "tags", "tag": result.insert(.tags)
            default: return nil
            }
        }
        self = result
    }
}

/// The key of one group: the fields grouped by, nil for those not grouped by.
public struct SnapshotGroupKey: Sendable, Hashable, Comparable {
    public let host: String?
    /// Sorted.
    public let sources: [String]?
    /// Sorted.
    public let tags: [String]?

    public init(_ snapshot: Snapshot, by grouping: SnapshotGrouping) {
        host = grouping.contains(.host) ? snapshot.host : nil
        sources = grouping.contains(.sources) ? snapshot.sources.sorted() : nil
        tags = grouping.contains(.tags) ? snapshot.tags.sorted() : nil
    }

    public static func < (a: SnapshotGroupKey, b: SnapshotGroupKey) -> Bool {
        func text(_ k: SnapshotGroupKey) -> [String] {
            [k.host ?? "", (k.sources ?? []).joined(separator: "\u{0}"), (k.tags ?? []).joined(separator: "\u{0}")]
        }
        return text(a).lexicographicallyPrecedes(text(b))
    }

    /// `host [h], paths [/a, /b]`, as restic heads a group.
    public var description: String {
        var parts = [String]()
        if let host { parts.append("host [\(host)]") }
        if let tags { parts.append("tags [\(tags.joined(separator: ", "))]") }
        if let sources { parts.append("paths [\(sources.joined(separator: ", "))]") }
        return parts.joined(separator: ", ")
    }

    /// The snapshots split into groups, ordered by key; members keep their order.
    public static func group(_ records: [SnapshotRecord], by grouping: SnapshotGrouping)
        -> [(key: SnapshotGroupKey, members: [SnapshotRecord])] {
        Dictionary(grouping: records) { SnapshotGroupKey($0.snapshot, by: grouping) }
            .map { (key: $0.key, members: $0.value) }
            .sorted { $0.key < $1.key }
    }
}

extension Snapshot {
    /// Whether the snapshot has every tag in `tags` (restic's `HasTags`: an empty list matches
    /// every snapshot, and the empty tag matches a snapshot without tags).
    public func hasTags(_ tags: [String]) -> Bool {
        for tag in tags {
            if tag.isEmpty && self.tags.isEmpty { return true }
            if !self.tags.contains(tag) { return false }
        }
        return true
    }
}

extension SnapshotRecord {
    /// A record for a snapshot and its id (as `listSnapshots` returns them), for callers outside
    /// this module (the memberwise initialiser is internal).
    public init(snapshotID id: BlobID, snapshot: Snapshot) {
        self.id = id
        self.snapshot = snapshot
    }
}
