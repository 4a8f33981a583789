/// What `amber compact` did, or would do with `--dry-run`.
public struct CompactionReport: Codable, Sendable {
    /// One collection whose layers were compacted.
    public struct Collection: Codable, Sendable {
        /// `ENTRY/COLLECTION`, as `amber snapshots` names it.
        public var name: String
        /// `merge` (the newest runs into one) or `rebase` (a new base, no runs).
        public var action: String
        public var runsBefore: Int
        public var runsAfter: Int

        enum CodingKeys: String, CodingKey {
            case name, action
            case runsBefore = "runs_before"
            case runsAfter = "runs_after"
        }
    }

    /// One snapshot compacted: it is replaced by a snapshot with the same contents and fields,
    /// whose `original` names it.
    public struct Replacement: Codable, Sendable {
        public var original: String
        /// The new snapshot's id; nil in a dry run.
        public var replacement: String?
        public var collections: [Collection]
    }

    /// The snapshots looked at: the latest of each host and source.
    public var snapshotsExamined = 0
    public var replaced: [Replacement] = []
    /// Bytes of repository files written (packs and index files).
    public var addedBytes: UInt64 = 0
    public var dryRun = false

    enum CodingKeys: String, CodingKey {
        case replaced
        case snapshotsExamined = "snapshots_examined"
        case addedBytes = "added_bytes"
        case dryRun = "dry_run"
    }
}
