import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber forecast`: what the repository will cost under a retention policy (``StorageForecast``).
    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forecast repository size, offsite traffic and restore cost, month by month, under a retention policy.",
            discussion: """
                Reads each stream's history (snapshots of one host and sources: interval, bytes added, restore \
                size), extends it at the same pace, applies the --keep-* policy as forget would, and shows the \
                repository Amber keeps beside a full dump every time and weekly fulls with chained increments. \
                Without --keep-* every snapshot is kept. --at forecasts from an earlier moment, with the \
                repository as its snapshots then made it (a back-test). Formulas and assumptions: docs/strategy.md.

                Example:
                  amber forecast --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --months 24
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots the forecast reads") var selection: SnapshotFilterOptions

        @OptionGroup(title: "Retention policy") var retention: RetentionOptions

        @Option(name: .long, help: "How many months ahead (default 12).")
        var months = 12

        func validate() throws {
            guard (1...240).contains(months) else { throw ValidationError("--months must be between 1 and 240") }
        }

        func run() throws {
            try Exit.run {
                let policy = try retention.policy()
                let repository = try global.openRepository()
                let records = try selection.records(in: repository, named: [])
                guard !records.isEmpty else { throw CLIError.usage("no snapshots to forecast from") }
                let now = try selection.filter().at ?? Date()
                // From an earlier moment the repository held what its snapshots had added by then.
                let current = selection.at == nil ? Double(try repository.storedBytes())
                    : Double(records.reduce(0) { $0 + $1.snapshot.stats.addedBytes })
                try global.loadIndex(repository)
                let forecast = StorageForecast(records: records, policy: policy.isEmpty ? nil : policy, currentBytes: current,
                                               readRate: repository.measureReadRate() ?? 100e6, now: now)
                let report = ForecastReport(forecast: forecast, months: months)
                if global.json { Output.json(report) } else if !global.quiet { report.print(policy: policy) }
                return Exit.ok
            }
        }
    }
}
