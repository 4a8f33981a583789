import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber forget`: removes snapshots by id or by a retention policy (restic's `forget`).
    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove snapshots, by id or by a retention policy.",
            discussion: """
                Snapshots are grouped by host and sources (--group-by) and the policy is applied to each \
                group: a snapshot stays if any --keep-* rule keeps it. Counts take a number or \
                "unlimited" (or -1). Calendar buckets (hour, day, ISO week, month, year) are taken in \
                the UTC offset each snapshot time was written with: UTC for Amber's snapshots. \
                --keep-within* durations look like 1y2m3d4h and count back from the group's newest snapshot. \
                Only snapshot files are removed; the data they alone used stays until a prune.

                Examples:
                  amber forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run
                  amber forget --keep-daily 7 --keep-weekly 4 --prune
                  amber forget 1a2b3c
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Snapshots to forget (ids, unique prefixes or \"latest\"); instead of a policy.")
        var snapshots: [String] = []

        @OptionGroup(title: "Retention policy") var retention: RetentionOptions

        @Option(name: .long, help: "Only consider snapshots from this host (repeatable).")
        var host: [String] = []

        @Option(name: .long, help: "Only consider snapshots with all these tags (TAG[,TAG...]; repeatable: any of them).")
        var tag: [String] = []

        @Option(name: [.customShort("g"), .customLong("group-by")], help: "Group by host, paths and/or tags, comma-separated ('' for one group).")
        var groupBy = "host,paths"

        @Flag(name: [.customShort("n"), .customLong("dry-run")], help: "Remove nothing; show what would be removed and why.")
        var dryRun = false

        @Flag(name: .long, help: "Prune the repository after forgetting (see amber prune).")
        var prune = false

        @Flag(name: .customLong("no-compact"), help: "With --prune: do not compact collections first (see amber compact).")
        var noCompact = false

        func run() throws {
            try Exit.run {
                let policy = try retention.policy()
                guard let grouping = SnapshotGrouping(parsing: groupBy) else {
                    throw CLIError.usage("--group-by \"\(groupBy)\": use host, paths and/or tags, separated by commas")
                }
                if snapshots.isEmpty && policy.isEmpty {
                    throw CLIError.usage("no policy given: name snapshots to forget or give at least one --keep-* option (nothing was removed)")
                }
                if !snapshots.isEmpty && !policy.isEmpty {
                    throw CLIError.usage("give either snapshot ids or --keep-* options, not both")
                }

                let repository = try global.openRepository()
                // Removing snapshot files needs no exclusive lock: backups, restores and checks
                // may go on (format.md §14); prunes, syncs, compactions and other forgets may not.
                let lock = try global.lock(repository, mode: .maintenance)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }

                var unreadable = [BlobID]()
                let plan = try snapshots.isEmpty
                    ? planByPolicy(policy, grouping: grouping, candidates: try filtered(repository.readableSnapshots()))
                    : planByID(repository, unreadable: &unreadable)
                let report = ForgetReport(groups: plan, dryRun: dryRun)
                if global.json { report.printJSON() } else if !global.quiet { report.printText(policy: snapshots.isEmpty ? policy : nil) }

                // A snapshot file named by id that cannot be read is removed as asked, with a word.
                for id in unreadable where !global.quiet {
                    Output.error("note: snapshot \(id.shortHex) cannot be read (damaged); its file \(dryRun ? "would be" : "is") removed")
                }
                let doomed = report.removedIDs + unreadable
                if !dryRun {
                    for id in doomed {
                        try repository.removeSnapshot(id)
                        if !global.json && !global.quiet { Output.line("removed snapshot \(id.shortHex)") }
                    }
                }
                if !global.json && !global.quiet {
                    Output.line(dryRun ? "\(doomed.count) snapshots would be removed (dry run)" : "\(doomed.count) snapshots removed")
                }
                if prune && !doomed.isEmpty {
                    try PruneStep.run(repository, lock: lock, dryRun: dryRun, compact: !noCompact, global: global)
                }
                return Exit.ok
            }
        }

        /// The snapshots that pass `--host` and `--tag`.
        private func filtered(_ records: [SnapshotRecord]) -> [SnapshotRecord] {
            let filter = SnapshotFilter(hosts: host, tags: tag, paths: [])
            return records.filter { filter.matches($0.snapshot) }
        }

        private func planByPolicy(_ policy: RetentionPolicy, grouping: SnapshotGrouping,
                                  candidates: [SnapshotRecord]) throws -> [ForgetReport.Group] {
            let results = policy.applyGrouped(to: candidates, now: Date(), groupBy: grouping)
            // As restic 0.17: never empty a group (a mistyped --keep-tag would otherwise remove everything).
            if let emptied = results.first(where: { $0.kept.isEmpty && !$0.decisions.isEmpty }) {
                throw CLIError.usage("refusing to remove every snapshot of the group (\(emptied.key.description)): the policy keeps none of its \(emptied.decisions.count) snapshots (nothing was removed)")
            }
            return results.map { ForgetReport.Group(key: $0.key, decisions: $0.decisions) }
        }

        /// The snapshots named; those whose file cannot be read (damaged) go to `unreadable`.
        private func planByID(_ repository: Repository, unreadable: inout [BlobID]) throws -> [ForgetReport.Group] {
            var seen = Set<BlobID>()
            var records = [SnapshotRecord]()
            for reference in snapshots {
                let id = reference == "latest" ? try repository.findSnapshot(reference).id : try repository.snapshotID(matching: reference)
                guard seen.insert(id).inserted else { continue }
                switch Result(catching: { () throws(RepositoryError) in try repository.loadSnapshot(id) }) {
                case .success(let snapshot): records.append(SnapshotRecord(id: id, snapshot: snapshot))
                case .failure(let error) where error.code == .damaged: unreadable.append(id)
                case .failure(let error): throw error
                }
            }
            let decisions = records.map { RetentionDecision(record: $0, keep: false, reasons: [], counters: [:]) }
            return [ForgetReport.Group(key: nil, decisions: decisions)]
        }
    }
}
