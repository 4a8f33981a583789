import AmberStorage

extension RepositoryLock {
    /// Removes lock files left by processes that no longer hold them, as `restic unlock` does.
    ///
    /// Without `all`, only stale locks go (``isStale(_:)``: not refreshed for ``staleAfter``, or
    /// taken on this host by a process that no longer exists); a lock file that cannot be read
    /// stays, since nothing shows whose it is. With `all`, every lock file goes, readable or not,
    /// including those of processes still running: use it only when no other amber process uses
    /// the repository.
    ///
    /// - Returns: the names of the lock files removed, sorted.
    public static func removeStale(_ repository: Repository, all: Bool) throws(RepositoryError) -> [String] {
        let names: [String]
        if all {
            names = try storage { () throws(BackendError) in try repository.backend.list(.locks) }.map(\.name)
        } else {
            names = try list(repository).filter(\.isStale).map(\.name)
        }
        var removed = [String]()
        for name in names {
            do {
                try repository.backend.remove(FileHandle(.locks, name))
                removed.append(name)
            } catch where error.code == .notFound {
                continue  // released by its holder meanwhile
            } catch {
                throw RepositoryError.storage(error)
            }
        }
        return removed.sorted()
    }
}
