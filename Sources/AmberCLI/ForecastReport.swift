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

    let streams: [ForecastStream]
    let overheadPerBackup: Double
    let readBytesPerSecond: Double
    let months: [Month]
    let recommended: String
    let reason: String

    enum CodingKeys: String, CodingKey {
        case streams, overheadPerBackup = "overhead_per_backup", readBytesPerSecond = "read_bytes_per_second", months, recommended, reason
    }

    init(forecast: StorageForecast, months count: Int) {
        let rows = forecast.months(count)
        let months = rows.map { row in
            Month(month: row.index, date: String(RFC3339.format(row.date).prefix(10)), keptSnapshots: row.keptSnapshots,
                  strategies: Dictionary(uniqueKeysWithValues: row.figures.map { ($0.key.rawValue, $0.value) }))
        }
        let (best, reason) = StorageForecast.recommendation(rows.last?.figures ?? [:])
        self.streams = forecast.summaries
        self.overheadPerBackup = forecast.overheadPerBackup
        self.readBytesPerSecond = forecast.readRate
        self.months = months
        self.recommended = best.rawValue
        self.reason = reason
    }

    /// The text form: the streams' rates, a table a month, and the recommendation.
    func print(policy: RetentionPolicy) {
        for stream in streams {
            let rate = stream.rates
            let name = "\(stream.host ?? "?") \((stream.sources ?? []).map(SourceRedaction.redacted).joined(separator: ", "))"
            guard stream.running else {
                Output.line("\(name): stopped (newest backup \(stream.newest ?? "?")), kept as it is")
                continue
            }
            Output.line("\(name): a backup every \(Output.duration(rate.interval)), adding \(Self.bytes(rate.addedPerBackup)) "
                        + "(\(Self.bytes(rate.churnPerBackup)) replacing data, \(Self.bytes(rate.growthPerBackup)) growth); "
                        + "restore size \(Self.bytes(rate.restoreBytes))")
        }
        Output.line(policy.isEmpty ? "every snapshot kept" : "kept by the policy given, as forget keeps them")
        let header = ["month", "date", "kept", "amber", "sent", "full dumps", "weekly+incr", "restore newest", "restore oldest"]
        var rows = [header]
        for month in months {
            let amber = month.strategies[BackupStrategy.amber.rawValue]!
            rows.append([String(month.month), month.date, String(month.keptSnapshots), Self.bytes(amber.repositoryBytes),
                         Self.bytes(amber.sentBytes),
                         Self.bytes(month.strategies[BackupStrategy.fullEveryTime.rawValue]!.repositoryBytes),
                         Self.bytes(month.strategies[BackupStrategy.weeklyFullDailyIncremental.rawValue]!.repositoryBytes),
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

    /// A model's byte count as text (never negative).
    static func bytes(_ value: Double) -> String { Output.bytes(UInt64(max(0, value.isFinite ? value : 0))) }
}
