import AmberCore
import AmberStorage

/// `amber repair index` (restic's `repair index`): rebuilds the index from the packs themselves.
///
/// Every index file is read; the damaged ones are noted. Every pack in `data/` that no readable
/// index file describes (the damaged files' packs, and packs an interrupted backup left) is read
/// from its own header and written into new index files; then the damaged index files are
/// removed. Packs a pending prune plan will delete are left out. The new files are saved before
/// anything is removed, so a crash at any instant leaves every pack indexed or recoverable.
/// Needs the exclusive lock.
public struct IndexRepair {
    /// What a repair did.
    public struct Report: Sendable, Encodable {
        /// Damaged index files removed.
        public var removedIndexFiles: [String] = []
        /// Packs written into new index files from their headers.
        public var indexedPacks = 0
        /// New index files written.
        public var newIndexFiles = 0
        /// Packs whose header could not be read (their blobs stay unindexed; `check --read-data`
        /// names what they held).
        public var unreadablePacks: [String] = []

        enum CodingKeys: String, CodingKey {
            case removedIndexFiles = "removed_index_files", indexedPacks = "indexed_packs", newIndexFiles = "new_index_files"
            case unreadablePacks = "unreadable_packs"
        }
    }

    let repository: Repository
    /// Entries an index file holds at most (the cadence of ``BlobWriter``).
    let entriesPerFile = 100_000

    public init(repository: Repository) {
        self.repository = repository
    }

    public func run() throws(RepositoryError) -> Report {
        // Loading the index notes the damaged files and reads their packs from their headers;
        // then the packs of interrupted backups, which no index file ever named.
        try repository.loadIndex()
        _ = try repository.indexPacksLeftUnindexed()
        let damaged = repository.indexDamage.indexFiles, recovered = repository.indexDamage.recovered
        var report = Report()
        report.unreadablePacks = repository.indexDamage.unreadablePacks
        var batch = [(pack: BlobID, entries: [PackEntry])](), entries = 0
        for pack in recovered {
            batch.append(pack)
            entries += pack.entries.count
            if entries >= entriesPerFile {
                try save(batch, &report)
                batch = []
                entries = 0
            }
        }
        if !batch.isEmpty { try save(batch, &report) }
        report.indexedPacks = recovered.count
        for name in damaged {
            try storage { () throws(BackendError) in try repository.backend.remove(FileHandle(.index, name)) }
            report.removedIndexFiles.append(name)
        }
        return report
    }

    private func save(_ packs: [(pack: BlobID, entries: [PackEntry])], _ report: inout Report) throws(RepositoryError) {
        let file = IndexFile(packs: packs, generations: repository.index.generations(of: packs.map(\.pack)))
        _ = try repository.saveFile(.index, kind: .index, payload: file.encoded())
        report.newIndexFiles += 1
    }
}
