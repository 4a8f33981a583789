import Foundation

/// Which snapshots `amber forget` keeps: restic's expire policy (`restic forget --keep-*`).
///
/// Counts are `nil` or 0 for "not set", a positive number for "the newest N distinct buckets",
/// and -1 for "unlimited" (every distinct bucket; restic's `--keep-* unlimited`). A snapshot is
/// kept if any rule keeps it; the rest are forgotten. See ``apply(to:now:)`` for the exact rules.
public struct RetentionPolicy: Sendable, Equatable {
    /// Keep the newest N snapshots.
    public var keepLast: Int?
    /// Keep the newest snapshot of each of the newest N hours that have one.
    public var keepHourly: Int?
    /// … of each of the newest N days.
    public var keepDaily: Int?
    /// … of each of the newest N ISO 8601 weeks (Monday to Sunday).
    public var keepWeekly: Int?
    /// … of each of the newest N months.
    public var keepMonthly: Int?
    /// … of each of the newest N years.
    public var keepYearly: Int?
    /// Keep every snapshot newer than this much before the group's newest snapshot.
    public var keepWithin: RetentionDuration?
    /// Keep the newest snapshot of each hour within this much of the group's newest snapshot.
    public var keepWithinHourly: RetentionDuration?
    /// … of each day within the duration.
    public var keepWithinDaily: RetentionDuration?
    /// … of each ISO week within the duration.
    public var keepWithinWeekly: RetentionDuration?
    /// … of each month within the duration.
    public var keepWithinMonthly: RetentionDuration?
    /// … of each year within the duration.
    public var keepWithinYearly: RetentionDuration?
    /// Keep every snapshot that has all the tags of at least one entry.
    public var keepTags: [[String]]
    /// Also keep a group's oldest snapshot when a count or within rule still has buckets left
    /// when it is reached (restic 0.16 and later; reason "oldest daily snapshot" and so on).
    /// `false` reproduces restic 0.15 and earlier.
    public var keepOldest: Bool

    public init(keepLast: Int? = nil, keepHourly: Int? = nil, keepDaily: Int? = nil, keepWeekly: Int? = nil,
                keepMonthly: Int? = nil, keepYearly: Int? = nil, keepWithin: RetentionDuration? = nil,
                keepWithinHourly: RetentionDuration? = nil, keepWithinDaily: RetentionDuration? = nil,
                keepWithinWeekly: RetentionDuration? = nil, keepWithinMonthly: RetentionDuration? = nil,
                keepWithinYearly: RetentionDuration? = nil, keepTags: [[String]] = [], keepOldest: Bool = true) {
        self.keepLast = keepLast
        self.keepHourly = keepHourly
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
        self.keepMonthly = keepMonthly
        self.keepYearly = keepYearly
        self.keepWithin = keepWithin
        self.keepWithinHourly = keepWithinHourly
        self.keepWithinDaily = keepWithinDaily
        self.keepWithinWeekly = keepWithinWeekly
        self.keepWithinMonthly = keepWithinMonthly
        self.keepWithinYearly = keepWithinYearly
        self.keepTags = keepTags
        self.keepOldest = keepOldest
    }

    /// The count rules in restic's order, with their reason texts.
    var countRules: [(count: Int, bucket: RetentionBucket, reason: String)] {
        [(keepLast ?? 0, .each, "last snapshot"), (keepHourly ?? 0, .hour, "hourly snapshot"),
         (keepDaily ?? 0, .day, "daily snapshot"), (keepWeekly ?? 0, .week, "weekly snapshot"),
         (keepMonthly ?? 0, .month, "monthly snapshot"), (keepYearly ?? 0, .year, "yearly snapshot")]
    }

    /// The within-bucket rules in restic's order.
    var withinRules: [(within: RetentionDuration, bucket: RetentionBucket, reason: String)] {
        [(keepWithinHourly, RetentionBucket.hour, "hourly within"), (keepWithinDaily, .day, "daily within"),
         (keepWithinWeekly, .week, "weekly within"), (keepWithinMonthly, .month, "monthly within"),
         (keepWithinYearly, .year, "yearly within")]
            .compactMap { rule in rule.0.flatMap { $0.isZero ? nil : ($0, rule.1, rule.2) } }
    }

    /// True when no rule is set: such a policy would keep everything, and `forget` refuses it.
    public var isEmpty: Bool {
        keepTags.isEmpty && countRules.allSatisfy { $0.count == 0 } && withinRules.isEmpty
            && (keepWithin?.isZero ?? true)
    }

    /// Throws a message for counts below -1 and durations with negative fields.
    public func validate() throws(RetentionPolicyError) {
        for (count, _, reason) in countRules where count < -1 {
            throw RetentionPolicyError("a negative count (\(count)) for \(reason)s: use -1 or \"unlimited\" to keep all")
        }
        for duration in [keepWithin, keepWithinHourly, keepWithinDaily, keepWithinWeekly, keepWithinMonthly, keepWithinYearly] {
            if let d = duration, d.years < 0 || d.months < 0 || d.days < 0 || d.hours < 0 {
                throw RetentionPolicyError("a negative duration (\(d)) for --keep-within")
            }
        }
    }

    /// What the policy keeps, in restic's words: `keep 7 daily, 4 weekly snapshots`.
    public var summary: String {
        var counts = [String]()
        let names = ["latest", "hourly", "daily", "weekly", "monthly", "yearly"]
        for (rule, name) in zip(countRules, names) {
            if rule.count > 0 { counts.append("\(rule.count) \(name)") } else if rule.count == -1 { counts.append("all \(name)") }
        }
        var text = counts.isEmpty ? "" : counts.joined(separator: ", ") + " snapshots"
        let withins = withinRules.map { "\($0.reason.split(separator: " ")[0]) snapshots within \($0.within)" }
        if !withins.isEmpty { text += (text.isEmpty ? "" : ", ") + withins.joined(separator: ", ") }
        if !keepTags.isEmpty {
            text += (text.isEmpty ? "" : " and ") + "all snapshots with tags [" + keepTags.map(Self.tagList).joined(separator: " ") + "]"
        }
        if let within = keepWithin, !within.isZero {
            text += (text.isEmpty ? "" : " and ") + "all snapshots within \(within) of the newest"
        }
        return "keep " + text
    }

    /// `[a, b]`, as restic prints a tag list.
    static func tagList(_ tags: [String]) -> String { "[" + tags.joined(separator: ", ") + "]" }
}

/// A policy that cannot be applied (negative counts or durations).
public struct RetentionPolicyError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
