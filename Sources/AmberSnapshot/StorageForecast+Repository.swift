import AmberCore
import AmberRepository
import Foundation

extension StorageForecast {
    /// The forecast of `records` (chosen among `all`, every snapshot of the repository) under
    /// `policy` (nil: every snapshot kept) until `horizon`, measured on `repository` (whose
    /// index must be loaded): the stored size of what each stream's newest snapshot reaches,
    /// the repository's overhead per backup (from all of it) and its read rate.
    public init(repository: Repository, records: [SnapshotRecord], all: [SnapshotRecord], policy: RetentionPolicy?,
                now: Date, horizon: Date) throws {
        let newest = Set(Self.newestOfEachStream(all) + Self.newestOfEachStream(records))
        var stored: [BlobID: Double] = [:]
        for record in all where newest.contains(record.id) {
            stored[record.id] = Double(try RepositoryStatistics(repository, snapshots: [record], mode: .rawData).totalSize)
        }
        let overhead = Self.overheadPerBackup(records: all, storedBytes: Double(try repository.storedBytes()), storedSizes: stored)
        self.init(records: records, policy: policy, overheadPerBackup: overhead, storedSizes: stored,
                  readRate: repository.measureReadRate() ?? 100e6, now: now, horizon: horizon)
    }
}
