/// How `prune` decides and what it did.
public struct PruneOptions: Sendable {
    /// A pack whose unused share (of its bytes) exceeds this percentage is repacked.
    public var maxUnusedPercent: Double = 5
    /// Decide and report, but write and delete nothing.
    public var dryRun = false
    /// Locks taken up to this long after a plan was written still block its deletion phase
    /// (allowance for clocks that disagree between hosts).
    public var clockSkewAllowance: Double = 60
    /// Temporary files of saves (`.tmp-*`, left by a process killed while saving) last modified
    /// longer ago than this are removed: one hour, far longer than any save takes.
    public var abandonedTemporaryAge: Double = 3600
    /// Seconds to keep trying for the maintenance lock while another process holds a conflicting
    /// one (`--retry-lock`).
    public var lockRetry: Double = 0
    /// Repack every pack sealed under a key generation other than the current one, however
    /// used (`amber key retire`: its blobs are sealed anew under the current generation).
    public var repacksOtherGenerations = false
    /// Told how far the long steps are: packs repacked (and their bytes read) while the plan is
    /// made, then packs deleted; each step starts again from zero with its own totals.
    public var progress: (@Sendable (PruneProgress) -> Void)?

    public init(maxUnusedPercent: Double = 5, dryRun: Bool = false) {
        self.maxUnusedPercent = maxUnusedPercent
        self.dryRun = dryRun
    }
}

/// What a prune found and did.
public struct PruneReport: Sendable, Codable {
    public var snapshots = 0
    public var usedBlobs = 0
    public var unusedBlobs = 0
    public var packsTotal = 0
    public var packsKept = 0
    public var packsRepacked = 0
    public var packsUnused = 0
    /// Packs in no index (left by interrupted backups): deleted with the plan.
    public var packsUnindexed = 0
    public var blobsCopied = 0
    /// Live blobs saved from packs awaiting deletion (a backup that ran meanwhile used them).
    public var blobsRescued = 0
    public var bytesBefore: UInt64 = 0
    public var bytesUnused: UInt64 = 0
    /// Bytes of files deleted by this run.
    public var bytesDeleted: UInt64 = 0
    public var plansWritten = 0
    public var plansCompleted = 0
    /// Temporary files left by interrupted saves, removed (their bytes count in ``bytesDeleted``).
    public var temporaryFilesRemoved = 0
    /// Why a plan's deletion phase waits for a later prune (a lock older than the plan).
    public var deferred: [String] = []
    /// Prune plans that could not be read (torn by a crash), removed: they held no data.
    public var damagedPlansRemoved: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case snapshots, deferred
        case usedBlobs = "used_blobs", unusedBlobs = "unused_blobs", packsTotal = "packs_total", packsKept = "packs_kept"
        case packsRepacked = "packs_repacked", packsUnused = "packs_unused", packsUnindexed = "packs_unindexed"
        case blobsCopied = "blobs_copied", blobsRescued = "blobs_rescued", bytesBefore = "bytes_before"
        case bytesUnused = "bytes_unused", bytesDeleted = "bytes_deleted", plansWritten = "plans_written"
        case plansCompleted = "plans_completed", temporaryFilesRemoved = "temporary_files_removed"
        case damagedPlansRemoved = "damaged_plans_removed"
    }
}

/// How far a prune's long step is (``PruneOptions/progress``).
public struct PruneProgress: Sendable {
    public enum Step: String, Sendable { case repacking, deleting }
    public var step: Step
    public var packsDone: Int
    public var packs: Int
    /// Bytes of the packs repacked so far, and of all those to repack (0 while deleting).
    public var bytesDone: Int
    public var bytes: Int
}
