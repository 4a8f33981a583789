import AmberCore
import AmberRepository
import Foundation

extension StorageForecast {
    /// At most this many backups are imagined per stream (Δ is at least an hour: 5.7 years of hourly backups).
    static let extensionLimit = 50_000

    /// A stream's backups up to `horizon`: its snapshots and, when it still runs, those it would
    /// make at its interval after them, from the first one after `now`. Indexes count backups
    /// from the stream's first.
    static func extend(_ records: [SnapshotRecord], rates: ForecastRates, running: Bool, after now: Date, until horizon: Date) -> [SnapshotRecord] {
        guard running, let last = records.last else { return records }
        var timeline = records
        var step = max(1, Int((now.timeIntervalSince(last.snapshot.date) / rates.interval).rounded(.down)) + 1)
        var count = 0
        while count < extensionLimit {
            let time = last.snapshot.date.addingTimeInterval(Double(step) * rates.interval)
            guard time <= horizon else { break }
            var snapshot = last.snapshot
            snapshot.time = RFC3339.format(time)
            let id = BlobID(hex: String(repeating: "0", count: 48) + String(format: "%016llx", UInt64(step)))!
            timeline.append(SnapshotRecord(id: id, snapshot: snapshot))
            step += 1
            count += 1
        }
        return timeline
    }

    /// The indexes of the stream's backups kept at `date`, oldest first.
    func kept(in stream: Stream, at date: Date) -> [Int] {
        let end = stream.timeline.firstIndex { $0.snapshot.date > date } ?? stream.timeline.count
        guard let policy, !policy.isEmpty else { return Array(0..<end) }
        let kept = Set(policy.apply(to: Array(stream.timeline[..<end]), now: date).filter(\.keep).map(\.record.id))
        return (0..<end).filter { kept.contains(stream.timeline[$0].id) }
    }

    /// The stored size of backup `index`'s data (B): measured for the stream's snapshots,
    /// extended at the growth rate after them.
    static func storedSize(_ index: Int, records: [SnapshotRecord], rates: ForecastRates) -> Double {
        if index < records.count { return rates.storedPerRestored * Double(records[index].snapshot.stats.bytes) }
        return rates.storedSize(after: index - (records.count - 1))
    }

    /// Amber's repository for the `kept` backups: the newest one's data, and for each older kept
    /// one what changed between it and the next kept one (the churn of the backups between,
    /// saturating at its whole size).
    static func amberBytes(kept: [Int], records: [SnapshotRecord], rates: ForecastRates) -> Double {
        guard let newest = kept.last else { return 0 }
        var total = storedSize(newest, records: records, rates: rates)
        for (index, next) in zip(kept, kept.dropFirst()) {
            let size = storedSize(index, records: records, rates: rates)
            guard size > 0 else { continue }
            let changed = min(1, rates.churn(at: next) / size)
            total += size * (1 - pow(1 - changed, Double(next - index)))
        }
        return total
    }

    /// One stream's figures under one strategy, for the indexes of its `kept` backups and of the
    /// `new` ones (made since the previous date). Without a kept backup, nothing.
    func figures(of stream: Stream, _ strategy: BackupStrategy, kept: [Int], new: [Int]) -> StrategyFigures {
        guard let newest = kept.last, let oldest = kept.first else { return .zero }
        let rates = stream.rates
        let size = { (index: Int) in Self.storedSize(index, records: stream.records, rates: rates) }
        let restored = { (index: Int) in size(index) / rates.storedPerRestored }
        let increment = { (index: Int) in
            index < stream.records.count ? Double(stream.records[index].snapshot.stats.addedBytes) : rates.added(at: index)
        }
        var figures = StrategyFigures.zero
        switch strategy {
        case .amber:
            figures.repositoryBytes = Self.amberBytes(kept: kept, records: stream.records, rates: rates)
            figures.sentBytes = new.reduce(0) { $0 + increment($1) }
            figures.restoreNewestBytes = restored(newest)
            figures.restoreOldestBytes = restored(oldest)
        case .fullEveryTime:
            figures.repositoryBytes = kept.reduce(0) { $0 + size($1) }
            figures.sentBytes = new.reduce(0) { $0 + size($1) }
            figures.restoreNewestBytes = restored(newest)
            figures.restoreOldestBytes = restored(oldest)
        case .weeklyFullDailyIncremental:
            let fulls = Set(stream.fulls)
            let base = { (index: Int) in stream.fulls.last { $0 <= index } ?? 0 }
            let cost = { (index: Int) in fulls.contains(index) ? size(index) : increment(index) }
            var needed = Set<Int>()
            for index in kept { needed.formUnion(base(index)...index) }
            // A chained restore writes the full, then each increment over it.
            let chain = { (index: Int) in
                restored(base(index)) + (base(index) + 1 ..< index + 1).reduce(0.0) { $0 + increment($1) } / rates.storedPerRestored
            }
            figures.repositoryBytes = needed.reduce(0) { $0 + cost($1) }
            figures.sentBytes = new.reduce(0) { $0 + cost($1) }
            figures.restoreNewestBytes = chain(newest)
            figures.restoreOldestBytes = chain(oldest)
        }
        return figures
    }

    /// The indexes of the backups that are fulls, in order: the first of the timeline and of each ISO week (UTC).
    static func weeklyFulls(_ timeline: [SnapshotRecord]) -> [Int] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let weeks = timeline.map { calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0.snapshot.date) }
        return timeline.indices.filter { $0 == 0 || weeks[$0] != weeks[$0 - 1] }
    }
}
