import AmberRepository
import AmberSnapshot

/// `amber prune` as users schedule it: first ``SnapshotCompactor`` (so that the runs backups
/// add are merged without anyone running `compact`), then ``Pruner``.
///
/// Compaction needs an exclusive lock while prune needs only a maintenance lock, which lets
/// backups run meanwhile. When another process holds a lock, compaction is *deferred* (named
/// in the report, for a later prune) and the prune goes on, as it would have without it.
public struct Maintenance {
    private let repository: Repository
    private let prune: PruneOptions
    private let compact: Bool

    /// - Parameter compact: false skips compaction (`prune --no-compact`).
    public init(repository: Repository, prune: PruneOptions, compact: Bool = true) {
        self.repository = repository
        self.prune = prune
        self.compact = compact
    }

    /// Compacts (unless told not to, or locked out), then prunes.
    public func run() throws -> MaintenanceReport {
        var report = MaintenanceReport()
        if compact {
            do {
                report.compaction = try SnapshotCompactor(repository: repository, dryRun: prune.dryRun).run()
            } catch let error as RepositoryError where error.code == .locked {
                report.compactionDeferred = "compaction skipped: \(error.message)"
            }
        }
        report.prune = try Pruner(repository: repository, options: prune).run()
        return report
    }
}

/// What ``Maintenance`` did: the prune report, and the compaction's when one ran.
public struct MaintenanceReport: Sendable, Encodable {
    public var compaction: CompactionReport?
    /// Why compaction did not run although asked (another process held a lock).
    public var compactionDeferred: String?
    public var prune = PruneReport()

    /// The prune's members as they always were, plus `compaction` and `compaction_deferred`.
    public func encode(to encoder: any Encoder) throws {
        try prune.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(compaction, forKey: .compaction)
        try container.encodeIfPresent(compactionDeferred, forKey: .compactionDeferred)
    }

    enum CodingKeys: String, CodingKey {
        case compaction
        case compactionDeferred = "compaction_deferred"
    }
}
