import AmberKit

/// The hand-over from `forget --prune` to prune: forget releases its maintenance lock first,
/// because prune takes a maintenance lock of its own (which lets backups run meanwhile).
enum PruneStep {
    static func run(_ repository: Repository, lock: RepositoryLock, dryRun: Bool, compact: Bool, global: GlobalOptions) throws {
        lock.release()
        let report = try Amber.Prune.prune(repository, maxUnused: "5%", dryRun: dryRun, compact: compact,
                                           lockRetry: try global.retryLockSeconds(),
                                           progress: global.json ? .none : global.progressStyle)  // forget's JSON is the output
        if !global.json { Amber.Prune.print(report, global: global, dryRun: dryRun) }
    }
}
