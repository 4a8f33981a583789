import Foundation

/// What a forecast reads off one backup stream's history (a group of snapshots of the same host
/// and sources, oldest first). docs/strategy.md gives the model; the names here are its symbols.
public struct ForecastRates: Sendable, Equatable, Encodable {
    /// Seconds between two backups (Δ): the median of the newest three intervals (a retention
    /// policy keeps the newest backups densest), at least an hour; a day with a single snapshot.
    public var interval: Double
    /// Restore size of the newest snapshot (R).
    public var restoreBytes: Double
    /// Stored bytes per restored byte (k): the stored size of the blobs the newest snapshot
    /// reaches over its restore size when that is known (`storedNewest`), else what the stream's
    /// first backup stored over what it holds.
    public var storedPerRestored: Double
    /// Stored bytes each later backup added, on average (g), compaction included.
    public var addedPerBackup: Double
    /// How much more each backup added than the one before, by a least-squares line through the
    /// later backups' additions (0 with fewer than three of them).
    public var addedSlope: Double
    /// How many backups the history holds (n).
    public var observedBackups: Int
    /// Of those, the stored size of data that stays (p = k × growth of the restore size per backup).
    public var growthPerBackup: Double
    /// And of data that replaced other data (c = g − p): what retention can free again.
    public var churnPerBackup: Double

    enum CodingKeys: String, CodingKey {
        case interval = "interval_seconds", restoreBytes = "restore_bytes", storedPerRestored = "stored_per_restored"
        case addedPerBackup = "added_per_backup", addedSlope = "added_slope", observedBackups = "observed_backups"
        case growthPerBackup = "growth_per_backup", churnPerBackup = "churn_per_backup"
    }

    /// The rates of `records` (one stream, any order); `storedNewest` is the stored size of what
    /// the newest snapshot reaches, when measured.
    public init(records: [SnapshotRecord], storedNewest: Double? = nil) {
        let sorted = records.sorted { $0.snapshot.date < $1.snapshot.date }
        let intervals = zip(sorted, sorted.dropFirst()).suffix(3).map { $1.snapshot.date.timeIntervalSince($0.snapshot.date) }.sorted()
        interval = intervals.isEmpty ? 86400 : max(3600, intervals[intervals.count / 2])
        let first = sorted.first?.snapshot.stats, last = sorted.last?.snapshot.stats
        restoreBytes = Double(last?.bytes ?? 0)
        let firstRestore = Double(first?.bytes ?? 0), firstAdded = Double(first?.addedBytes ?? 0)
        if let storedNewest, storedNewest > 0, restoreBytes > 0 {
            storedPerRestored = storedNewest / restoreBytes
        } else {
            storedPerRestored = firstRestore > 0 && firstAdded > 0 ? firstAdded / firstRestore : 1
        }
        let later = sorted.dropFirst().map { Double($0.snapshot.stats.addedBytes) }
        addedPerBackup = later.isEmpty ? 0 : later.reduce(0, +) / Double(later.count)
        addedSlope = Self.slope(later)
        observedBackups = sorted.count
        let restoreGrowth = sorted.count > 1 ? (restoreBytes - firstRestore) / Double(sorted.count - 1) : 0
        growthPerBackup = min(addedPerBackup, max(0, restoreGrowth * storedPerRestored))
        churnPerBackup = max(0, addedPerBackup - growthPerBackup)
    }

    /// What backup `index` (counted from the stream's first, 0) adds when it comes after the
    /// history: the line through the history's additions, followed for as many backups again as
    /// the history holds and level after that.
    public func added(at index: Int) -> Double {
        let middle = Double(observedBackups) / 2
        let reach = Double(min(index, 2 * observedBackups - 1))
        return max(0, addedPerBackup + addedSlope * (reach - middle))
    }

    /// Of ``added(at:)``, what replaced other data.
    func churn(at index: Int) -> Double { max(0, added(at: index) - growthPerBackup) }

    /// The least-squares slope of `values` against their positions.
    static func slope(_ values: [Double]) -> Double {
        guard values.count >= 3 else { return 0 }
        let count = Double(values.count)
        let meanX = (count - 1) / 2, meanY = values.reduce(0, +) / count
        var covariance = 0.0, variance = 0.0
        for (x, y) in values.enumerated() {
            covariance += (Double(x) - meanX) * (y - meanY)
            variance += (Double(x) - meanX) * (Double(x) - meanX)
        }
        return covariance / variance
    }

    /// The stored size of the data of the backup `steps` backups after the newest (B).
    func storedSize(after steps: Int) -> Double {
        max(0, storedPerRestored * restoreBytes + Double(steps) * growthPerBackup)
    }

    /// Whether the stream still runs at `date`: its newest backup is less than three intervals
    /// and a day old. A stream that stopped is not extended.
    func isRunning(newest: Date, at date: Date) -> Bool {
        date.timeIntervalSince(newest) < 3 * interval + 86400
    }
}
