import AmberCore
import Foundation

/// The calendar unit a retention rule counts in.
enum RetentionBucket: Sendable {
    /// Every snapshot is its own bucket (`keepLast`).
    case each, hour, day, week, month, year

    /// The bucket of the `index`-th snapshot (newest first) taken at `time`, as one integer
    /// (restic's `YYYYMMDDHH`, `YYYYMMDD`, `YYYYWW` with the ISO week, `YYYYMM`, `YYYY`).
    func key(_ time: SnapshotInstant, index: Int) -> Int {
        let c = time.calendar
        switch self {
        case .each: return index
        case .hour: return c.year * 1_000_000 + c.month * 10_000 + c.day * 100 + c.hour
        case .day: return c.year * 10_000 + c.month * 100 + c.day
        case .week:
            let (year, week) = CivilDate.isoWeek(c.dayNumber)
            return year * 100 + week
        case .month: return c.year * 100 + c.month
        case .year: return c.year
        }
    }
}

/// What a policy decided for one snapshot.
public struct RetentionDecision: Sendable {
    public let record: SnapshotRecord
    /// Whether the snapshot stays.
    public let keep: Bool
    /// Why it stays, in restic's words (`daily snapshot`, `within 7d`, `has tags [a, b]`,
    /// `oldest weekly snapshot`); empty for a snapshot to forget.
    public let reasons: [String]
    /// The counts left after this snapshot, for the rules that have a count (restic's
    /// `counters`): `last`, `hourly`, `daily`, `weekly`, `monthly`, `yearly`; -1 when unlimited.
    public let counters: [String: Int]

    public init(record: SnapshotRecord, keep: Bool, reasons: [String], counters: [String: Int]) {
        self.record = record
        self.keep = keep
        self.reasons = reasons
        self.counters = counters
    }
}

extension RetentionPolicy {
    /// Applies the policy to one group of snapshots, exactly as restic's `ApplyPolicy` does.
    ///
    /// The group is sorted newest first (equal times by id). Then, for each snapshot in turn:
    /// - it is kept if it has all the tags of any `keepTags` entry;
    /// - `keepWithin`: kept if it is strictly newer than the group's newest snapshot time (ignoring
    ///   snapshots later than `now`) minus the duration, calendar arithmetic as Go's `AddDate`;
    /// - each count rule with count left (or -1): kept if its bucket (hour, day, ISO week, …) differs
    ///   from the bucket of the last snapshot that rule kept, which uses up one count. With
    ///   ``keepOldest``, the group's oldest snapshot is kept too while the rule has count left;
    /// - each within-bucket rule: the same, for snapshots within its duration, without a count.
    ///
    /// Buckets are taken in the UTC offset each snapshot's time was written with (UTC for
    /// Amber's snapshots). Does not group: see ``applyGrouped(to:now:groupBy:)``.
    /// - Returns: one decision per snapshot, newest first.
    public func apply(to records: [SnapshotRecord], now: Date = Date()) -> [RetentionDecision] {
        let sorted = records.map { (record: $0, time: SnapshotInstant($0.snapshot.time)) }
            .sorted { $0.time != $1.time ? $0.time > $1.time : $0.record.id.hex < $1.record.id.hex }
        guard !sorted.isEmpty else { return [] }
        let cutoffNow = SnapshotInstant(now)
        // The newest snapshot that is not in the future; none means "no lower limit".
        let latest = sorted.map(\.time).first { $0 < cutoffNow }
        func isWithin(_ time: SnapshotInstant, _ duration: RetentionDuration) -> Bool {
            guard let latest else { return true }
            return time > duration.before(latest)
        }

        var counts = countRules.map { (rule: $0, left: $0.count, last: Int?.none) }
        var withins = withinRules.map { (rule: $0, last: Int?.none) }
        let lastIndex = sorted.count - 1
        return sorted.enumerated().map { index, entry in
            var reasons = [String]()
            for tags in keepTags where entry.record.snapshot.hasTags(tags) {
                reasons.append("has tags \(Self.tagList(tags))")
            }
            if let within = keepWithin, !within.isZero, isWithin(entry.time, within) {
                reasons.append("within \(within)")
            }
            for i in counts.indices where counts[i].left > 0 || counts[i].left == -1 {
                let key = counts[i].rule.bucket.key(entry.time, index: index)
                let oldest = keepOldest && index == lastIndex
                guard key != counts[i].last || oldest else { continue }
                reasons.append(key == counts[i].last ? "oldest " + counts[i].rule.reason : counts[i].rule.reason)
                counts[i].last = key
                if counts[i].left > 0 { counts[i].left -= 1 }
            }
            for i in withins.indices where isWithin(entry.time, withins[i].rule.within) {
                let key = withins[i].rule.bucket.key(entry.time, index: index)
                let oldest = keepOldest && index == lastIndex
                guard key != withins[i].last || oldest else { continue }
                let reason = key == withins[i].last ? "oldest " + withins[i].rule.reason : withins[i].rule.reason
                reasons.append("\(reason) \(withins[i].rule.within)")
                withins[i].last = key
            }
            var counters = [String: Int]()
            for (name, count) in zip(["last", "hourly", "daily", "weekly", "monthly", "yearly"], counts) where count.left != 0 {
                counters[name] = count.left
            }
            return RetentionDecision(record: entry.record, keep: !reasons.isEmpty, reasons: reasons,
                                     counters: reasons.isEmpty ? [:] : counters)
        }
    }

    /// Groups the snapshots (by host and sources, restic's default `--group-by host,paths`) and
    /// applies the policy to each group.
    /// - Returns: the groups ordered by key, each with its decisions newest first.
    public func applyGrouped(to records: [SnapshotRecord], now: Date = Date(),
                             groupBy: SnapshotGrouping = .hostAndSources) -> [RetentionGroupResult] {
        SnapshotGroupKey.group(records, by: groupBy).map { key, members in
            RetentionGroupResult(key: key, decisions: apply(to: members, now: now))
        }
    }
}

/// One group's decisions.
public struct RetentionGroupResult: Sendable {
    public let key: SnapshotGroupKey
    /// Newest first.
    public let decisions: [RetentionDecision]

    public var kept: [RetentionDecision] { decisions.filter(\.keep) }
    public var removed: [RetentionDecision] { decisions.filter { !$0.keep } }
}
