import AmberCore
import AmberRepository
import AmberStorage
import Foundation

/// Phase 1 of a prune: the plan.
extension Pruner {
    /// A pack as the index files describe it, and what of it is still used.
    struct PackInfo {
        var entries: [PackEntry]
        var size: Int
        /// The key generation the index file gives it.
        var generation: UInt16 = 0
        var live: [PackEntry] = []
        var liveBytes = 0
    }

    /// What becomes of the packs: deleted whole, copied out of (live blobs only), or kept.
    struct PackFates {
        var delete: [BlobID]
        var repack = [BlobID]()
        var keep = [BlobID]()
    }

    /// Decides what to delete and what to repack, writes the new packs and index files, and
    /// saves the plan. Returns nil when there is nothing to do (or on a dry run).
    func makePlan() throws(RepositoryError) -> (String, PrunePlan)? {
        let fresh = repository.withFreshIndex()
        let snapshotIDs = try fresh.listSnapshotIDs()
        let (indexNames, indexed) = try readIndexFiles(into: fresh)
        var (packs, unindexed) = try measurePacks(indexed)
        let (used, snapshotCount) = try fresh.reachableBlobs(from: snapshotIDs)
        report.snapshots = snapshotCount
        report.usedBlobs = used.count
        report.packsUnindexed = unindexed.count
        let order = try homeLiveBlobs(used, in: &packs)
        let fates = decideFates(packs, order: order, unindexed: unindexed)
        let duplicateIndex = indexNames.count > 1 && fates.delete.isEmpty && fates.repack.isEmpty
        guard !fates.delete.isEmpty || !fates.repack.isEmpty || duplicateIndex, !options.dryRun else { return nil }
        try copyLiveBlobs(of: fates.repack, packs, into: fresh)
        try writeIndexFiles(for: fates.keep, packs)
        let plan = PrunePlan(created: Date(), indexFiles: indexNames.compactMap { BlobID(hex: $0) }, packs: fates.delete + fates.repack)
        let (name, _) = try repository.saveFile(.prunePlan, kind: .plans, payload: plan.encoded(), verifying: true)
        report.plansWritten += 1
        return (name, plan)
    }

