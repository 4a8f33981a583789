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

                Examples:
                  amber forecast --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --months 24
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots the forecast reads") var selection: SnapshotFilterOptions

        @OptionGroup(title: "Retention policy") var retention: RetentionOptions

        @Option(name: .long, help: "How many months ahead.")
        var months = 12

        func validate() throws {
            guard (1...240).contains(months) else { throw ValidationError("--months must be between 1 and 240") }
        }

        func run() throws {
            try Exit.run {
                let policy = try retention.policy()
                let repository = try global.openRepository()
                let lock = try global.lock(repository, mode: .shared)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                // Every snapshot is read once: all of them give the overhead, the filter's the forecast.
                let all = try repository.readableSnapshots()
                let filter = try selection.filter()
                let records = all.filter { filter.matches($0.snapshot) }
                guard !records.isEmpty else { throw CLIError.usage("no snapshots to forecast from") }
                let now = filter.at ?? Date()
                try global.loadIndex(repository)
                let horizon = StorageForecast.date(months, monthsAfter: now)
                // The overhead per backup comes from all snapshots; the forecast of the chosen ones carries it.
                let forecast = try StorageForecast(repository: repository, records: records, all: all,
                                                   policy: policy.isEmpty ? nil : policy, now: now, horizon: horizon)
                let emptied = forecast.groupsKeepingNothing(at: now)
                guard emptied.isEmpty else {
                    throw CLIError.usage("the policy keeps no snapshot of \(emptied.joined(separator: "; ")), so forget would refuse it")
                }
                let report = ForecastReport(forecast: forecast, months: months)
                if global.json { Output.json(report) } else if !global.quiet { report.print(policy: policy) }
                return Exit.ok
            }
        }
    }
}
