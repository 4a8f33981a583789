import AmberRepository
import Foundation

/// The backup strategies a forecast puts side by side (docs/strategy.md).
public enum BackupStrategy: String, Sendable, Encodable, CaseIterable, Comparable {
    /// Amber's snapshots as they are made and kept.
    case amber
    /// A full copy at every backup (a `pg_dump -Fc` file, a tarball), each kept one whole.
    case fullEveryTime = "full_every_time"
    /// A full copy on the first backup of each ISO week, then increments chained on it; a kept
    /// increment keeps its full and every increment before it.
    case weeklyFullDailyIncremental = "weekly_full_daily_incremental"

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One strategy's figures at one date.
public struct StrategyFigures: Sendable, Equatable, Encodable {
    /// What the repository (or the directory of dumps) holds.
    public var repositoryBytes: Double
    /// What the backups since the previous date wrote, and so what a sync sends offsite.
    public var sentBytes: Double
    /// Bytes a restore of the newest and of the oldest kept backup writes (for chained
    /// increments: the full and every increment after it).
    public var restoreNewestBytes: Double
    public var restoreOldestBytes: Double
    /// Those, at the measured rate.
    public var restoreNewestSeconds: Double
    public var restoreOldestSeconds: Double

    enum CodingKeys: String, CodingKey {
        case repositoryBytes = "repository_bytes", sentBytes = "sent_bytes", restoreNewestBytes = "restore_newest_bytes"
        case restoreOldestBytes = "restore_oldest_bytes", restoreNewestSeconds = "restore_newest_seconds"
        case restoreOldestSeconds = "restore_oldest_seconds"
    }
}

/// A forecast of a repository's size, offsite traffic and restore cost under a retention policy,
/// from its own history: each stream (snapshots of one host and sources) is extended at its own
/// interval and rates (``ForecastRates``), the policy is applied to the extended history as
/// `forget` would apply it, and what the kept snapshots hold is summed as docs/strategy.md says.
public struct StorageForecast: Sendable {
    /// One stream: its snapshots, oldest first, and its rates.
    struct Stream: Sendable {
        let records: [SnapshotRecord]
        let rates: ForecastRates
    }

    let streams: [Stream]
    let policy: RetentionPolicy?
    /// The repository's size now and what the model gives for now: their difference (pack
    /// headers, index and snapshot files, what a prune has not yet freed) is carried forward.
    let offset: Double
    /// Restored bytes per second: blobs read, decrypted and decompressed, measured on the repository.
    public let readRate: Double
    public let now: Date

    /// The forecast for `records` (all of a repository's snapshots, or the ones a filter chose),
    /// kept by `policy` (nil: every snapshot is kept), from `currentBytes` at `now`.
    public init(records: [SnapshotRecord], policy: RetentionPolicy?, grouping: SnapshotGrouping = .hostAndSources,
                currentBytes: Double, readRate: Double, now: Date = Date()) {
        streams = SnapshotGroupKey.group(records, by: grouping).map { _, members in
            let sorted = members.sorted { $0.snapshot.date < $1.snapshot.date }
            return Stream(records: sorted, rates: ForecastRates(records: sorted))
        }.sorted { ($0.records.first?.snapshot.date ?? now) < ($1.records.first?.snapshot.date ?? now) }
        self.policy = policy
        self.readRate = max(1, readRate)
        self.now = now
        let modelNow = streams.reduce(0.0) { total, stream in
            total + Self.amberBytes(kept: Array(stream.records.indices), stream: stream)
        }
        offset = currentBytes - modelNow
    }

    /// The rates of each stream.
    public var rates: [ForecastRates] { streams.map(\.rates) }

    /// Each strategy's figures at `date`; `sentBytes` counts the backups after `since`.
    public func figures(at date: Date, since: Date) -> [BackupStrategy: StrategyFigures] {
        var result: [BackupStrategy: StrategyFigures] = [:]
        for strategy in BackupStrategy.allCases {
            var total = StrategyFigures(repositoryBytes: strategy == .amber ? offset : 0, sentBytes: 0, restoreNewestBytes: 0,
                                        restoreOldestBytes: 0, restoreNewestSeconds: 0, restoreOldestSeconds: 0)
            for stream in streams {
                let figures = self.figures(of: stream, strategy, at: date, since: since)
                total.repositoryBytes += figures.repositoryBytes
                total.sentBytes += figures.sentBytes
                total.restoreNewestBytes += figures.restoreNewestBytes
                total.restoreOldestBytes += figures.restoreOldestBytes
            }
            total.restoreNewestSeconds = total.restoreNewestBytes / readRate
            total.restoreOldestSeconds = total.restoreOldestBytes / readRate
            result[strategy] = total
        }
        return result
    }

    /// The number of snapshots kept at `date`, all streams together.
    public func keptCount(at date: Date) -> Int { streams.reduce(0) { $0 + kept(in: $1, at: date).count } }
}