    /// Reads every index file as it is (a blob in several packs must be seen in each) into
    /// `fresh`'s index; returns their names and the packs they describe.
    private func readIndexFiles(into fresh: Repository) throws(RepositoryError) -> ([String], [BlobID: PackInfo]) {
        let indexNames = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.index) }
        var packs = [BlobID: PackInfo]()
        for (name, _) in indexNames {
            let file: IndexFile
            do {
                file = try IndexFile(decoding: try repository.loadFile(.index, AmberStorage.FileHandle(.index, name)), what: "index file \(name.prefix(8))")
            } catch where error.code == .damaged {
                // Prune decides what to delete from the index: it does not guess past a damaged one.
                throw RepositoryError(.damaged, "\(error.message); run `amber repair index` before pruning")
            }
            fresh.index.add(file, name: name)
            for (pack, entries) in file.packs where packs[pack] == nil {
                packs[pack] = PackInfo(entries: entries, size: 0, generation: file.generations[pack] ?? 0)
            }
        }
        return (indexNames.map(\.name), packs)
    }

    /// The indexed packs with their sizes as listed, and the listed packs no index names.
    private func measurePacks(_ indexed: [BlobID: PackInfo]) throws(RepositoryError) -> ([BlobID: PackInfo], [BlobID]) {
        var packs = indexed
        let listed = try RepositoryError.catching { () throws(BackendError) in try repository.backend.list(.data) }
        var unindexed = [BlobID]()
        for (name, size) in listed {
            guard let id = BlobID(hex: name) else { continue }
            if packs[id] != nil { packs[id]!.size = size } else { unindexed.append(id) }
            report.bytesBefore += UInt64(size)
        }
        report.packsTotal = listed.count
        return (packs, unindexed)
    }

    /// Gives each live blob one home, preferring packs that are most used, so duplicates go.
    /// Returns the packs in that order. Throws `.missingBlob` when a used blob has no pack.
    private func homeLiveBlobs(_ used: Set<BlobID>, in packs: inout [BlobID: PackInfo]) throws(RepositoryError) -> [BlobID] {
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
        return order
    }

    /// Which packs to delete, repack and keep, counting what is unused.
    private func decideFates(_ packs: [BlobID: PackInfo], order: [BlobID], unindexed: [BlobID]) -> PackFates {
        var fates = PackFates(delete: unindexed)
        for id in order {
            let p = packs[id]!
            let total = p.entries.reduce(0) { $0 + Int($1.length) }
            report.unusedBlobs += p.entries.count - p.live.count
            report.bytesUnused += UInt64(total - p.liveBytes)
            if p.size == 0 {
                continue  // indexed but missing: check reports it; nothing to delete or copy
            } else if p.live.isEmpty {
                fates.delete.append(id)
            } else if Double(total - p.liveBytes) * 100 > options.maxUnusedPercent * Double(total)
                        || options.repacksOtherGenerations && p.generation != repository.currentGeneration {
                fates.repack.append(id)
            } else {
                fates.keep.append(id)
            }
        }
        report.packsUnused = fates.delete.count - unindexed.count
        report.packsRepacked = fates.repack.count
        report.packsKept = fates.keep.count
        return fates
    }

    /// Copies the live blobs out of the packs being repacked, verifying each as it goes.
    private func copyLiveBlobs(of repack: [BlobID], _ packs: [BlobID: PackInfo], into fresh: Repository) throws(RepositoryError) {
        let writer = BlobWriter(repository: fresh, verifiesSaves: true)
        let total = repack.reduce(0) { $0 + packs[$1]!.size }
        var done = 0, bytesDone = 0
        options.progress?(PruneProgress(step: .repacking, packsDone: 0, packs: repack.count, bytesDone: 0, bytes: total))
        for id in repack {
            defer {
                done += 1
                bytesDone += packs[id]!.size
                options.progress?(PruneProgress(step: .repacking, packsDone: done, packs: repack.count, bytesDone: bytesDone, bytes: total))
            }
            let bytes = try RepositoryError.catching { () throws(BackendError) in try repository.backend.load(AmberStorage.FileHandle(.data, id.hex)) }
            for e in packs[id]!.live {
                let envelope = Array(bytes[Int(e.offset)..<Int(e.offset + e.length)])
                let plaintext = try fresh.openBlob(envelope[...], entry: e, pack: id)
                if try writer.copy(e, envelope: envelope, generation: fresh.index.generation(of: id), plaintext: plaintext) {
                    report.blobsCopied += 1
                }
            }
        }
        _ = try writer.finish()
    }

    /// Index files for every surviving pack, before the plan: until the plan exists, the old
    /// index files still name everything, so a crash here only leaves duplicates.
    private func writeIndexFiles(for keep: [BlobID], _ packs: [BlobID: PackInfo]) throws(RepositoryError) {
        var batch = [(pack: BlobID, entries: [PackEntry])]()
        var batchEntries = 0
        var generations = [BlobID: UInt16]()
        for id in keep {
            batch.append((id, packs[id]!.entries))
            if packs[id]!.generation != 0 { generations[id] = packs[id]!.generation }
            batchEntries += packs[id]!.entries.count
            if batchEntries >= 100_000 {
                // Read back, as every file prune writes: prune deletes what they replace.
                _ = try repository.saveFile(.index, kind: .index, payload: IndexFile(packs: batch, generations: generations).encoded(), verifying: true)
                batch = []
                generations = [:]
                batchEntries = 0
            }
        }
        if !batch.isEmpty {
            _ = try repository.saveFile(.index, kind: .index, payload: IndexFile(packs: batch, generations: generations).encoded(), verifying: true)
        }
    }
}
