import AmberCore
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
    /// increments: the full and every increment after it), all streams together.
    public var restoreNewestBytes: Double
    public var restoreOldestBytes: Double
    /// Those, at the measured rate.
    public var restoreNewestSeconds: Double
    public var restoreOldestSeconds: Double

    static let zero = StrategyFigures(repositoryBytes: 0, sentBytes: 0, restoreNewestBytes: 0, restoreOldestBytes: 0,
                                      restoreNewestSeconds: 0, restoreOldestSeconds: 0)

    enum CodingKeys: String, CodingKey {
        case repositoryBytes = "repository_bytes", sentBytes = "sent_bytes", restoreNewestBytes = "restore_newest_bytes"
        case restoreOldestBytes = "restore_oldest_bytes", restoreNewestSeconds = "restore_newest_seconds"
        case restoreOldestSeconds = "restore_oldest_seconds"
    }
}

/// A forecast of a repository's size, offsite traffic and restore cost under a retention policy,
/// from its own history: each stream (snapshots of one host and sources) is extended at its own
/// interval and rates (``ForecastRates``) up to the horizon, the policy is applied to the
/// extended history as `forget` would apply it, and what the kept snapshots hold is summed as
/// docs/strategy.md says.
public struct StorageForecast: Sendable {
    /// One stream: its snapshots, its rates, its backups up to the horizon (the snapshots, then
    /// the extension) and which of those are weekly fulls.
    struct Stream: Sendable {
        let key: SnapshotGroupKey
        let records: [SnapshotRecord]
        let rates: ForecastRates
        let running: Bool
        let timeline: [SnapshotRecord]
        let fulls: [Int]
    }

    let streams: [Stream]
    let policy: RetentionPolicy?
    /// What each kept backup costs beyond the data its snapshot counts (h), see
    /// ``overheadPerBackup(records:storedBytes:storedSizes:)``.
    public let overheadPerBackup: Double
    /// Restored bytes per second: blobs read, decrypted and decompressed, measured on the repository.
    public let readRate: Double
    public let now: Date

    /// The forecast for `records` (the snapshots a filter chose, up to `now`) kept by `policy`
    /// (nil: every snapshot is kept) until `horizon`. `storedSizes` holds the stored size of what
    /// some snapshots reach (each stream's newest), by id.
    public init(records: [SnapshotRecord], policy: RetentionPolicy?, overheadPerBackup: Double,
                storedSizes: [BlobID: Double] = [:], readRate: Double, now: Date, horizon: Date) {
        streams = Self.streams(records, storedSizes: storedSizes).map { key, sorted, rates in
            let running = sorted.last.map { rates.isRunning(newest: $0.snapshot.date, at: now) } ?? false
            let timeline = Self.extend(sorted, rates: rates, running: running, after: now, until: horizon)
            return Stream(key: key, records: sorted, rates: rates, running: running, timeline: timeline,
                          fulls: Self.weeklyFulls(timeline))
        }
        self.policy = policy
        self.overheadPerBackup = overheadPerBackup
        self.readRate = max(1, readRate)
        self.now = now
    }

    /// h: the repository's `storedBytes` less what the model gives for `records` (every snapshot
    /// it holds, each kept), over their number — index and snapshot files, pack headers, runs
    /// that compaction replaced and no prune has freed yet.
    public static func overheadPerBackup(records: [SnapshotRecord], storedBytes: Double, storedSizes: [BlobID: Double] = [:]) -> Double {
        guard !records.isEmpty else { return 0 }
        let model = streams(records, storedSizes: storedSizes).reduce(0.0) { total, stream in
            total + amberBytes(kept: Array(stream.sorted.indices), records: stream.sorted, rates: stream.rates)
        }
        return max(0, storedBytes - model) / Double(records.count)
    }

    /// The records grouped as `forget` groups them by default (host and sources), oldest first, with their rates.
    static func streams(_ records: [SnapshotRecord], storedSizes: [BlobID: Double])
        -> [(key: SnapshotGroupKey, sorted: [SnapshotRecord], rates: ForecastRates)] {
        SnapshotGroupKey.group(records, by: .hostAndSources).map { key, members in
            let sorted = members.sorted { $0.snapshot.date < $1.snapshot.date }
            return (key, sorted, ForecastRates(records: sorted, storedNewest: sorted.last.flatMap { storedSizes[$0.id] }))
        }.sorted { $0.key < $1.key }
    }

    /// Each stream: its group, whether it is extended, and its rates.
    public var summaries: [ForecastStream] {
        streams.map { ForecastStream(host: $0.key.host, sources: $0.key.sources, newest: $0.records.last?.snapshot.time,
                                     running: $0.running, rates: $0.rates) }
    }

    /// The groups of which the policy keeps no snapshot at `date` (`forget` refuses such a policy).
    public func groupsKeepingNothing(at date: Date) -> [String] {
        streams.filter { !$0.records.isEmpty && kept(in: $0, at: date).isEmpty }.map(\.key.description)
    }

    /// Each strategy's figures at `date`; `sentBytes` counts the backups after `since`.
    public func figures(at date: Date, since: Date) -> [BackupStrategy: StrategyFigures] {
        var result = Dictionary(uniqueKeysWithValues: BackupStrategy.allCases.map { ($0, StrategyFigures.zero) })
        for stream in streams {
            let kept = self.kept(in: stream, at: date)
            let new = stream.timeline.indices.filter { stream.timeline[$0].snapshot.date > since && stream.timeline[$0].snapshot.date <= date }
            for strategy in BackupStrategy.allCases {
                let figures = self.figures(of: stream, strategy, kept: kept, new: new)
                result[strategy]!.repositoryBytes += figures.repositoryBytes
                result[strategy]!.sentBytes += figures.sentBytes
                result[strategy]!.restoreNewestBytes += figures.restoreNewestBytes
                result[strategy]!.restoreOldestBytes += figures.restoreOldestBytes
            }
            result[.amber]!.repositoryBytes += overheadPerBackup * Double(kept.count)
            result[.amber]!.sentBytes += overheadPerBackup * Double(new.count)
        }
        for strategy in BackupStrategy.allCases {
            result[strategy]!.restoreNewestSeconds = result[strategy]!.restoreNewestBytes / readRate
            result[strategy]!.restoreOldestSeconds = result[strategy]!.restoreOldestBytes / readRate
        }
        return result
    }

    /// The number of snapshots kept at `date`, all streams together.
    public func keptCount(at date: Date) -> Int { streams.reduce(0) { $0 + kept(in: $1, at: date).count } }
}

/// A stream as `amber forecast` reports it.
public struct ForecastStream: Sendable, Encodable {
    public let host: String?
    public let sources: [String]?
    /// The time of its newest snapshot.
    public let newest: String?
    /// Whether it is extended (it still runs: its newest backup is less than 3Δ + 1 day old).
    public let running: Bool
    public let rates: ForecastRates
}

extension StorageForecast {
    /// The id of each stream's newest snapshot among `records`.
    public static func newestOfEachStream(_ records: [SnapshotRecord]) -> [BlobID] {
        SnapshotGroupKey.group(records, by: .hostAndSources).compactMap { _, members in
            members.max { $0.snapshot.date < $1.snapshot.date }?.id
        }
    }
}
