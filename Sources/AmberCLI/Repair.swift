import AmberKit
import ArgumentParser

extension Amber {
    /// `amber repair`: fixes what `check` found damaged (restic's `repair`).
    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Repair a damaged repository.",
            discussion: """
                Examples:
                  amber check
                  amber repair index
                  amber repair snapshots --read-data --forget
                """,
            subcommands: [RepairIndex.self, RepairKeys.self, RepairPacks.self, RepairSnapshots.self])
    }

    /// `amber repair keys`: the config and key files from their copies, and the copies from them.
    struct RepairKeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract: "Rewrite a damaged config or key file from its copy, and write the copies a repository lacks.",
            discussion: """
                The config and every key file have a byte-for-byte copy in copies/, so that one damaged \
                file does not lose the repository: commands then read the copy and warn. repair keys \
                rewrites whichever of a file and its copy is damaged or missing, and writes the copies of a \
                repository made before they existed. It takes the exclusive lock.

                Examples:
                  amber check          # names a damaged config, key file or copy
                  amber repair keys
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Exit.run {
                let report = try global.withLockedRepository(.exclusive) { try $0.repairCopies() }
                if global.json {
                    Output.json(report, snakeCase: true)
                } else if !global.quiet {
                    for file in report.restoredFromCopies { Output.line("rewrote \(file) from its copy") }
                    for copy in report.copiesWritten { Output.line("wrote \(copy)") }
                    for file in report.resealed {
                        Output.line("sealed \(file) again from what the repository read (neither it nor its copy was whole); sync destinations must be made anew")
                    }
                    for copy in report.orphanCopiesRemoved { Output.line("removed \(copy), the copy of a removed key file") }
                    if report.restoredFromCopies.isEmpty && report.copiesWritten.isEmpty && report.resealed.isEmpty
                        && report.orphanCopiesRemoved.isEmpty && report.lost.isEmpty {
                        Output.line("the config, the key files and their copies are whole")
                    }
                }
                for file in report.lost { Output.error("error: \(file) and its copy are both damaged or missing") }
                return report.lost.isEmpty ? Exit.ok : Exit.partial
            }
        }
    }

    /// `amber repair index`: rebuilds the index from the packs' own headers.
    struct RepairIndex: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "index",
            abstract: "Rebuild the index from the packs: index every pack no readable index file describes, remove damaged index files.",
            discussion: """
                Every pack carries its own index in its header. A damaged index file already costs nothing \
                but a warning (commands index its packs from their headers each time); repair index writes new \
                index files for those packs, and for packs an interrupted backup left, then removes the \
                damaged files. It takes the exclusive lock.

                Examples:
                  amber check          # names the damaged index file
                  amber repair index
                """)

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Exit.run {
                let report = try global.withLockedRepository(.exclusive) { try IndexRepair(repository: $0).run() }
                if global.json {
                    Output.json(report)
                } else if !global.quiet {
                    Output.line("indexed \(report.indexedPacks) packs from their headers into \(report.newIndexFiles) new index files; "
                                + "removed \(report.removedIndexFiles.count) damaged index files")
                    for pack in report.unreadablePacks { Output.error("warning: pack \(pack.prefix(8)) could not be read and stays unindexed") }
                }
                return report.unreadablePacks.isEmpty ? Exit.ok : Exit.partial
            }
        }
    }
}
