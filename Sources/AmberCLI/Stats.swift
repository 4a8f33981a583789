import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber stats`: sizes of snapshots and of what the repository stores for them (restic's `stats`).
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how much snapshots hold and what the repository stores for them.",
            discussion: """
                --mode restore-size (default): the size of restoring each snapshot, added up. files-by-contents: \
                each distinct file content once. raw-data: the blobs the snapshots reach, each once, as stored \
                (compressed and encrypted) and before compression, with the compression and deduplication ratios. \
                All snapshots, or those named, or those the --host/--tag/--path/--at filter selects.

                --html FILE writes one self-contained page (inline SVG, nothing fetched) about those snapshots: \
                both modes' figures, the repository's growth, the largest collections over time, a 12-month \
                forecast with every snapshot kept, and each snapshot's size and added bytes.

                Examples:
                  amber stats
                  amber stats --mode raw-data latest
                  amber stats --html repository.html
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup(title: "Which snapshots, when none is named") var selection: SnapshotFilterOptions

        @Argument(help: "Snapshot ids (unique prefixes) or latest.")
        var snapshots: [String] = []

        @Option(name: .long, help: "restore-size, files-by-contents or raw-data.")
        var mode: String = RepositoryStatistics.Mode.restoreSize.rawValue

        @Option(name: .long, help: "Also write a self-contained HTML page with charts to FILE.")
        var html: String?

        func run() throws {
            try Exit.run {
                guard let mode = RepositoryStatistics.Mode(rawValue: mode) else {
                    throw CLIError.usage("--mode \(self.mode): use restore-size, files-by-contents or raw-data")
                }
                let repository = try global.openRepository()
                if mode != .restoreSize || html != nil { try global.loadIndex(repository) }
                let records = try selection.records(in: repository, named: snapshots)
                let stats = try RepositoryStatistics(repository, snapshots: records, mode: mode)
                if let html { try writePage(to: html, repository: repository, records: records) }
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
                    if let ratio = stats.deduplicationRatio { Output.line("    Deduplication Ratio:  \(String(format: "%.2f", ratio))x") }
                    if let html { Output.line("wrote \(html)") }
                }
                return Exit.ok
            }
        }

        /// Writes the ``StatsPage`` of `records` to `path` (through a temporary file renamed over it).
        private func writePage(to path: String, repository: Repository, records: [SnapshotRecord]) throws {
            let page = try StatsPage(repository: repository, records: records, now: Date()).render()
            let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
            do {
                // A new file (O_EXCL): never through a link someone left at that name.
                try Data(page.utf8).write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
                guard rename(temporary, path) == 0 else { throw CLIError.usage("cannot write \(path): \(String(cString: strerror(errno)))") }
            } catch {
                unlink(temporary)
                throw error
            }
        }
    }
}
