import AmberCore
import AmberRepository
import AmberStorage
import Foundation

/// Removes what no snapshot needs, in two phases so that backups can run at the same time
/// (`docs/format.md` §Prune).
///
/// Phase 1 (plan): find the blobs the snapshots reach; copy the live blobs of packs that are
/// mostly unused into new packs; write index files for every surviving pack; then save a
/// *prune plan* naming the packs and index files to delete. From then on every reader loads
/// plans before index files and treats blobs found only in planned packs as absent, so a backup
/// that starts later stores its own copies instead of depending on them.
///
/// Phase 2 (sweep), immediately or in a later prune: only when no lock taken before the plan
/// (plus a clock-skew allowance) remains, because such a backup may have deduplicated against
/// planned packs. It re-reads every snapshot, rescues any live blob found only in planned packs
/// (a backup that finished meanwhile), then deletes the index files, the packs and the plan.
///
/// Prune holds a *maintenance* lock: it excludes other prunes, never backups.
public final class Pruner {
    let repository: Repository
    let options: PruneOptions
    var report = PruneReport()

    public init(repository: Repository, options: PruneOptions = PruneOptions()) {
        self.repository = repository
        self.options = options
    }

    /// Runs both phases. Throws `.locked` if another prune is running.
    public func run() throws(RepositoryError) -> PruneReport {
        let lock = try RepositoryLock.acquire(repository, mode: .maintenance, retryingFor: options.lockRetry)
        defer { lock.release() }
        if !options.dryRun { try removeAbandonedTemporaries() }
        // Finish earlier plans first; a plan still waiting blocks a new one.
        var waiting = false
        var damaged = [String]()
        let plans = try repository.loadPrunePlans(damaged: &damaged)
        for name in damaged where !options.dryRun {
            try RepositoryError.catching { () throws(BackendError) in try repository.backend.remove(AmberStorage.FileHandle(.plans, name)) }
            report.damagedPlansRemoved.append(name)
        }
        for (name, plan) in plans where !options.dryRun {
            if try !sweep(name: name, plan: plan, lock: lock) { waiting = true }
        }
        if waiting { return report }
        if let (name, plan) = try makePlan(), !options.dryRun {
            _ = try sweep(name: name, plan: plan, lock: lock)
        }
        return report
    }

    /// Removes what saves killed midway left (``PruneOptions/abandonedTemporaryAge``).
    private func removeAbandonedTemporaries() throws(RepositoryError) {
        let removed = try RepositoryError.catching { () throws(BackendError) in
            try repository.backend.removeAbandonedTemporaries(olderThan: options.abandonedTemporaryAge)
        }
        report.temporaryFilesRemoved += removed.files
        report.bytesDeleted += UInt64(removed.bytes)
    }
}
