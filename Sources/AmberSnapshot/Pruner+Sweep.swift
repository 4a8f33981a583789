import AmberCore
import AmberRepository
import AmberStorage
import Foundation

extension Pruner {
    /// Phase 2 of a plan: when no lock older than the plan remains, rescue live blobs found only
    /// in planned packs, then delete the plan's index files, its packs, and the plan itself.
    /// Returns false when it must wait for a later prune.
    func sweep(name: String, plan: PrunePlan, lock: RepositoryLock) throws(RepositoryError) -> Bool {
        let horizon = plan.created.addingTimeInterval(options.clockSkewAllowance)
        let blockers = try RepositoryLock.list(repository).filter { other in
            other.name != lock.fileName && !other.isStale && other.created < horizon
        }
        if let first = blockers.first {
            report.deferred.append("plan \(name.prefix(8)) waits for the lock of PID \(first.pid) on \(first.hostname), taken \(RFC3339.format(first.created)), before the plan")
            return false
        }
        // A fresh view where the planned packs are excluded: what survives is what no backup
        // can still be depending on, except blobs of snapshots saved since, rescued here.
        let view = repository.withFreshIndex()
        view.index.exclude(packs: Set(plan.packs))
        let snapshotIDs = try view.listSnapshotIDs()
        try view.loadIndex(excludingPending: false)
        let (used, _) = try view.reachableBlobs(from: snapshotIDs)
        let writer = BlobWriter(repository: view, verifiesSaves: true)
        for id in used.sorted() where view.index.lookup(id) == nil {
            guard let location = view.index.excludedLocation(id) else {
                throw RepositoryError(.missingBlob, "blob \(id.shortHex) that a snapshot needs is in no pack; run check, nothing was deleted")
            }
            let envelope = try RepositoryError.catching { () throws(BackendError) in
                try repository.backend.load(AmberStorage.FileHandle(.data, location.pack.hex), offset: Int(location.entry.offset), length: Int(location.entry.length))
            }
            let plaintext = try view.openBlob(envelope[...], entry: location.entry, pack: location.pack)
            if try writer.copy(location.entry, envelope: envelope, generation: view.index.generation(of: location.pack), plaintext: plaintext) {
                report.blobsRescued += 1
            }
        }
        _ = try writer.finish()

        // Index files first, so no index ever names a pack that is gone; the plan last, so a
        // crash in between only repeats the deletions on the next prune.
        // A pack the plan found in no index may since have been indexed by the backup that was
        // writing it: such a pack stays (the next prune judges it like any other).
        let stillIndexed = try packsIndexedOutside(plan)
        for index in plan.indexFiles { try remove(AmberStorage.FileHandle(.index, index.hex)) }
        let doomed = plan.packs.filter { !stillIndexed.contains($0) }
        for (done, pack) in doomed.enumerated() {
            try remove(AmberStorage.FileHandle(.data, pack.hex))
            options.progress?(PruneProgress(step: .deleting, packsDone: done + 1, packs: doomed.count, bytesDone: 0, bytes: 0))
        }
        try RepositoryError.catching { () throws(BackendError) in try repository.backend.remove(AmberStorage.FileHandle(.plans, name)) }
        report.plansCompleted += 1
        return true
    }

    /// Planned packs that an index file the plan does not delete still names.
    private func packsIndexedOutside(_ plan: PrunePlan) throws(RepositoryError) -> Set<BlobID> {
        let planned = Set(plan.packs)
        let obsolete = Set(plan.indexFiles.map(\.hex))
        let names = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.index) }
        var found = Set<BlobID>()
        for (name, _) in names where !obsolete.contains(name) {
            let file = try IndexFile(decoding: try repository.loadFile(.index, AmberStorage.FileHandle(.index, name)), what: "index file \(name.prefix(8))")
            for (pack, _) in file.packs where planned.contains(pack) { found.insert(pack) }
        }
        return found
    }

    private func remove(_ handle: AmberStorage.FileHandle) throws(RepositoryError) {
        let size = (try? repository.backend.size(handle)) ?? 0
        try RepositoryError.catching { () throws(BackendError) in try repository.backend.remove(handle) }
        report.bytesDeleted += UInt64(size)
    }
}
