import AmberCore
import AmberRepository

/// `amber stats` (restic's `stats`, with its modes): how much the selected snapshots hold.
public struct RepositoryStatistics: Sendable, Encodable {
    /// What is counted.
    public enum Mode: String, Sendable, CaseIterable {
        /// The size of a restore of each snapshot, added up (files and documents, as recorded).
        case restoreSize = "restore-size"
        /// Each distinct file content once (by its chunk list), across the snapshots.
        case filesByContents = "files-by-contents"
        /// The blobs the snapshots reach, each once: what the repository stores for them, and
        /// before compression.
        case rawData = "raw-data"
    }

    public var mode: String
    public var snapshotsCount = 0
    /// restore-size and files-by-contents: bytes of files and documents.
    public var totalSize: UInt64 = 0
    /// restore-size and files-by-contents: files and documents.
    public var totalFileCount: UInt64?
    /// raw-data: blobs reached, their plaintext bytes, and the compression that saves.
    public var totalBlobCount: Int?
    public var totalUncompressedSize: UInt64?
    public var compressionRatio: Double?
    public var compressionSpaceSaving: Double?
    /// Each snapshot counted, oldest first: its size, what its backup added to the repository,
    /// and its collections' sizes (any mode).
    public var snapshots: [SnapshotFigures] = []

    /// One snapshot's figures, as its backup recorded them.
    public struct SnapshotFigures: Sendable, Encodable {
        public var id: String
        public var time: String
        public var host: String
        /// What a restore of it gives (files and documents).
        public var bytes: UInt64
        /// What its backup added to the repository (stored bytes of new blobs).
        public var addedBytes: UInt64
        public var collections: [Snapshot.CollectionSummary]?

        enum CodingKeys: String, CodingKey { case id, time, host, bytes, addedBytes = "added_bytes", collections }
    }

    /// raw-data: what restoring every snapshot gives (their restore sizes added up) over the
    /// unique data before compression: what deduplication saves.
    public var deduplicationRatio: Double?

    enum CodingKeys: String, CodingKey {
        case mode, snapshotsCount = "snapshots_count", totalSize = "total_size", totalFileCount = "total_file_count"
        case totalBlobCount = "total_blob_count", totalUncompressedSize = "total_uncompressed_size"
        case compressionRatio = "compression_ratio", compressionSpaceSaving = "compression_space_saving"
        case deduplicationRatio = "deduplication_ratio", snapshots
    }

    /// Counts `snapshots` in `mode`; the index must be loaded for files-by-contents and raw-data.
    public init(_ repository: Repository, snapshots: [SnapshotRecord], mode: Mode) throws {
        self.mode = mode.rawValue
        snapshotsCount = snapshots.count
        self.snapshots = snapshots.sorted { $0.snapshot.date < $1.snapshot.date }.map { record in
            SnapshotFigures(id: record.id.hex, time: record.snapshot.time, host: record.snapshot.host, bytes: record.snapshot.stats.bytes,
                            addedBytes: record.snapshot.stats.addedBytes, collections: record.snapshot.collections)
        }
        switch mode {
        case .restoreSize:
            totalSize = snapshots.reduce(0) { $0 + $1.snapshot.stats.bytes }
            totalFileCount = snapshots.reduce(0) { $0 + $1.snapshot.stats.documents }
        case .filesByContents:
            var seen = Set<[BlobID]>()
            var count: UInt64 = 0
            for record in snapshots {
                guard let root = record.snapshot.treeID else { continue }
                try repository.walk(root) { _, node in
                    if node.kind == .file, seen.insert(node.content).inserted {
                        totalSize += node.size
                        count += 1
                    }
                    return true
                }
            }
            totalFileCount = count
        case .rawData:
            let reached = try repository.reachableBlobs(from: snapshots.map(\.id)).blobs
            var stored: UInt64 = 0, plain: UInt64 = 0
            for id in reached {
                guard let location = repository.index.lookup(id) else { continue }
                stored += UInt64(location.entry.length)
                plain += UInt64(location.entry.rawLength)
            }
            totalSize = stored
            totalBlobCount = reached.count
            totalUncompressedSize = plain
            compressionRatio = stored == 0 ? nil : Double(plain) / Double(stored)
            compressionSpaceSaving = plain == 0 ? nil : (1 - Double(stored) / Double(plain)) * 100
            let restored = snapshots.reduce(0) { $0 + $1.snapshot.stats.bytes }
            deduplicationRatio = plain == 0 ? nil : Double(restored) / Double(plain)
        }
    }
}
