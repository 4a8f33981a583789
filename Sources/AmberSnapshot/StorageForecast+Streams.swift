import AmberCore
import AmberRepository
import Foundation

extension StorageForecast {
    /// The stream's backups up to `date`: its snapshots and those it would make at its interval
    /// after the newest. Indexes count backups from the stream's first.
    func timeline(of stream: Stream, until date: Date) -> [SnapshotRecord] {
        guard let last = stream.records.last else { return [] }
        var timeline = stream.records
        guard stream.rates.isRunning(newest: last.snapshot.date, at: now) else { return timeline }
        var step = 1
        while true {
            let time = last.snapshot.date.addingTimeInterval(Double(step) * stream.rates.interval)
            guard time <= date else { break }
            var snapshot = last.snapshot
            snapshot.time = RFC3339.format(time)
            let id = BlobID(hex: String(repeating: "0", count: 48) + String(format: "%016llx", UInt64(step)))!
            timeline.append(SnapshotRecord(id: id, snapshot: snapshot))
            step += 1
        }
        return timeline
    }

    /// The indexes of the stream's backups kept at `date`, oldest first.
    func kept(in stream: Stream, at date: Date) -> [Int] {
        let timeline = self.timeline(of: stream, until: date)
        guard let policy, !policy.isEmpty else { return Array(timeline.indices) }
        let kept = Set(policy.apply(to: timeline, now: date).filter(\.keep).map(\.record.id))
        return timeline.indices.filter { kept.contains(timeline[$0].id) }
    }

    /// The stored size of backup `index`'s data (B): measured for the stream's snapshots,
    /// extended at the growth rate after them.
    static func storedSize(_ index: Int, stream: Stream) -> Double {
        let rates = stream.rates
        if index < stream.records.count {
            return rates.storedPerRestored * Double(stream.records[index].snapshot.stats.bytes)
        }
        return rates.storedSize(after: index - (stream.records.count - 1))
    }

    /// The restore size of backup `index` (R): measured, then extended at the growth rate.
    static func restoreSize(_ index: Int, stream: Stream) -> Double {
        storedSize(index, stream: stream) / stream.rates.storedPerRestored
    }

    /// Amber's repository for the `kept` backups: the newest one's data, and for each older kept
    /// one what changed between it and the next kept one (the churn of the backups between,
    /// saturating at its whole size).
    static func amberBytes(kept: [Int], stream: Stream) -> Double {
        guard let newest = kept.last else { return 0 }
        var total = storedSize(newest, stream: stream)
        for (index, next) in zip(kept, kept.dropFirst()) {
            let size = storedSize(index, stream: stream)
            guard size > 0 else { continue }
            let changed = min(1, stream.rates.churn(at: next) / size)
            total += size * (1 - pow(1 - changed, Double(next - index)))
        }
        return total
    }

    /// One stream's figures under one strategy.
    func figures(of stream: Stream, _ strategy: BackupStrategy, at date: Date, since: Date) -> StrategyFigures {
        let timeline = self.timeline(of: stream, until: date)
        let kept = self.kept(in: stream, at: date)
        let new = timeline.indices.filter { timeline[$0].snapshot.date > since }
        let size = { (index: Int) in Self.storedSize(index, stream: stream) }
        let restored = { (index: Int) in Self.restoreSize(index, stream: stream) }
        let increment = { (index: Int) in
            index < stream.records.count ? Double(stream.records[index].snapshot.stats.addedBytes) : stream.rates.added(at: index)
        }
        let newest = kept.last ?? 0, oldest = kept.first ?? 0
        switch strategy {
        case .amber:
            return StrategyFigures(repositoryBytes: Self.amberBytes(kept: kept, stream: stream),
                                   sentBytes: new.reduce(0) { $0 + increment($1) }, restoreNewestBytes: restored(newest),
                                   restoreOldestBytes: restored(oldest), restoreNewestSeconds: 0, restoreOldestSeconds: 0)
        case .fullEveryTime:
            return StrategyFigures(repositoryBytes: kept.reduce(0) { $0 + size($1) }, sentBytes: new.reduce(0) { $0 + size($1) },
                                   restoreNewestBytes: restored(newest), restoreOldestBytes: restored(oldest),
                                   restoreNewestSeconds: 0, restoreOldestSeconds: 0)
        case .weeklyFullDailyIncremental:
            let fulls = Self.weeklyFulls(timeline)
            let ordered = fulls.sorted()
            let base = { (index: Int) in ordered.last { $0 <= index } ?? 0 }
            let cost = { (index: Int) in fulls.contains(index) ? size(index) : increment(index) }
            var needed = Set<Int>()
            for index in kept { needed.formUnion(base(index)...index) }
            // A chained restore writes the full, then each increment over it.
            let chain = { (index: Int) in
                restored(base(index)) + (base(index) + 1 ..< index + 1).reduce(0.0) { $0 + increment($1) } / stream.rates.storedPerRestored
            }
            return StrategyFigures(repositoryBytes: needed.reduce(0) { $0 + cost($1) }, sentBytes: new.reduce(0) { $0 + cost($1) },
                                   restoreNewestBytes: chain(newest), restoreOldestBytes: chain(oldest),
                                   restoreNewestSeconds: 0, restoreOldestSeconds: 0)
        }
    }

    /// The indexes of the backups that are fulls: the first of the timeline and of each ISO week (UTC).
    static func weeklyFulls(_ timeline: [SnapshotRecord]) -> Set<Int> {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let week = { (record: SnapshotRecord) in
            calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: record.snapshot.date)
        }
        return Set(timeline.indices.filter { $0 == 0 || week(timeline[$0]) != week(timeline[$0 - 1]) })
    }
}
