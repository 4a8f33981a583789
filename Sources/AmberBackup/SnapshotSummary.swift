import AmberSnapshot

/// One snapshot as `snapshots --json` and the web UI's `/api/snapshots` show it.
public struct SnapshotSummary: Encodable, Sendable {
    public let id: String
    public let shortID: String
    public let time: String
    public let host: String
    public let username: String
    public let tags: [String]
    public let sources: [String]
    public let tree: String
    /// The snapshot whose collections this one's backup built on (as restic's `parent`), if any.
    public let parent: String?
    /// The snapshot this one replaced (`amber compact`), if any.
    public let original: String?
    public let program: String
    public let stats: Snapshot.Statistics
    public let collections: [Snapshot.CollectionSummary]?

    public init(_ record: SnapshotRecord) {
        id = record.id.hex
        shortID = record.id.shortHex
        time = record.snapshot.time
        host = record.snapshot.host
        username = record.snapshot.username
        tags = record.snapshot.tags
        sources = record.snapshot.sources
        tree = record.snapshot.tree
        parent = record.snapshot.parent
        original = record.snapshot.original
        program = record.snapshot.program
        stats = record.snapshot.stats
        collections = record.snapshot.collections
    }

    enum CodingKeys: String, CodingKey {
        case id, shortID = "short_id", time, host, username, tags, sources, tree, parent, original, program, stats, collections
    }
}
