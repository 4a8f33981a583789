import AmberKit
import Foundation

/// `amber forecast`'s output: a row a month (month 0 is now) and the recommendation.
struct ForecastReport: Encodable {
    struct Month: Encodable {
        let month: Int
        let date: String
        let keptSnapshots: Int
        let strategies: [String: StrategyFigures]

        enum CodingKeys: String, CodingKey { case month, date, keptSnapshots = "kept_snapshots", strategies }
    }

    let rates: [ForecastRates]
    let readBytesPerSecond: Double
    let months: [Month]
    let recommended: String
    let reason: String

    enum CodingKeys: String, CodingKey {
        case rates, readBytesPerSecond = "read_bytes_per_second", months, recommended, reason
    }

    init(forecast: StorageForecast, months count: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var months: [Month] = []
        var previous = forecast.now
        var last: [BackupStrategy: StrategyFigures] = [:]
        for month in 0...count {
            let date = calendar.date(byAdding: .month, value: month, to: forecast.now) ?? forecast.now
            last = forecast.figures(at: date, since: month == 0 ? date : previous)
            months.append(Month(month: month, date: String(RFC3339.format(date).prefix(10)), keptSnapshots: forecast.keptCount(at: date),
                                strategies: Dictionary(uniqueKeysWithValues: last.map { ($0.key.rawValue, $0.value) })))
            previous = date
        }
        let (best, reason) = StorageForecast.recommendation(last)
        self.rates = forecast.rates
        self.readBytesPerSecond = forecast.readRate
        self.months = months
        self.recommended = best.rawValue
        self.reason = reason
    }

    /// The text form: the streams' rates, a table a month, and the recommendation.
    func print(policy: RetentionPolicy) {
        for (index, rate) in rates.enumerated() {
            Output.line("stream \(index + 1): a backup every \(Output.duration(rate.interval)), adding \(Output.bytes(UInt64(rate.addedPerBackup))) "
                        + "(\(Output.bytes(UInt64(rate.churnPerBackup))) replacing data, \(Output.bytes(UInt64(rate.growthPerBackup))) growth); "
                        + "restore size \(Output.bytes(UInt64(rate.restoreBytes)))")
        }
        Output.line(policy.isEmpty ? "every snapshot kept" : "kept by the policy given, as forget keeps them")
        let header = ["month", "date", "kept", "amber", "sent", "full dumps", "weekly+incr", "restore newest", "restore oldest"]
        var rows = [header]
        for month in months {
            let amber = month.strategies[BackupStrategy.amber.rawValue]!
            rows.append([String(month.month), month.date, String(month.keptSnapshots), Output.bytes(UInt64(amber.repositoryBytes)),
                         Output.bytes(UInt64(amber.sentBytes)),
                         Output.bytes(UInt64(month.strategies[BackupStrategy.fullEveryTime.rawValue]!.repositoryBytes)),
                         Output.bytes(UInt64(month.strategies[BackupStrategy.weeklyFullDailyIncremental.rawValue]!.repositoryBytes)),
                         Output.duration(amber.restoreNewestSeconds), Output.duration(amber.restoreOldestSeconds)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            Output.line(row.enumerated().map { column, text in
                column < 2 ? text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - text.count) + text
            }.joined(separator: "  "))
        }
        Output.line("recommended: \(reason)")
    }
}
