import AmberKit
import ArgumentParser

extension Amber {
    /// `amber compact`: merges the runs of the collections the next backups build on.
    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge the runs of collections so that backups never have to.",
            discussion: """
                A backup of a database or collection source adds only what changed (a run) on top of \
                the previous backup. compact merges those runs in size tiers, or rewrites the collection's \
                base, in the latest snapshot of each host and source (see docs/manifest-format.md, Tiers). \
                Each snapshot compacted is replaced by one with the same contents and fields, whose \
                "original" field names the one it replaced; the runs no snapshot uses any more are \
                removed by a later prune. Run it after your backups, e.g. with forget --prune.

                Examples:
                  amber compact --dry-run     # what is due
                  amber compact && amber prune

                prune (and forget --prune) compact first unless given --no-compact, so a schedule that \
                prunes needs no compact of its own.
                """)

        @OptionGroup var global: GlobalOptions

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Change nothing; show what is due.")
        var dryRun = false

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let report = try SnapshotCompactor(repository: repository, dryRun: dryRun, lockRetry: try global.retryLockSeconds()).run()
                if global.json {
                    Output.json(report)
                } else if !global.quiet {
                    Self.printText(report, dryRun: dryRun)
                }
                return Exit.ok
            }
        }

        static func printText(_ report: CompactionReport, dryRun: Bool) {
            for replacement in report.replaced {
                let target = replacement.replacement.map { " -> \(String($0.prefix(8)))" } ?? ""
                Output.line("snapshot \(replacement.original.prefix(8))\(target)")
                for collection in replacement.collections {
                    Output.line("  \(collection.name): \(collection.action), \(collection.runsBefore) runs -> \(collection.runsAfter)")
                }
            }
            let verb = dryRun ? "would be compacted (dry run)" : "compacted"
            Output.line("\(report.replaced.count) of \(report.snapshotsExamined) snapshots \(verb); added to the repository: \(Output.bytes(report.addedBytes))")
        }
    }
}
