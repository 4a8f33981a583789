import AmberKit
import ArgumentParser

extension Amber {
    /// `amber prune`: deletes data no snapshot needs, without stopping concurrent backups.
    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove data that no snapshot references.",
            discussion: """
                Runs in two phases (see docs/format.md, Prune): it first copies live blobs out of mostly unused packs \
                and records the packs to delete in a plan, then deletes them once no lock older than the plan \
                remains. Backups may run meanwhile; if one is, the deletion waits for a later prune.

                Before that, prune compacts the collections the next backups build on (see amber compact), \
                unless --no-compact is given or another process holds a lock (compaction then waits for a \
                later prune).

                Examples:
                  amber prune --dry-run
                  amber prune
                """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("max-unused"), help: "Repack packs whose unused share exceeds this percentage (default 5%).")
        var maxUnused: String = "5%"

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Only report what would be done.")
        var dryRun = false

        @Flag(name: .customLong("no-compact"), help: "Do not compact collections first (see amber compact).")
        var noCompact = false

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let report = try Prune.prune(repository, maxUnused: maxUnused, dryRun: dryRun, compact: !noCompact,
                                             lockRetry: try global.retryLockSeconds(), progress: global.progressStyle)
                Prune.print(report, global: global, dryRun: dryRun)
                return Exit.ok
            }
        }

        /// Shared with `forget --prune`.
        static func prune(_ repository: Repository, maxUnused: String, dryRun: Bool, compact: Bool,
                          lockRetry: Double = 0, progress style: ProgressDisplay.Style = .none) throws -> MaintenanceReport {
            let text = maxUnused.hasSuffix("%") ? String(maxUnused.dropLast()) : maxUnused
            guard let percent = Double(text), percent >= 0, percent <= 100 else {
                throw CLIError.usage("--max-unused \"\(maxUnused)\": expected a percentage such as 5%")
            }
            var options = PruneOptions(maxUnusedPercent: percent, dryRun: dryRun)
            options.lockRetry = lockRetry
            // Packs repacked (with their bytes), then packs deleted: one display, its totals set per step.
            let counter = ProgressCounter()
            let display = ProgressDisplay(progress: counter, verb: "packs repacked or deleted:", style: style)
            defer { display.finish() }
            options.progress = { step in
                counter.setTotal(items: UInt64(step.packs), bytes: UInt64(step.bytes))
                counter.set(items: UInt64(step.packsDone), bytes: UInt64(step.bytesDone))
            }
            return try Maintenance(repository: repository, prune: options, compact: compact).run()
        }

        static func print(_ maintenance: MaintenanceReport, global: GlobalOptions, dryRun: Bool) {
            if global.json {
                Output.json(maintenance)
                return
            }
            guard !global.quiet else { return }
            if let compaction = maintenance.compaction, !compaction.replaced.isEmpty {
                Compact.printText(compaction, dryRun: dryRun)
            }
            if let deferred = maintenance.compactionDeferred { Output.line(deferred + "; run prune again later") }
            let report = maintenance.prune
            Output.line("\(report.snapshots) snapshots use \(report.usedBlobs) blobs; \(report.unusedBlobs) blobs (\(Output.bytes(report.bytesUnused))) are unused")
            Output.line("packs: \(report.packsTotal) in all, \(report.packsKept) kept, \(report.packsRepacked) to repack, \(report.packsUnused) unused, \(report.packsUnindexed) in no index")
            if dryRun {
                Output.line("dry run: nothing was changed")
                return
            }
            Output.line("copied \(report.blobsCopied) blobs, rescued \(report.blobsRescued); deleted \(Output.bytes(report.bytesDeleted)) of \(Output.bytes(report.bytesBefore))")
            for name in report.damagedPlansRemoved {
                Output.line("removed prune plan \(name.prefix(8)), which could not be read (an interrupted prune's): it held no data")
            }
            if report.temporaryFilesRemoved > 0 {
                Output.line("removed \(report.temporaryFilesRemoved) temporary files left by interrupted saves")
            }
            for reason in report.deferred { Output.line("deferred: \(reason); run prune again later") }
        }
    }
}
