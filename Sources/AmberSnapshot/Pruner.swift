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
        let lock = try RepositoryLock.acquire(repository, mode: .maintenance)
        defer { lock.release() }
        // Finish earlier plans first; a plan still waiting blocks a new one.
        var waiting = false
        for (name, plan) in try repository.loadPrunePlans() where !options.dryRun {
            if try !sweep(name: name, plan: plan, lock: lock) { waiting = true }
        }
        if waiting { return report }
        if let (name, plan) = try makePlan(), !options.dryRun {
            _ = try sweep(name: name, plan: plan, lock: lock)
        }
        return report
    }

    // MARK: Phase 1

    private struct PackInfo {
        var entries: [PackEntry]
        var size: Int
        var live: [PackEntry] = []
        var liveBytes = 0
    }

    /// Decides what to delete and what to repack, writes the new packs and index files, and
    /// saves the plan. Returns nil when there is nothing to do (or on a dry run).
    private func makePlan() throws(RepositoryError) -> (String, PrunePlan)? {
        let fresh = repository.withFreshIndex()
        let snapshotIDs = try fresh.listSnapshotIDs()
        // Read every index file as it is: a blob in several packs must be seen in each.
        let indexNames = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.index) }
        var packs = [BlobID: PackInfo]()
        for (name, _) in indexNames {
            let file = try IndexFile(decoding: try repository.loadFile(.index, AmberStorage.FileHandle(.index, name)), what: "index file \(name.prefix(8))")
            fresh.index.add(file, name: name)
            for (pack, entries) in file.packs where packs[pack] == nil {
                packs[pack] = PackInfo(entries: entries, size: 0)
            }
        }
        let listed = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.data) }
        var unindexed = [BlobID]()
        for (name, size) in listed {
            guard let id = BlobID(hex: name) else { continue }
            if packs[id] != nil { packs[id]!.size = size } else { unindexed.append(id) }
            report.bytesBefore += UInt64(size)
        }
        let (used, snapshotCount) = try fresh.reachableBlobs(from: snapshotIDs)
        report.snapshots = snapshotCount
        report.usedBlobs = used.count
        report.packsTotal = listed.count
        report.packsUnindexed = unindexed.count

        // Give each live blob one home, preferring packs that are most used, so duplicates go.
        var homed = Set<BlobID>()
        let order = packs.keys.sorted { a, b in
            let ua = packs[a]!.entries.filter { used.contains($0.id) }.count * 1_000 / max(1, packs[a]!.entries.count)
            let ub = packs[b]!.entries.filter { used.contains($0.id) }.count * 1_000 / max(1, packs[b]!.entries.count)
            return ua != ub ? ua > ub : a < b
        }
        for id in order {
            for e in packs[id]!.entries where used.contains(e.id) && homed.insert(e.id).inserted {
                packs[id]!.live.append(e)
                packs[id]!.liveBytes += Int(e.length)
            }
        }
        let missing = used.subtracting(homed)
        guard missing.isEmpty else {
            throw RepositoryError(.missingBlob, "\(missing.count) blobs the snapshots need are in no pack (for example \(missing.first!.shortHex)); run check, nothing was deleted")
        }

        var delete = unindexed, repack = [BlobID](), keep = [BlobID]()
        for id in order {
            let p = packs[id]!
            let total = p.entries.reduce(0) { $0 + Int($1.length) }
            report.unusedBlobs += p.entries.count - p.live.count
            report.bytesUnused += UInt64(total - p.liveBytes)
            if p.size == 0 {
                continue  // indexed but missing: check reports it; nothing to delete or copy
            } else if p.live.isEmpty {
                delete.append(id)
            } else if Double(total - p.liveBytes) * 100 > options.maxUnusedPercent * Double(total) {
                repack.append(id)
            } else {
                keep.append(id)
            }
        }
        report.packsUnused = delete.count - unindexed.count
        report.packsRepacked = repack.count
        report.packsKept = keep.count
        let duplicateIndex = indexNames.count > 1 && delete.isEmpty && repack.isEmpty
        guard !delete.isEmpty || !repack.isEmpty || duplicateIndex, !options.dryRun else { return nil }

        // Copy live blobs out of the packs being repacked (verifying each as it goes).
        let writer = BlobWriter(repository: fresh)
        for id in repack {
            let bytes = try RepositoryError.catching { () throws(BackendError) in try repository.backend.load(AmberStorage.FileHandle(.data, id.hex)) }
            for e in packs[id]!.live {
                let envelope = Array(bytes[Int(e.offset)..<Int(e.offset + e.length)])
                _ = try fresh.openBlob(envelope[...], entry: e, pack: id)
                if try writer.copy(e, envelope: envelope) { report.blobsCopied += 1 }
            }
        }
        _ = try writer.finish()
        // Index files for every surviving pack, then the plan: until the plan exists, the old
        // index files still name everything, so a crash here only leaves duplicates.
        var batch = [(pack: BlobID, entries: [PackEntry])]()
        var batchEntries = 0
        for id in keep {
            batch.append((id, packs[id]!.entries))
            batchEntries += packs[id]!.entries.count
            if batchEntries >= 100_000 {
                _ = try repository.saveFile(.index, kind: .index, payload: IndexFile(packs: batch).encoded())
                batch = []
                batchEntries = 0
            }
        }
        if !batch.isEmpty { _ = try repository.saveFile(.index, kind: .index, payload: IndexFile(packs: batch).encoded()) }
        let plan = PrunePlan(created: Date(), indexFiles: indexNames.compactMap { BlobID(hex: $0.name) }, packs: delete + repack)
        let (name, _) = try repository.saveFile(.prunePlan, kind: .plans, payload: plan.encoded())
        report.plansWritten += 1
        return (name, plan)
    }
}
