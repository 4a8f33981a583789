import AmberKit
import ArgumentParser
import Foundation

/// restic's `--keep-*` options: the retention policy of `forget` and `forecast`.
struct RetentionOptions: ParsableArguments {
    @Option(name: .customLong("keep-last"), parsing: .unconditional, help: "Keep the newest N snapshots.")
    var keepLast: KeepCount?
    @Option(name: .customLong("keep-hourly"), parsing: .unconditional, help: "Keep the newest snapshot of each of the newest N hours.")
    var keepHourly: KeepCount?
    @Option(name: .customLong("keep-daily"), parsing: .unconditional, help: "Keep the newest snapshot of each of the newest N days.")
    var keepDaily: KeepCount?
    @Option(name: .customLong("keep-weekly"), parsing: .unconditional, help: "Keep the newest snapshot of each of the newest N ISO weeks.")
    var keepWeekly: KeepCount?
    @Option(name: .customLong("keep-monthly"), parsing: .unconditional, help: "Keep the newest snapshot of each of the newest N months.")
    var keepMonthly: KeepCount?
    @Option(name: .customLong("keep-yearly"), parsing: .unconditional, help: "Keep the newest snapshot of each of the newest N years.")
    var keepYearly: KeepCount?

    @Option(name: .customLong("keep-within"), help: "Keep every snapshot newer than DURATION before the newest (e.g. 1y2m3d4h).")
    var keepWithin: String?
    @Option(name: .customLong("keep-within-hourly"), help: "Keep hourly snapshots within DURATION of the newest.")
    var keepWithinHourly: String?
    @Option(name: .customLong("keep-within-daily"), help: "Keep daily snapshots within DURATION of the newest.")
    var keepWithinDaily: String?
    @Option(name: .customLong("keep-within-weekly"), help: "Keep weekly snapshots within DURATION of the newest.")
    var keepWithinWeekly: String?
    @Option(name: .customLong("keep-within-monthly"), help: "Keep monthly snapshots within DURATION of the newest.")
    var keepWithinMonthly: String?
    @Option(name: .customLong("keep-within-yearly"), help: "Keep yearly snapshots within DURATION of the newest.")
    var keepWithinYearly: String?

    @Option(name: .customLong("keep-tag"), help: "Keep snapshots that have all these tags (TAG[,TAG...]; repeatable).")
    var keepTag: [String] = []

    /// The policy from the options, validated (empty without any `--keep-*`).
    func policy() throws -> RetentionPolicy {
        func duration(_ text: String?, _ flag: String) throws -> RetentionDuration? {
            guard let text else { return nil }
            guard let parsed = RetentionDuration(text) else {
                throw CLIError.usage("--\(flag) \"\(text)\" is not a duration: use numbers with units y, m, d, h, like 1y2m3d4h")
            }
            return parsed
        }
        let policy = RetentionPolicy(
            keepLast: keepLast?.value, keepHourly: keepHourly?.value, keepDaily: keepDaily?.value,
            keepWeekly: keepWeekly?.value, keepMonthly: keepMonthly?.value, keepYearly: keepYearly?.value,
            keepWithin: try duration(keepWithin, "keep-within"),
            keepWithinHourly: try duration(keepWithinHourly, "keep-within-hourly"),
            keepWithinDaily: try duration(keepWithinDaily, "keep-within-daily"),
            keepWithinWeekly: try duration(keepWithinWeekly, "keep-within-weekly"),
            keepWithinMonthly: try duration(keepWithinMonthly, "keep-within-monthly"),
            keepWithinYearly: try duration(keepWithinYearly, "keep-within-yearly"),
            keepTags: keepTag.map(SnapshotFilter.tagSet))
        do { try policy.validate() } catch { throw CLIError.usage(error.message) }
        return policy
    }
}

/// A `--keep-*` count: a number, or `unlimited` / `-1` for every bucket.
struct KeepCount: ExpressibleByArgument {
    let value: Int

    init?(argument: String) {
        if argument == "unlimited" || argument == "-1" {
            value = -1
        } else if let n = Int(argument), n >= 0 {
            value = n
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
