import AmberCore
import AmberStorage

/// `amber repair packs ID…` (restic's `repair packs`): salvages what can still be read from
/// damaged packs, then removes them.
///
/// Every blob a damaged pack holds (by the index, and by its own header when that still opens)
/// is read from the pack and verified; each whole one that no other pack holds is copied, sealed
/// as it is, into a new pack (read back before anything is removed). Then the index files that
/// name a damaged pack are written anew without it (the new file saved before the old one goes),
/// and only then are the damaged packs removed: a crash at any instant leaves every salvaged blob
/// indexed, and no index naming a missing pack for longer than a repair. The blobs that could not
/// be salvaged are lost: `repair snapshots` then writes the snapshots that used them anew without
/// them. Needs the exclusive lock.
public struct PackRepair {
    /// What became of one damaged pack.
    public struct PackOutcome: Sendable, Encodable {
        public var pack: String
        /// Blobs copied into new packs.
        public var salvaged = 0
        /// Blobs that were whole but are held by another pack too (nothing to copy).
        public var elsewhere = 0
        /// Blobs that could not be read whole and are held nowhere else: lost.
        public var lost: [String] = []
        /// Why the pack could not be read at all, if it could not.
        public var unreadable: String?
    }

    /// What a repair did.
    public struct Report: Sendable, Encodable {
        public var packs: [PackOutcome] = []
        /// Index files written anew without the damaged packs.
        public var rewrittenIndexFiles = 0

        /// Every blob lost, over all packs.
        public var lostBlobs: Int { packs.reduce(0) { $0 + $1.lost.count } }
    }

    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// The packs in `data/` whose names are `references` or begin with them (each unique).
    public func resolve(_ references: [String]) throws(RepositoryError) -> [BlobID] {
        var packs = [BlobID]()
        for pack in try repository.fileIDs(matching: references, in: .data, noun: "pack") where !packs.contains(pack) { packs.append(pack) }
        return packs
    }

    /// Salvages and removes `packs`.
    public func run(_ packs: [BlobID]) throws(RepositoryError) -> Report {
        try repository.loadIndex()
        var report = Report()
        let writer = BlobWriter(repository: repository, verifiesSaves: true)
        let damaged = Set(packs)
        for pack in packs { report.packs.append(try salvage(pack, into: writer, avoiding: damaged)) }
        _ = try writer.finish()
        report.rewrittenIndexFiles = try rewriteIndexFiles(without: damaged)
        for pack in packs {
            try storage { () throws(BackendError) in try repository.backend.remove(FileHandle(.data, pack.hex)) }
        }
        return report
    }

    /// Copies the whole blobs of `pack` that no pack outside `damaged` holds into `writer`.
    private func salvage(_ pack: BlobID, into writer: BlobWriter, avoiding damaged: Set<BlobID>) throws(RepositoryError) -> PackOutcome {
        var outcome = PackOutcome(pack: pack.hex)
        var entries = repository.index.allBlobs.values.filter { $0.pack == pack }.map(\.entry)
        let bytes: [UInt8]
        do {
            bytes = try storage { () throws(BackendError) in try repository.backend.load(FileHandle(.data, pack.hex)) }
        } catch {
            outcome.unreadable = error.message
            outcome.lost = entries.filter { !heldElsewhere($0.id, avoiding: damaged) }.map(\.id.hex)
            return outcome
        }
        // The header may list blobs no index file still names (a damaged index file's).
        let known = Set(entries.map(\.id))
        entries += ((try? repository.packHeader(pack, bytes: bytes)) ?? []).filter { !known.contains($0.id) }
        for entry in entries.sorted(by: { $0.offset < $1.offset }) {
            if heldElsewhere(entry.id, avoiding: damaged) {
                outcome.elsewhere += 1
                continue
            }
            let end = Int(entry.offset) + Int(entry.length)
            guard end <= bytes.count, let plaintext = try? repository.openBlob(bytes[Int(entry.offset)..<end], entry: entry, pack: pack) else {
                outcome.lost.append(entry.id.hex)
                continue
            }
            if try writer.copy(entry, envelope: Array(bytes[Int(entry.offset)..<end]), generation: repository.index.generation(of: pack),
                               plaintext: plaintext) {
                outcome.salvaged += 1
            }
        }
        return outcome
    }

    /// Whether a pack outside `damaged` holds the blob (by the index).
    private func heldElsewhere(_ id: BlobID, avoiding damaged: Set<BlobID>) -> Bool {
        guard let location = repository.index.lookup(id) else { return false }
        return !damaged.contains(location.pack)
    }

    /// Writes every index file that names a pack of `damaged` anew without it, then removes the
    /// old file. Returns the number rewritten. A damaged index file is left to `repair index`.
    private func rewriteIndexFiles(without damaged: Set<BlobID>) throws(RepositoryError) -> Int {
        let names = try storage { () throws(BackendError) in try repository.backend.list(.index) }.map(\.name)
        var rewritten = 0
        for name in names {
            guard let file = try? IndexFile(decoding: try repository.loadFile(.index, FileHandle(.index, name)), what: "index file"),
                  file.packs.contains(where: { damaged.contains($0.pack) }) else { continue }
            let kept = file.packs.filter { !damaged.contains($0.pack) }
            if !kept.isEmpty {
                let rewritten = IndexFile(packs: kept, generations: file.generations)
                _ = try repository.saveFile(.index, kind: .index, payload: rewritten.encoded(), verifying: true)
            }
            try storage { () throws(BackendError) in try repository.backend.remove(FileHandle(.index, name)) }
            rewritten += 1
        }
        return rewritten
    }
}
