import AmberKit
import ArgumentParser

extension Amber {
    /// `amber stats`: sizes of snapshots and of what the repository stores for them (restic's `stats`).
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how much snapshots hold and what the repository stores for them.",
            discussion: """
                --mode restore-size (default): the size of restoring each snapshot, added up. files-by-contents: \
                each distinct file content once. raw-data: the blobs the snapshots reach, each once, as stored \
                (compressed and encrypted) and before compression. All snapshots, or those named, or those the \
                --host/--tag/--path/--at filter selects.

                Examples:
                  amber stats
                  amber stats --mode raw-data latest
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots, when none is named") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot ids (unique prefixes) or latest.")
        var snapshots: [String] = []

        @Option(name: .long, help: "restore-size, files-by-contents or raw-data.")
        var mode: String = RepositoryStatistics.Mode.restoreSize.rawValue

        func run() throws {
            try Exit.run {
                guard let mode = RepositoryStatistics.Mode(rawValue: mode) else {
                    throw CLIError.usage("--mode \(self.mode): use restore-size, files-by-contents or raw-data")
                }
                let repository = try global.openRepository()
                if mode != .restoreSize { try global.loadIndex(repository) }
                let records = try selection.records(in: repository, named: snapshots)
                let stats = try RepositoryStatistics(repository, snapshots: records, mode: mode)
                if global.json {
                    Output.json(stats)
                } else if !global.quiet {
                    Output.line("Stats in \(mode.rawValue) mode:")
                    Output.line("     Snapshots processed:  \(stats.snapshotsCount)")
                    if let files = stats.totalFileCount { Output.line("        Total File Count:  \(files)") }
                    if let blobs = stats.totalBlobCount { Output.line("        Total Blob Count:  \(blobs)") }
                    if let plain = stats.totalUncompressedSize { Output.line(" Total Uncompressed Size:  \(Output.bytes(plain))") }
                    Output.line("              Total Size:  \(Output.bytes(stats.totalSize))")
                    if let ratio = stats.compressionRatio { Output.line("       Compression Ratio:  \(String(format: "%.2f", ratio))x") }
                }
                return Exit.ok
            }
        }
    }
}
