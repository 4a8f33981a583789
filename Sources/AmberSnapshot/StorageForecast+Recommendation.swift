import Foundation

extension StorageForecast {
    /// The strategy the forecast recommends at the figures of its horizon, and why: the smallest
    /// repository, said against the others, with what a restore of the oldest kept backup reads.
    public static func recommendation(_ figures: [BackupStrategy: StrategyFigures]) -> (strategy: BackupStrategy, reason: String) {
        let ranked = figures.sorted { ($0.value.repositoryBytes, $0.key) < ($1.value.repositoryBytes, $1.key) }
        guard let best = ranked.first, best.value.repositoryBytes > 0 else { return (.amber, "nothing kept to compare") }
        let others = ranked.dropFirst().map { other in
            let ratio = best.value.repositoryBytes > 0 ? other.value.repositoryBytes / best.value.repositoryBytes : 0
            return ratio < 1.05 ? "as small as \(other.key.label)" : "\(String(format: "%.1f", ratio))x smaller than \(other.key.label)"
        }
        var reason = "\(best.key.label): " + others.joined(separator: ", ")
        if best.key != .weeklyFullDailyIncremental, let chained = figures[.weeklyFullDailyIncremental],
           chained.restoreOldestBytes > best.value.restoreOldestBytes {
            reason += "; restoring the oldest kept backup reads one backup's data, not a full and the increments after it"
        }
        return (best.key, reason)
    }
}

extension BackupStrategy {
    /// How reports name the strategy.
    public var label: String {
        switch self {
        case .amber: return "Amber's snapshots"
        case .fullEveryTime: return "a full dump every time"
        case .weeklyFullDailyIncremental: return "weekly fulls with chained increments"
        }
    }
}
