import AmberKit
import ArgumentParser

extension Amber {
    /// `amber repair snapshots`: writes damaged snapshots anew without what was lost (restic's).
    struct RepairSnapshots: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snapshots",
            abstract: "Write damaged snapshots anew without what was lost, naming each loss.",
            discussion: """
                For each snapshot named (ids or latest), or selected by --host/--tag/--path/--at when none \
                is named: a directory whose tree cannot be read becomes empty, a file keeps the content it \
                still has (restic's rule), a collection whose manifest is damaged is removed from its source. \
                The new snapshot is tagged `repaired` and names the old one as its original; the old one \
                stays unless --forget. A blob counts as lost when no index lists it; --read-data also reads \
                every data blob and counts a damaged one as lost. Run `repair index` first if the index is \
                damaged. It takes the exclusive lock. Exit code 3 when a snapshot's root cannot be read.

                Examples:
                  amber check --read-data
                  amber repair snapshots --read-data --dry-run
                  amber repair snapshots --read-data --forget
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots, when none is named") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot ids (unique prefixes) or latest.")
        var snapshots: [String] = []

        @Flag(name: .long, help: "Also read every data blob; a damaged one counts as lost.")
        var readData = false

        @Flag(name: .long, help: "Remove each damaged snapshot once its repaired one is saved.")
        var forget = false

        @Flag(name: [.short, .customLong("dry-run")], help: "Say what would be repaired; write nothing.")
        var dryRun = false

        func run() throws {
            try Exit.run {
                let options = SnapshotRepairer.Options(readData: readData, forget: forget, dryRun: dryRun)
                let outcomes = try global.withLockedRepository(.exclusive) { repository in
                    try global.loadIndex(repository)
                    return try SnapshotRepairer(repository: repository, options: options)
                        .repair(try selection.records(in: repository, named: snapshots))
                }
                if global.json {
                    Output.json(outcomes, snakeCase: true)
                } else if !global.quiet {
                    for outcome in outcomes { show(outcome) }
                    let verb = dryRun ? "would modify" : "modified"
                    Output.line(outcomes.isEmpty ? "no snapshot needs repair" : "\(verb) \(outcomes.count) snapshot\(outcomes.count == 1 ? "" : "s")")
                }
                return outcomes.contains { $0.repaired == nil && !$0.removed && !dryRun } ? Exit.partial : Exit.ok
            }
        }

        private func show(_ outcome: SnapshotRepairer.Outcome) {
            Output.line("snapshot \(outcome.snapshot.prefix(8))")
            for loss in outcome.losses { Output.line("  \(loss.path): \(loss.action)") }
            if let repaired = outcome.repaired { Output.line("  saved as \(repaired.prefix(8))") }
            if outcome.removed { Output.line("  removed \(outcome.snapshot.prefix(8))") }
        }
    }
}
