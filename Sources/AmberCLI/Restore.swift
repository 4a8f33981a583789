import AmberKit
import ArgumentParser
import Foundation

extension Amber {
    /// `amber restore SNAPSHOT --target DIR`: writes a snapshot's files back.
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a snapshot into a directory.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Snapshot id (a unique prefix) or \"latest\".")
        var snapshot: String

        @Option(name: [.short, .long], help: "Directory to restore into; each backed-up path becomes DIR/<its last component>.")
        var target: String

        @Option(name: [.short, .long], help: "Restore only paths matching this pattern, and what is below them (repeatable).")
        var include: [String] = []

        func run() throws {
            try Exit.run {
                let repository = try global.openRepository()
                let lock = try RepositoryLock.acquire(repository, exclusive: false)
                Interrupts.onInterrupt { lock.release() }
                defer { lock.release() }
                try repository.loadIndex()
                let record = try repository.findSnapshot(snapshot)
                guard let root = record.snapshot.treeID else { throw RepositoryError(.damaged, "snapshot \(record.id.shortHex) has no root tree") }
                let progress = ProgressCounter()
                if include.isEmpty {
                    progress.setTotal(items: record.snapshot.stats.documents, bytes: record.snapshot.stats.bytes)
                }
                let display = ProgressDisplay(progress: progress, verb: "restored", enabled: global.showsProgress)
                let started = Date()
                let result = try Restorer(repository: repository, include: IncludeFilter(include), progress: progress).restore(root, to: target)
                display.finish()
                for warning in result.warnings { Output.error("warning: \(warning)") }
                let seconds = Date().timeIntervalSince(started)
                if global.json {
                    Output.json(RestoreSummary(snapshotID: record.id.hex, files: result.files, directories: result.directories,
                                               bytes: result.bytes, warnings: result.warnings, durationSeconds: seconds))
                } else if !global.quiet {
                    Output.line("restored snapshot \(record.id.shortHex) to \(target): \(result.files) files, \(result.directories) directories, \(Output.bytes(result.bytes)) in \(Output.duration(seconds))")
                }
                return result.warnings.isEmpty ? Exit.ok : Exit.partial
            }
        }
    }
}

struct RestoreSummary: Encodable {
    var messageType = "summary"
    let snapshotID: String
    let files: UInt64
    let directories: UInt64
    let bytes: UInt64
    let warnings: [String]
    let durationSeconds: Double

    enum CodingKeys: String, CodingKey {
        case messageType = "message_type", snapshotID = "snapshot_id", files, directories, bytes, warnings, durationSeconds = "duration_seconds"
    }
}
