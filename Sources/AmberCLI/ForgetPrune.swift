import AmberKit

/// The hand-over from `forget --prune` to prune.
///
/// Prune is being written separately. Until a `Pruner` exists in AmberKit, `--prune` fails up
/// front, before anything is forgotten. To wire it up: make ``isAvailable`` true and call the
/// pruner in ``run(_:lock:dryRun:)`` (the PRUNE CALL SITE in `Forget.swift` calls it under
/// forget's exclusive lock, after the snapshot files are removed).
enum PruneStep {
    static let isAvailable = false

    static func ensureAvailable() throws {
        guard isAvailable else {
            throw CLIError.usage("--prune: prune is not available yet (nothing was removed; run forget without --prune)")
        }
    }

    static func run(_ repository: Repository, lock: RepositoryLock, dryRun: Bool) throws {
        try ensureAvailable()
        // PRUNE CALL SITE: e.g. `try Pruner(repository: repository, lock: lock).run(dryRun: dryRun)`.
    }
}
